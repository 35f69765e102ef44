// The phone's own copy of every sighting: records keyed by client_id, and their photos kept apart
// (keyed [client_id, n]) so that changing a record never rewrites megabytes of photo.
import { database } from "./idb.js";

const DB_NAME = "cctv-capture";
const RECORDS = "sightings";
const PHOTOS = "photos";
const transaction = database(DB_NAME, (db) => {
  db.createObjectStore(RECORDS, { keyPath: "client_id" }).createIndex("created_at", "created_at");
  db.createObjectStore(PHOTOS);
});

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
