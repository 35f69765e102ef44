// The map: the sighting's pin (drag it onto the camera), its recorded positions, the nearby cameras.
import { selectCandidate } from "./candidates.js";
import { onPositionTyped, showPosition } from "./form.js";
import { say } from "./message.js";
import { item } from "./sighting.js";
import { fixToCamera, isSign } from "./signs.js";

const COLOURS = { exif: "#1f6feb", device: "#d97706", manual: "#7c3aed" };
const M_LAT = 111195;

// A view wedge: `radius` metres from (lat, lon) around `bearing`, `half` degrees either side.
function wedge(L, lat, lon, bearing, radius, half, options) {
  const points = [[lat, lon]];
  for (let a = bearing - half; a <= bearing + half + 0.01; a += half / 4) {
    const rad = (a * Math.PI) / 180;
    points.push([lat + (radius * Math.cos(rad)) / M_LAT, lon + (radius * Math.sin(rad)) / (M_LAT * Math.cos((lat * Math.PI) / 180))]);
  }
  return L.polygon(points, { weight: 1, fillOpacity: 0.25, ...options });
}

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

// Each candidate with the way it faces; the first (most likely) drawn strongest.
function drawCandidates(L, map, points) {
  item.candidates.forEach((c, index) => {
    points.push([c.lat, c.lon]);
    const colour = index === 0 ? "#b91c1c" : "#9a3412";
    const text = (index + 1) + ": camera #" + c.id + ", " + c.label + ", " + c.distance_m + " m";
    if (c.direction !== null) {
      wedge(L, c.lat, c.lon, c.direction, 18, 30, { color: colour, className: "wedge camera-wedge" })
        .bindTooltip(label(text)).on("click", () => { selectCandidate(index); }).addTo(map);
    }
    L.circleMarker([c.lat, c.lon], { radius: 7, color: colour, fillOpacity: 0.6, className: "candidate-marker" })
      .bindTooltip(label(text))
      .on("click", () => { (isSign() ? () => fixToCamera(c.id) : () => selectCandidate(index))(); })
      .addTo(map);
  });
}

// Where the phone pointed: the camera is somewhere in front of the volunteer.
function drawHeading(L, map) {
  if (!item.heading) return;
  wedge(L, item.location.lat, item.location.lon, item.heading.degrees, 25, 12, { color: "#1f6feb", className: "wedge heading-wedge" })
    .bindTooltip(label("the phone pointed " + Math.round(item.heading.degrees) + "°")).addTo(map);
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
  drawHeading(L, map);
  drawPin(L, map);
  map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 19 });
}

export function setupMap() {
  const mapEl = document.getElementById("map");
  if (mapEl && item && window.L) drawMap(window.L, mapEl);
}
