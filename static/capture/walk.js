// Walking a survey area: the volunteer picks the area (or the phone's position picks it), sees its
// streets by state, and taps "I walked this street", or marks the part of it they walked. What goes to
// the server is the street, the part (two fractions along it), the day and the device key: never where
// the phone went. The walks go out with the outbox, so they keep offline and survive a reload.
import { deviceId, uuid } from "./draft.js";
import * as place from "./place.js";
import { label, terms } from "./vocab.js";
import { contains, distanceM, lengthM, nearestOn, piece } from "./walkline.js";
import * as walks from "./walkstore.js";

const $ = (id) => document.getElementById(id);
const AREA_KEY = "cctv-walk-area"; // { id, by: "hand" | "position" }
const TAP_PX = 22; // a tap this close to a street picks it: a band 44 px wide
const NEAR_COUNT = 6;
const STYLE = { // colour, and a dash pattern, so the states differ without colour too
  not_walked: { color: "#5f6368", weight: 4, dashArray: "2 7" },
  walked: { color: "#1b7f3b", weight: 5, dashArray: null },
  walked_with_cameras: { color: "#6a1b9a", weight: 7, dashArray: null },
  due_again: { color: "#b35c00", weight: 5, dashArray: "12 6" },
};
const MARKUP = `
<h1 id="walk-title" class="screen-title">Streets to walk</h1>
<label class="field" for="walk-area">Survey area<select id="walk-area" class="walk-select"></select></label>
<p id="walk-area-note" class="hint" aria-live="polite"></p>
<div id="walk-map" class="map walk-map" role="region" aria-label="Map of the area's streets: tap a street to choose it"></div>
<ul id="walk-legend" class="walk-legend" aria-label="What the lines mean"></ul>
<div id="walk-panel" class="card walk-panel" hidden>
  <p id="walk-street" class="walk-street" aria-live="polite"></p>
  <p id="walk-part-text" class="hint" aria-live="polite" hidden></p>
  <button type="button" class="button button-primary" id="walk-whole">I walked this street</button>
  <button type="button" class="button button-primary" id="walk-part-send" hidden>I walked this part</button>
  <button type="button" class="button button-secondary" id="walk-part">I walked only part of it</button>
  <button type="button" class="button button-secondary" id="walk-close">Close</button>
</div>
<p id="walk-saved" class="notice" role="status" hidden></p>
<p id="walk-counts" class="hint"></p>
<h2 class="walk-near-title">Streets near you</h2>
<ol id="walk-list" class="walk-list"></ol>
<p class="hint">Sent: the street, the part, the day and this phone's anonymous key. Never where you went.</p>`;

const view = { areas: [], area: null, streets: [], byId: new Map(), mine: [], fix: null, selected: null, part: null };
let map = null;
let drawn = new Map(); // street id -> its Leaflet line
let marks = null; // the chosen street's highlight and the part's ends

export function init() {
  $("screen-walk").innerHTML = MARKUP;
  $("walk-legend").replaceChildren(...terms("street_map_state").map(([value, text]) => legendItem(value, text)));
  $("walk-area").addEventListener("change", () => choose(Number($("walk-area").value) || null, "hand"));
  $("walk-whole").addEventListener("click", () => record(null));
  $("walk-part").addEventListener("click", startPart);
  $("walk-part-send").addEventListener("click", () => record(partFractions()));
  $("walk-close").addEventListener("click", () => select(null));
  $("walk-list").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-street]");
    if (button) select(Number(button.dataset.street), true);
  });
  walks.subscribe(refreshMine);
  walks.start();
  place.subscribe(onPlace);
  window.addEventListener("online", loadAreas);
  refreshMine();
  loadAreas();
}

/** The walk screen became visible: Leaflet measures its box only now. */
export function show() {
  if (!map && window.L) createMap();
  map?.invalidateSize();
  drawStreets(true);
}

/** Where a point is drawn, in page pixels (for tests that tap a street). */
export function pagePoint(lat, lon) {
  const point = map.latLngToContainerPoint([lat, lon]);
  const box = map.getContainer().getBoundingClientRect();
  return { x: box.left + point.x, y: box.top + point.y };
}

function legendItem(value, text) {
  const { color, weight, dashArray } = STYLE[value];
  const item = document.createElement("li");
  item.innerHTML = `<svg viewBox="0 0 40 12" width="40" height="12" aria-hidden="true"><line x1="2" y1="6" x2="38" y2="6"
    stroke="${color}" stroke-width="${weight}" stroke-dasharray="${dashArray || ""}"/></svg>`;
  item.append(text);
  return item;
}

async function loadAreas() {
  view.areas = (await walks.fresh("/api/v1/areas")) || [];
  const options = view.areas.map((area) => new Option(area.name, String(area.id)));
  $("walk-area").replaceChildren(new Option("Choose an area", ""), ...options);
  const saved = JSON.parse(localStorage.getItem(AREA_KEY) || "null");
  const known = (id) => view.areas.some((area) => area.id === id);
  const here = areaAt(view.fix);
  if (saved?.by === "hand" && known(saved.id)) await choose(saved.id, "hand");
  else if (here) await choose(here.id, "position");
  else if (saved && known(saved.id)) await choose(saved.id, saved.by);
  else $("walk-area-note").textContent = view.areas.length ? "Choose the area you are walking."
    : "No survey areas on this phone yet: open this page once with signal.";
}

