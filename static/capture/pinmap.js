// The small map with one pin at the position that will be stored; the volunteer drags it, taps the map
// or moves it with the arrow keys. It opens at the fix, the last place, the survey area or the
// configured centre, always at street zoom: a pin placed on a view of the world is a guess.
import { addBasemap, basemapUrl } from "./basemap.js";
import { createCone } from "./cone.js";
import { lastView } from "./place.js";

export const STREET_ZOOM = 18; // about 0.4-0.6 m a pixel: a thumb places the pin within a metre or two
export const MIN_PIN_ZOOM = 16; // below this a tap zooms in instead of placing the pin
const KEY_STEP_PX = 4; // an arrow key moves the pin this far (about 2 m at street zoom); with Shift, 5 times

function meta(name) {
  return document.querySelector(`meta[name="${name}"]`)?.content || "";
}

/** Where to open with no fix: the last place this phone was, else the survey area or configured centre. */
export function startView() {
  const last = lastView();
  if (last) return last;
  const [lat, lon] = meta("map-centre").split(",").map(Number);
  return Number.isFinite(lat) && Number.isFinite(lon) && meta("map-centre") ? { lat, lon } : null;
}

// Leaflet's pin is 25×41 px, too thin for a thumb: draw it a little larger inside a 56×64 px box
// that takes the drag (touch targets want 44 px). The box reaches below the tip, where a finger lands.
const PIN = { box: [56, 64], tip: [28, 54] };

function pinIcon(L) {
  return L.divIcon({
    className: "pin-icon", iconSize: PIN.box, iconAnchor: PIN.tip,
    html: '<img src="/vendor/leaflet/images/marker-icon-2x.png" alt="" draggable="false">',
  });
}

/**
 * A Leaflet map in `element`; `onPin(lat, lon)` is called when the volunteer places the pin; `say(text)`
 * explains; `onTurn(degrees, done)` when they drag the view cone's handle (see cone.js).
 */
export function createPinMap(element, onPin, say, onTurn = () => {}) {
  const L = window.L;
  const start = startView();
  const map = L.map(element, { zoomControl: true }).setView(start ? [start.lat, start.lon] : [51.5074, -0.1278], STREET_ZOOM);
  if (basemapUrl()) {
    addBasemap(map, meta("tile-attribution")).catch((error) => say(`The map could not be drawn: ${error.message}`));
  } else {
    // The site sends Referrer-Policy: no-referrer, and OpenStreetMap's tile servers refuse requests
    // without a Referer: tiles alone tell them which site asks (the origin only, never the page path).
    L.tileLayer(meta("tile-url"), {
      maxZoom: 19, attribution: meta("tile-attribution"), referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
  }
  const circle = (color) => L.circle([0, 0], { radius: 1, interactive: false, weight: 1, color, fillOpacity: 0.12 });
  const accuracy = circle("#0a3d7a");
  const photoAccuracy = circle("#b35c00");
  const photoDot = L.circleMarker([0, 0], {
    radius: 7, color: "#fff", weight: 2, fillColor: "#b35c00", fillOpacity: 1, interactive: false,
  });
  const pin = L.marker(map.getCenter(), {
    icon: pinIcon(L), draggable: true, autoPan: true, keyboard: true, title: "Camera position: drag to move",
  });
  const place = (latlng) => { pin.setLatLng(latlng).addTo(map); onPin(latlng.lat, latlng.lng); };
  pin.on("dragend", () => place(pin.getLatLng()));
  map.on("click", (event) => {
    if (map.getZoom() >= MIN_PIN_ZOOM) { place(event.latlng); return; }
    map.setView(event.latlng, STREET_ZOOM);
    say("Zoomed in to street level: now tap where the camera is.");
  });
  map.on("zoomend", () => {
    const close = map.getZoom() >= MIN_PIN_ZOOM;
    if (pin.dragging) close ? pin.dragging.enable() : pin.dragging.disable();
  });
  pin.on("add", () => pin.getElement()?.addEventListener("keydown", (event) => moveByKey(map, pin, event, place)));
  const cone = createCone(map, pin, onTurn);

  return {
    /** Show the phone's fix and the photo's GPS; put the pin on `where`, the position to be stored. */
    show({ fix, photo, where }) {
      drawCircle(map, accuracy, fix);
      drawCircle(map, photoAccuracy, photo);
      if (photo) photoDot.setLatLng([photo.lat, photo.lon]).addTo(map); else photoDot.remove();
      if (!where) { pin.remove(); return; }
      pin.setLatLng([where.lat, where.lon]).addTo(map);
      if (!map.getBounds().pad(-0.2).contains(pin.getLatLng()) || map.getZoom() < MIN_PIN_ZOOM) {
        map.setView(pin.getLatLng(), Math.max(map.getZoom(), 18));
      }
    },
    /** Point the view cone at `degrees` from north (null: no direction yet). */
    heading(degrees) { cone.show(degrees); },
    zoom() { return map.getZoom(); },
    /** Leaflet measures its box when shown; call after the screen appears. */
    resize() { map.invalidateSize(); },
  };
}

function drawCircle(map, circle, point) {
  if (point) circle.setLatLng([point.lat, point.lon]).setRadius(point.accuracy_m || 1).addTo(map);
  else circle.remove();
}

const ARROWS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

function moveByKey(map, pin, event, place) {
  const step = ARROWS[event.key];
  if (!step) return;
  event.preventDefault();
  event.stopPropagation(); // the map would pan instead
  const size = KEY_STEP_PX * (event.shiftKey ? 5 : 1);
  const point = map.latLngToContainerPoint(pin.getLatLng()).add([step[0] * size, step[1] * size]);
  place(map.containerPointToLatLng(point));
}
