// The self-hosted basemap (BASEMAP_PMTILES): one PMTiles archive, read by byte ranges with the pmtiles
// library (from node_modules), or from a whole copy the volunteer saved on this phone with the button
// on the first screen, so the map draws with no signal and no tile server at all. Raster tiles are
// shown as images; vector tiles (a Protomaps build) are drawn by protomaps-leaflet in its light style.
const CACHE = "basemap-v1";
const SCRIPT = "/vendor/pmtiles/pmtiles.js";
const VECTOR_SCRIPT = "/vendor/protomaps-leaflet/protomaps-leaflet.js";
const VECTOR_TYPES = [1]; // Mvt in the PMTiles header's tile type
const $ = (id) => document.getElementById(id);

function meta(name) {
  return document.querySelector(`meta[name="${name}"]`)?.content || "";
}

/** The archive's URL, or "" when the server has no basemap (the map then uses TILE_URL's tiles). */
export function basemapUrl() {
  return meta("basemap-url");
}

/** A classic script (the libraries' browser builds set a global): resolves to that global. */
function loadScript(src, global) {
  if (window[global]) return Promise.resolve(window[global]);
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement("script"), { src });
    script.onload = () => resolve(window[global]);
    script.onerror = () => reject(new Error(`${src} could not be loaded`));
    document.head.append(script);
  });
}

/** The saved copy, if it is of the archive the server has now (its size and date); else null. */
async function savedCopy(url) {
  if (!("caches" in window)) return null;
  const response = await caches.match(url, { cacheName: CACHE }); // opens no cache: deleting frees it all
  if (!response) return null;
  if (response.headers.get("X-Basemap-Version") !== meta("basemap-version")) return null;
  return response.blob();
}

/** Add the basemap to a Leaflet map; it is drawn at the archive's zooms and scaled up beyond them. */
export async function addBasemap(map, attribution) {
  const url = basemapUrl();
  const [lib, copy] = await Promise.all([loadScript(SCRIPT, "pmtiles"), savedCopy(url).catch(() => null)]);
  // A File's name is the archive's key in the library's cache: the URL, as for a fetched one.
  const source = copy ? new lib.FileSource(new File([copy], url)) : new lib.FetchSource(url);
  const archive = new lib.PMTiles(source);
  const header = await archive.getHeader();
  const layer = VECTOR_TYPES.includes(header.tileType) ? await vectorLayer(archive, header, attribution)
    : lib.leafletRasterLayer(archive, { maxZoom: 19, maxNativeZoom: header.maxZoom, minNativeZoom: header.minZoom, attribution });
  layer.addTo(map);
  document.documentElement.dataset.basemap = copy ? "saved" : "network";
  return layer;
}

/** Vector tiles drawn on canvases; past the archive's last zoom its tiles are drawn larger. */
async function vectorLayer(archive, header, attribution) {
  const protomaps = await loadScript(VECTOR_SCRIPT, "protomapsL");
  return protomaps.leafletLayer({ url: archive, flavor: "light", lang: "en", maxDataZoom: header.maxZoom, attribution });
}

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** The first screen's "Save the map for offline use" card, shown only when there is a basemap. */
export async function initOffline() {
  const url = basemapUrl();
  const card = $("basemap-offline");
  if (!url || !card || !("caches" in window)) return;
  const size = megabytes(Number(meta("basemap-bytes")));
  const button = $("basemap-save");
  const status = $("basemap-status");
  const draw = (saved) => {
    status.textContent = saved ? `The map is saved on this phone (${size}): it draws with no signal.`
      : `The map can be saved on this phone for use with no signal (${size}).`;
    button.textContent = saved ? "Delete the saved map" : `Save the map (${size})`;
    button.dataset.saved = saved ? "1" : "";
  };
  card.hidden = false;
  draw(Boolean(await savedCopy(url)));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if (button.dataset.saved) await caches.delete(CACHE);
      else await save(url, status);
      draw(Boolean(await savedCopy(url)));
    } catch (error) {
      status.textContent = error.name === "QuotaExceededError" ? `Not enough space on this phone for ${size}.`
        : `The map could not be saved: ${error.message}. Try again with a better signal.`;
    } finally {
      button.disabled = false;
    }
  });
}

async function save(url, status) {
  status.textContent = "Saving the map…";
  navigator.storage?.persist?.(); // the map and the outbox should outlive a low-space clean-up
  const response = await fetch(url, { cache: "no-store" });
  if (response.status !== 200) throw new Error(`the server answered ${response.status}`);
  const blob = await response.blob();
  if (blob.size !== Number(meta("basemap-bytes"))) throw new Error("the download was cut short");
  const headers = { "Content-Type": blob.type, "X-Basemap-Version": meta("basemap-version") };
  const cache = await caches.open(CACHE);
  await cache.delete(url); // one copy: the older archive's goes
  await cache.put(url, new Response(blob, { headers }));
}