function areaAt(fix) {
  return fix ? view.areas.find((area) => contains(area.boundary, [fix.lon, fix.lat])) : null;
}

async function choose(id, by) {
  if (id) localStorage.setItem(AREA_KEY, JSON.stringify({ id, by }));
  else localStorage.removeItem(AREA_KEY);
  view.area = view.areas.find((area) => area.id === id) || null;
  $("walk-area").value = view.area ? String(id) : "";
  $("walk-area-note").textContent = view.area && by === "position" ? "Picked from where you are." : "";
  view.streets = [];
  view.byId = new Map();
  for (const line of drawn.values()) line.remove(); // the lines of the streets just let go
  drawn = new Map();
  select(null);
  if (view.area) await loadStreets(view.area);
}

/** The area's streets with their state and cameras, from the server, or the copy this phone kept. */
async function loadStreets(area) {
  const base = `/api/v1/areas/${area.id}`;
  const [layer, coverage] = await Promise.all([walks.fresh(`${base}/streets.geojson`), walks.fresh(`${base}/coverage`)]);
  if (view.area?.id !== area.id) return; // another area was picked meanwhile
  if (!layer) {
    $("walk-area-note").textContent = "This area's streets are not on this phone yet: open it once with signal.";
    return;
  }
  const rows = new Map((coverage?.streets || []).map((row) => [row.street_id, row]));
  view.streets = layer.features.map((feature) => ({
    id: feature.id, name: feature.properties.name, state: feature.properties.state, lines: feature.geometry.coordinates,
    cameras: rows.get(feature.id)?.cameras.length || 0, fraction: rows.get(feature.id)?.walked_fraction || 0,
  }));
  view.byId = new Map(view.streets.map((street) => [street.id, street]));
  drawStreets(true);
}

function onPlace({ fix }) {
  const moved = fix && (!view.fix || distanceM([fix.lon, fix.lat], [view.fix.lon, view.fix.lat]) > 10);
  if (!moved) return;
  view.fix = fix;
  const saved = JSON.parse(localStorage.getItem(AREA_KEY) || "null");
  const here = areaAt(fix);
  if (here && saved?.by !== "hand" && here.id !== view.area?.id) choose(here.id, "position");
  else drawList();
}

