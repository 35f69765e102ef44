// The phone's own copy of every sighting, photos included: one IndexedDB store keyed by client_id.
const DB_NAME = "cctv-capture";
const STORE = "sightings";
let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: "client_id" }).createIndex("created_at", "created_at");
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

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
  });
}

async function transaction(mode, work) {
  const tx = (await open()).transaction(STORE, mode);
  const result = work(tx.objectStore(STORE));
  await finished(tx);
  return result.result;
}

/** Write a whole record; resolves once it is committed to disk. */
export function put(record) {
  return transaction("readwrite", (store) => store.put(record));
}

export function get(clientId) {
  return transaction("readonly", (store) => store.get(clientId));
}

export function remove(clientId) {
  return transaction("readwrite", (store) => store.delete(clientId));
}

/** Every record, oldest first. */
export function all() {
  return transaction("readonly", (store) => store.index("created_at").getAll());
}

/** Read, change and write one record in a single transaction; `change` must be synchronous. */
export async function update(clientId, change) {
  const tx = (await open()).transaction(STORE, "readwrite");
  const store = tx.objectStore(STORE);
  let updated;
  store.get(clientId).onsuccess = (event) => {
    const record = event.target.result;
    if (!record) return;
    updated = { ...record, ...change(record) };
    store.put(updated);
  };
  await finished(tx);
  return updated;
}
