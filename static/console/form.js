// The attribute form: what the moderator changed, saved as edits or carried into an approval.
import { send } from "./api.js";
import { failed } from "./message.js";
import { api, item } from "./sighting.js";

const form = document.getElementById("attributes");
const ATTRIBUTES = item ? Object.keys(item.attributes) : [];

export function attributeChanges() {
  const out = {};
  ATTRIBUTES.forEach((name) => {
    const value = form.elements[name].value.trim();
    if (value === (item.attributes[name] || "")) return;
    out[name] = value === "" ? null : value; // an emptied field clears the attribute: the API takes null, not ""
  });
  return out;
}

export function positionChange() {
  const lat = parseFloat(form.elements.lat.value), lon = parseFloat(form.elements.lon.value);
  if (isNaN(lat) || isNaN(lon)) return {};
  if (Math.abs(lat - item.location.lat) < 1e-7 && Math.abs(lon - item.location.lon) < 1e-7) return {};
  return { lat: lat, lon: lon };
}

export function directionValue() {
  const value = parseFloat(form.elements.direction.value);
  return isNaN(value) ? {} : { direction: value };
}

function saveEdits() {
  const body = Object.assign({ version: item.version }, attributeChanges(), positionChange());
  const direction = directionValue();
  if (direction.direction !== undefined) body.heading = direction.direction; // a true heading, as the camera faces
  send("PATCH", api(""), body).then(() => { window.location.reload(); }, failed);
}

export function focusForm() {
  form.querySelector("select, input").focus();
}

/** Write a position (the dragged pin's) into the lat/lon fields. */
export function showPosition(lat, lon) {
  form.elements.lat.value = lat.toFixed(7);
  form.elements.lon.value = lon.toFixed(7);
}

/** Call `moved(lat, lon)` whenever a whole position is typed into the lat/lon fields. */
export function onPositionTyped(moved) {
  ["lat", "lon"].forEach((name) => {
    form.elements[name].addEventListener("change", () => {
      const lat = parseFloat(form.elements.lat.value), lon = parseFloat(form.elements.lon.value);
      if (!isNaN(lat) && !isNaN(lon)) moved(lat, lon);
    });
  });
}

export function setupForm() {
  if (form) form.addEventListener("submit", (event) => { event.preventDefault(); saveEdits(); });
}
