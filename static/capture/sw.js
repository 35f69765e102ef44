// The capture page's service worker: it keeps the app shell so the page opens and captures with no
// signal, and the map tiles the volunteer has viewed, so the pin map is not blank offline. Sightings
// never pass through here: the page's outbox (IndexedDB) sends them itself.
const VERSION = "__SHELL_VERSION__"; // replaced by the server with a hash of the shell's files
const CACHE = `capture-${VERSION}`;
const SHELL = [
  "/",
  "/manifest.webmanifest",
  "/static/capture/styles.css",
  "/static/capture/app.js",
  "/static/capture/answers.js",
  "/static/capture/basemap.js",
  "/static/capture/cone.js",
  "/static/capture/db.js",
  "/static/capture/details.js",
  "/static/capture/draft.js",
  "/static/capture/idb.js",
  "/static/capture/mine.js",
  "/static/capture/outbox.js",
  "/static/capture/photogps.js",
  "/static/capture/pinmap.js",
  "/static/capture/place.js",
  "/static/capture/sign.js",
  "/static/capture/vocab.js",
  "/static/capture/walk.js",
  "/static/capture/walkline.js",
  "/static/capture/walkstore.js",
  "/static/capture/icons/icon-192.png",
  "/static/capture/icons/icon-512.png",
  "/vendor/exifr/full.esm.js",
  "/vendor/pmtiles/pmtiles.js",
  "/vendor/protomaps-leaflet/protomaps-leaflet.js",
  "/vendor/leaflet/leaflet.js",
  "/vendor/leaflet/leaflet.css",
  "/vendor/leaflet/images/marker-icon.png",
  "/vendor/leaflet/images/marker-icon-2x.png",
  "/vendor/leaflet/images/marker-shadow.png",
  "/vendor/leaflet/images/layers.png",
  "/vendor/leaflet/images/layers-2x.png",
];

// Tiles: only those the page showed, never a bulk download (OpenStreetMap's tile policy forbids it).
// At most MAX_TILES (about 20 MB of street-zoom PNGs); the least recently used go first, EVICT at a time.
const TILES = "tiles-v1";
const MAX_TILES = 1500;
const EVICT = 50; // one listing of the cache frees room for this many tiles
const TILE_PATH = /\/\d+\/\d+\/\d+(@2x)?\.(png|jpe?g|webp)$/;
let tileCount = null; // entries in TILES: counted once per worker start, then kept
let tileWrites = Promise.resolve(); // one write at a time, so the count is exact and the bound holds

self.addEventListener("install", (event) => {
  // cache: "reload" skips the HTTP cache, so a new version never stores an old file.
  const requests = SHELL.map((url) => new Request(url, { cache: "reload" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const old = (keys) => keys.filter((key) => key.startsWith("capture-") && key !== CACHE);
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(old(keys).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "GET" && url.origin !== self.location.origin && TILE_PATH.test(url.pathname)) {
    event.respondWith(tile(request));
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) {
    return; // the API and other pages go to the network as usual
  }
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(url.pathname))
    .then((cached) => cached || fetch(request)));
});

/**
 * Network first, so tiles stay fresh; the cached copy when offline. The copy is fetched with CORS
 * (tile servers allow it): an opaque response would count megabytes against the storage the outbox
 * needs. A server without CORS still draws its tiles, uncached.
 */
async function tile(request) {
  const cache = await caches.open(TILES);
  const init = { mode: "cors", credentials: "omit", referrer: request.referrer, referrerPolicy: request.referrerPolicy };
  try {
    const response = await fetch(request.url, init);
    if (response.ok) await remember(cache, request.url, response.clone());
    return response;
  } catch {
    const cached = await cache.match(request.url);
    if (cached) await remember(cache, request.url, cached.clone()); // used again: the newest now
    return cached || fetch(request); // offline with no copy fails as before; no CORS: plain image
  }
}

/** Keep a tile as the most recently used (the cache's order is the recency), within MAX_TILES. */
function remember(cache, url, response) {
  tileWrites = tileWrites.then(async () => {
    const had = await cache.delete(url); // re-inserted at the end
    tileCount = tileCount === null ? (await cache.keys()).length : tileCount - (had ? 1 : 0);
    if (tileCount >= MAX_TILES) {
      const keys = await cache.keys();
      const oldest = keys.slice(0, keys.length - MAX_TILES + EVICT);
      await Promise.all(oldest.map((key) => cache.delete(key)));
      tileCount = keys.length - oldest.length;
    }
    await cache.put(url, response);
    tileCount += 1;
  }).catch(() => { tileCount = null; }); // e.g. storage full: count afresh next time
  return tileWrites;
}
