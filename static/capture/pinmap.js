// The small map with one pin: it follows the phone's fix until the volunteer drags it (or taps the map).
import { lastView } from "./place.js";

function meta(name) {
  return document.querySelector(`meta[name="${name}"]`)?.content || "";
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

/** A Leaflet map in `element`; `onPin(lat, lon)` is called when the volunteer places the pin. */
export function createPinMap(element, onPin) {
  const L = window.L;
  const start = lastView();
  const map = L.map(element, { zoomControl: true }).setView(start ? [start.lat, start.lon] : [30, 0], start ? 17 : 2);
  // The site sends Referrer-Policy: no-referrer, and OpenStreetMap's tile servers refuse requests
  // without a Referer: tiles alone tell them which site asks (the origin only, never the page path).
  L.tileLayer(meta("tile-url"), {
    maxZoom: 19, attribution: meta("tile-attribution"), referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  const accuracy = L.circle([0, 0], { radius: 1, interactive: false, weight: 1, color: "#0a3d7a", fillOpacity: 0.12 });
  const pin = L.marker(map.getCenter(), {
    icon: pinIcon(L), draggable: true, autoPan: true, keyboard: true, title: "Camera position: drag to move",
  });
  const place = (latlng) => { pin.setLatLng(latlng).addTo(map); onPin(latlng.lat, latlng.lng); };
  pin.on("dragend", () => place(pin.getLatLng()));
  map.on("click", (event) => place(event.latlng));

  return {
    /** Show the phone's fix; move the pin there unless the volunteer placed it. */
    show(fix, manual) {
      if (fix) {
        accuracy.setLatLng([fix.lat, fix.lon]).setRadius(fix.accuracy_m || 1).addTo(map);
      } else {
        accuracy.remove();
      }
      const where = manual || fix;
      if (!where) { pin.remove(); return; }
      pin.setLatLng([where.lat, where.lon]).addTo(map);
      if (!map.getBounds().pad(-0.2).contains(pin.getLatLng()) || map.getZoom() < 15) {
        map.setView(pin.getLatLng(), Math.max(map.getZoom(), 18));
      }
    },
    /** Leaflet measures its box when shown; call after the screen appears. */
    resize() { map.invalidateSize(); },
  };
}
