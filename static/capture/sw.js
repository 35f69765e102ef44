// The capture page's service worker: it keeps the app shell so the page opens and captures with no
// signal. Sightings never pass through here: the page's outbox (IndexedDB) sends them itself.
const VERSION = "__SHELL_VERSION__"; // replaced by the server with a hash of the shell's files
const CACHE = `capture-${VERSION}`;
const SHELL = [
  "/",
  "/manifest.webmanifest",
  "/static/capture/styles.css",
  "/static/capture/app.js",
  "/static/capture/answers.js",
  "/static/capture/db.js",
  "/static/capture/details.js",
  "/static/capture/draft.js",
  "/static/capture/mine.js",
  "/static/capture/outbox.js",
  "/static/capture/photogps.js",
  "/static/capture/pinmap.js",
  "/static/capture/place.js",
  "/static/capture/vocab.js",
  "/static/capture/icons/icon-192.png",
  "/static/capture/icons/icon-512.png",
  "/vendor/exifr/full.esm.js",
  "/vendor/leaflet/leaflet.js",
  "/vendor/leaflet/leaflet.css",
  "/vendor/leaflet/images/marker-icon.png",
  "/vendor/leaflet/images/marker-icon-2x.png",
  "/vendor/leaflet/images/marker-shadow.png",
  "/vendor/leaflet/images/layers.png",
  "/vendor/leaflet/images/layers-2x.png",
];

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
  if (request.method !== "GET" || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) {
    return; // the API, map tiles and other pages go to the network as usual
  }
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(url.pathname))
    .then((cached) => cached || fetch(request)));
});
