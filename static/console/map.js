// The map: the sighting's pin (drag it onto the camera), its recorded positions, the nearby cameras.
import { selectCandidate } from "./candidates.js";
import { onPositionTyped, showPosition } from "./form.js";
import { say } from "./message.js";
import { item } from "./sighting.js";

const COLOURS = { exif: "#1f6feb", device: "#d97706", manual: "#7c3aed" };

function label(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span;
}

function drawPositions(L, map, points) {
  Object.keys(COLOURS).forEach((source) => {
    const p = item.positions[source];
    if (!p) return;
    points.push([p.lat, p.lon]);
    if (p.accuracy_m) L.circle([p.lat, p.lon], { radius: p.accuracy_m, color: COLOURS[source], weight: 1, fillOpacity: 0.05 }).addTo(map);
    L.circleMarker([p.lat, p.lon], { radius: 5, color: COLOURS[source] }).bindTooltip(label(source + " position")).addTo(map);
  });
}

function drawCandidates(L, map, points) {
  item.candidates.forEach((c, index) => {
    points.push([c.lat, c.lon]);
    L.circleMarker([c.lat, c.lon], { radius: 7, color: "#b91c1c", fillOpacity: 0.6 })
      .bindTooltip(label((index + 1) + ": camera #" + c.id + ", " + c.distance_m + " m"))
      .on("click", () => { selectCandidate(index); })
      .addTo(map);
  });
}

function drawPin(L, map) {
  const pin = L.marker([item.location.lat, item.location.lon], { draggable: true, title: "Sighting: drag onto the camera" }).addTo(map);
  pin.on("dragend", () => {
    const p = pin.getLatLng();
    showPosition(p.lat, p.lng);
    say("Pin moved: approving uses this position.");
  });
  onPositionTyped((lat, lon) => { pin.setLatLng([lat, lon]); });
}

function drawMap(L, el) {
  const map = L.map(el, { keyboard: false });
  // The site sends no Referer (security.py), but OpenStreetMap's tile servers refuse requests without one.
  L.tileLayer(el.dataset.tileUrl, {
    attribution: el.dataset.tileAttribution, maxZoom: 19, referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  const points = [[item.location.lat, item.location.lon]];
  drawPositions(L, map, points);
  drawCandidates(L, map, points);
  drawPin(L, map);
  map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 19 });
}

export function setupMap() {
  const mapEl = document.getElementById("map");
  if (mapEl && item && window.L) drawMap(window.L, mapEl);
}
