// One IndexedDB database opened once per page, and transactions that resolve only once committed.
// db.js (sightings and photos) and walkstore.js (walks and streets) each keep their own database.

/** A `transaction(storeName, mode, work)` for the database `name`, created by `upgrade(db)` when new. */
export function database(name, upgrade) {
  let opening = null;

  function open() {
    opening ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => upgrade(request.result);
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
  return async function transaction(storeName, mode, work) {
    const tx = (await open()).transaction(storeName, mode);
    const request = work(tx.objectStore(storeName));
    await new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
    });
    return request?.result;
  };
}
