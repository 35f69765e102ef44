// The phone's own copy of every sighting: records keyed by client_id, and their photos kept apart
// (keyed [client_id, n]) so that changing a record never rewrites megabytes of photo.
const DB_NAME = "cctv-capture";
const RECORDS = "sightings";
const PHOTOS = "photos";
let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(RECORDS, { keyPath: "client_id" }).createIndex("created_at", "created_at");
      request.result.createObjectStore(PHOTOS);
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
  });
  return opening;
}

/** Run `work(store)` in one transaction; resolves with its request's result once committed. */
async function transaction(name, mode, work) {
  const tx = (await open()).transaction(name, mode);
  const request = work(tx.objectStore(name));
  await new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
  });
  return request?.result;
}

const photosOf = (clientId) => IDBKeyRange.bound([clientId, 0], [clientId, Infinity]);

/** Write a whole record; resolves once it is committed to disk. */
export function put(record) {
  return transaction(RECORDS, "readwrite", (store) => store.put(record));
}

export function get(clientId) {
  return transaction(RECORDS, "readonly", (store) => store.get(clientId));
}

/** Forget a sighting and its photos. */
export async function remove(clientId) {
  await removePhotos(clientId);
  return transaction(RECORDS, "readwrite", (store) => store.delete(clientId));
}

/** Every record, oldest first. */
export function all() {
  return transaction(RECORDS, "readonly", (store) => store.index("created_at").getAll());
}

/** Read, change and write one record in a single transaction; `change` must be synchronous. */
export async function update(clientId, change) {
  let updated;
  await transaction(RECORDS, "readwrite", (store) => {
    store.get(clientId).onsuccess = (event) => {
      const record = event.target.result;
      if (!record) return;
      updated = { ...record, ...change(record) };
      store.put(updated);
    };
  });
  return updated;
}

/** Store photos [{blob, name}] as numbers from..from+n-1 of this sighting. */
export function putPhotos(clientId, photos, from = 0) {
  return transaction(PHOTOS, "readwrite", (store) => {
    photos.forEach((photo, i) => store.put(photo, [clientId, from + i]));
  });
}

export function getPhotos(clientId) {
  return transaction(PHOTOS, "readonly", (store) => store.getAll(photosOf(clientId)));
}

export function removePhotos(clientId) {
  return transaction(PHOTOS, "readwrite", (store) => store.delete(photosOf(clientId)));
}