function createMap() {
  const L = window.L;
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || "";
  map = L.map($("walk-map"), { zoomControl: true, preferCanvas: true }).setView([51.5074, -0.1278], 16);
  L.tileLayer(meta("tile-url"), {
    maxZoom: 19, attribution: meta("tile-attribution"), referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  marks = L.layerGroup().addTo(map);
  map.on("click", onMapTap);
}

const latLngs = (lines) => lines.map((line) => line.map(([lon, lat]) => [lat, lon]));

function drawStreets(fit) {
  draw();
  if (!map) return;
  for (const line of drawn.values()) line.remove();
  drawn = new Map(view.streets.map((s) => [s.id, window.L.polyline(latLngs(s.lines), lineStyle(s)).addTo(map)]));
  if (fit && view.area) {
    const inside = view.fix && contains(view.area.boundary, [view.fix.lon, view.fix.lat]);
    const [west, south, east, north] = view.area.bbox;
    if (inside) map.setView([view.fix.lat, view.fix.lon], 17);
    else map.fitBounds([[south, west], [north, east]]);
  }
  drawMarks();
}

const lineStyle = (street) => ({ ...STYLE[shownState(street)], interactive: false });

/** The street's state as this phone knows it: the server's, or walked if a walk of all of it is kept here. */
function shownState(street) {
  const walked = street.state === "walked" || myWalks(street).some((w) => w.fields.from_fraction === undefined);
  if (walked) return street.cameras ? "walked_with_cameras" : "walked";
  return street.state;
}

const myWalks = (street) => view.mine.filter((w) => w.fields.street_id === street.id && w.state !== "failed");

function describe(street) {
  const parts = [`${street.name || "A path with no name"}: ${label("street_map_state", shownState(street))}`];
  if (street.cameras) parts.push(`${street.cameras} camera${street.cameras > 1 ? "s" : ""}`);
  const partly = street.fraction > 0 && street.fraction < 1 && shownState(street) !== "walked";
  if (partly || myWalks(street).some((w) => w.fields.from_fraction !== undefined)) parts.push("part walked");
  if (myWalks(street).some((w) => w.state === "queued")) parts.push("waiting to send");
  return parts.join(", ");
}

function onMapTap(event) {
  const at = [event.latlng.lng, event.latlng.lat];
  if (view.part && view.selected) { placeEnd(at); return; }
  const metresPerPx = (40075016.686 * Math.cos((event.latlng.lat * Math.PI) / 180)) / 2 ** (map.getZoom() + 8);
  let best = null;
  for (const street of view.streets) {
    const near = nearestOn(street.lines, at);
    if (near && near.metres <= TAP_PX * metresPerPx && (!best || near.metres < best.metres)) best = { ...near, street };
  }
  select(best ? best.street.id : null);
}

function select(id, centre = false) {
  view.selected = view.byId.has(id) ? id : null;
  view.part = null;
  const street = view.byId.get(view.selected);
  if (street && centre && map) map.fitBounds(window.L.latLngBounds(latLngs(street.lines).flat()), { maxZoom: 18 });
  draw();
  drawMarks();
}

function startPart() {
  view.part = { ends: [] };
  drawPanel();
  $("walk-map").scrollIntoView({ block: "nearest" }); // the next taps go on the map
}

function placeEnd(at) {
  const near = nearestOn(view.byId.get(view.selected).lines, at);
  view.part.ends = view.part.ends.length >= 2 ? [near] : [...view.part.ends, near];
  drawPanel();
  drawMarks();
}

function partFractions() {
  const [a, b] = view.part.ends.map((end) => Math.round(end.fraction * 10000) / 10000).sort((x, y) => x - y);
  return { from_fraction: a, to_fraction: b };
}

async function record(part) {
  const street = view.byId.get(view.selected);
  if (!street || !view.area) return;
  const fields = { client_id: uuid(), street_id: street.id, day: today(), device_id: deviceId(), ...(part || {}) };
  await walks.add(view.area.id, fields);
  view.part = null;
  const saved = $("walk-saved");
  saved.hidden = false;
  saved.textContent = `Saved: ${street.name || "the path"}${part ? " (the part you walked)" : ""}. `
    + (navigator.onLine ? "Sending…" : "It will be sent when there is signal.");
  drawMarks();
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

async function refreshMine() {
  view.mine = await walks.all();
  for (const [id, line] of drawn) {
    const street = view.byId.get(id); // none while another area's streets load
    if (street) line.setStyle(lineStyle(street));
  }
  draw();
}

function draw() {
  drawPanel();
  drawList();
  const count = (state) => view.mine.filter((w) => w.state === state).length;
  const failed = view.mine.filter((w) => w.state === "failed");
  const counts = `Walks on this phone: ${count("queued")} waiting to send, ${count("sent")} sent`
    + (failed.length ? `, ${failed.length} not accepted (${failed.at(-1).error})` : "");
  $("walk-counts").textContent = counts;
  if (count("queued") === 0 && $("walk-saved").textContent.endsWith("signal.")) $("walk-saved").hidden = true;
}

function drawPanel() {
  const street = view.byId.get(view.selected);
  $("walk-panel").hidden = !street;
  if (!street) return;
  $("walk-street").textContent = describe(street);
  const walkedToday = myWalks(street).some((w) => w.fields.day === today() && w.fields.from_fraction === undefined);
  $("walk-whole").disabled = walkedToday;
  $("walk-whole").textContent = walkedToday ? "Marked walked today" : "I walked this street";
  const ends = view.part?.ends || [];
  $("walk-part").hidden = $("walk-whole").hidden = Boolean(view.part);
  $("walk-part-text").hidden = !view.part;
  $("walk-part-send").hidden = !(ends.length === 2 && partFractions().to_fraction > partFractions().from_fraction);
  if (!view.part) return;
  const metres = ends.length === 2 ? Math.abs(ends[1].fraction - ends[0].fraction) * lengthM(street.lines) : 0;
  $("walk-part-text").textContent = [
    "Tap the map where your walk along this street began.", "Now tap where it ended.",
    `From there to there: about ${Math.round(metres)} m. Tap again to start over.`,
  ][ends.length];
}

function drawMarks() {
  if (!marks) return;
  marks.clearLayers();
  const street = view.byId.get(view.selected);
  if (!street) return;
  const L = window.L;
  L.polyline(latLngs(street.lines), { color: "#ffd400", weight: 14, opacity: 0.6, interactive: false }).addTo(marks);
  const ends = view.part?.ends || [];
  for (const end of ends) L.circleMarker([end.point[1], end.point[0]], { radius: 8, color: "#0a3d7a", interactive: false }).addTo(marks);
  if (ends.length === 2) {
    const { from_fraction: a, to_fraction: b } = partFractions();
    L.polyline(latLngs(piece(street.lines, a, b)), { color: "#0a3d7a", weight: 8, interactive: false }).addTo(marks);
  }
}

function drawList() {
  const from = view.fix ? [view.fix.lon, view.fix.lat] : null;
  const ranked = view.streets.map((street) => [street, from ? nearestOn(street.lines, from).metres : 0]);
  if (from) ranked.sort((a, b) => a[1] - b[1]);
  $("walk-list").replaceChildren(...ranked.slice(0, NEAR_COUNT).map(([street, metres]) => {
    const button = Object.assign(document.createElement("button"), {
      type: "button", className: "button button-secondary walk-street-button",
      textContent: describe(street) + (from ? ` · ${Math.round(metres)} m away` : ""),
    });
    button.dataset.street = String(street.id);
    button.setAttribute("aria-pressed", String(street.id === view.selected));
    const item = document.createElement("li");
    item.append(button);
    return item;
  }));
}
