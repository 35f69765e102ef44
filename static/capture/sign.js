// "Log a sign": the switch between a camera and a sign, what a sign says, and the camera it is fixed to.
// A sign goes through the same draft, outbox and receipt as a camera, with kind=sign and its own fields.
import * as store from "./db.js";
import { apiForm, chosen, saveDraft } from "./draft.js";
import { distanceM } from "./photogps.js";

const $ = (id) => document.getElementById(id);
const KIND_KEY = "cctv-capture-kind";
const OPERATORS_KEY = "cctv-operator-names";
const OPERATORS_URL = "/api/v1/operators";
const NEAR_M = 100; // a camera at most this far from the sign (an upper bound: see nearbyCameras) is offered
const MOST_OFFERED = 4;
const LOOK_M = 60; // online, the public cameras in a box this far around the sign are asked for too
const M_PER_DEGREE = 111195;
const known = new Map(); // camera id -> {id, lat, lon}: public cameras the download gave, this session
const asked = new Set(); // the ~10 m cells already asked about
// A camera report's fields that a sign report must not carry (the server answers 422 to mixed fields).
const CAMERA_ONLY = ["manufacturer", "model", "camera_type", "mount", "surveillance_type", "zone", "signage",
  "heading", "heading_source", "operator"];
const CONTACT = { yes: true, no: false };

let getDraft = () => null;

/** The kind the switch is on: "camera" or "sign". */
export function currentKind() {
  return localStorage.getItem(KIND_KEY) === "sign" ? "sign" : "camera";
}

/** Wire the switch and the sign's fields; `current()` gives the draft being written (details.current). */
export function init(current) {
  getDraft = current;
  for (const input of document.querySelectorAll('#kind-switch input[name="kind"]')) {
    input.checked = input.value === currentKind();
    input.addEventListener("change", () => { localStorage.setItem(KIND_KEY, input.value); showKind(input.value); });
  }
  $("sign-fields").addEventListener("input", remember);
  $("sign-fields").addEventListener("change", remember);
  showKind(currentKind());
  loadOperators();
}

/** Say on the page which kind is shown: the capture screen follows the switch, a draft its own kind. */
export function showKind(kind) {
  document.body.dataset.kind = kind;
  $("camera-button-text").textContent = kind === "sign" ? "Photograph the sign" : "Take photo";
  $("sign-fields").hidden = kind !== "sign";
}

/** The draft's sign answers into the fields, and the cameras near its position to pick from. */
export async function open(draft) {
  showKind(draft.kind || "camera");
  if (draft.kind !== "sign") return;
  const sign = draft.sign || {};
  $("sign-operator").value = sign.operator || "";
  $("sign-purpose").value = sign.purpose || "";
  for (const input of document.querySelectorAll('input[name="sign_contact"]')) input.checked = input.value === (sign.contact || "unknown");
  await drawCameras(draft);
}

/** After the pin moved: the cameras offered follow the sign's position. */
export function redraw(draft) {
  if (draft?.kind === "sign") drawCameras(draft);
}

function remember() {
  const draft = getDraft();
  if (draft?.kind !== "sign") return;
  draft.sign = readSign();
  saveDraft(draft);
}

function readSign() {
  const picked = document.querySelector('input[name="sign_camera"]:checked');
  const contact = document.querySelector('input[name="sign_contact"]:checked');
  return {
    operator: $("sign-operator").value.trim(), purpose: $("sign-purpose").value.trim(),
    contact: contact ? contact.value : "unknown", camera_id: picked && picked.value !== "none" ? Number(picked.value) : null,
  };
}

/** The intake form for a sign: the position and times of any sighting, what the sign says, kind=sign. */
export function signForm(draft, answers = {}) {
  const fields = apiForm(draft, { notes: answers.notes });
  for (const name of CAMERA_ONLY) delete fields[name];
  const sign = draft.sign || {};
  Object.assign(fields, { kind: "sign" });
  if (sign.operator) fields.operator = sign.operator;
  if (sign.purpose) fields.sign_purpose = sign.purpose;
  if (sign.contact in CONTACT) fields.sign_has_contact = CONTACT[sign.contact];
  if (sign.camera_id) fields.sign_camera_id = sign.camera_id;
  return fields;
}

/** What a sign report says, in a few words, for My sightings. */
export function describeSign(sign) {
  if (!sign) return "";
  const parts = [sign.operator, sign.purpose];
  if (sign.contact === "yes") parts.push("gives a contact");
  if (sign.contact === "no") parts.push("no contact");
  if (sign.camera_id) parts.push(`on camera #${sign.camera_id}`);
  return parts.filter(Boolean).join(" · ");
}

/**
 * The cameras to offer, nearest first: the public ones the download found around the sign (online; their
 * distance is exact), and those this phone heard of with its earlier sightings ("Same camera?"). For
 * those the server gave the distance from that sighting, so sighting-to-sign plus that distance is an
 * upper bound of the camera's distance from the sign; it is what the page shows ("within N m").
 */
export function nearbyCameras(records, where, exact = [...known.values()]) {
  const best = new Map();
  const measured = new Set();
  for (const camera of exact) {
    const metres = where ? distanceM(where, camera) : Infinity;
    if (metres <= NEAR_M) { best.set(camera.id, metres); measured.add(camera.id); }
  }
  for (const record of records) {
    const location = record.result?.location;
    for (const camera of record.result?.nearby_cameras || []) {
      if (!location || !where || measured.has(camera.id)) continue;
      const bound = distanceM(where, location) + camera.distance_m;
      if (bound <= NEAR_M && bound < (best.get(camera.id) ?? Infinity)) best.set(camera.id, bound);
    }
  }
  return [...best].sort((a, b) => a[1] - b[1]).slice(0, MOST_OFFERED)
    .map(([id, metres]) => ({ id, metres, exact: measured.has(id) }));
}

/** Online, the public cameras around the sign (the download every map uses); true when it found new ones. */
async function askPublicCameras(where) {
  if (!where || !navigator.onLine) return false;
  const cell = `${where.lat.toFixed(4)},${where.lon.toFixed(4)}`;
  if (asked.has(cell)) return false;
  asked.add(cell);
  const dLat = LOOK_M / M_PER_DEGREE;
  const dLon = LOOK_M / (M_PER_DEGREE * Math.max(Math.cos((where.lat * Math.PI) / 180), 0.01));
  const wrap = (lon) => ((lon + 540) % 360) - 180; // across the antimeridian the box's west is east of its east
  const bbox = [wrap(where.lon - dLon), where.lat - dLat, wrap(where.lon + dLon), where.lat + dLat]
    .map((x) => x.toFixed(6)).join(",");
  try {
    const response = await fetch(`/api/v1/cameras.geojson?bbox=${bbox}`, { headers: { Accept: "application/geo+json" } });
    if (!response.ok) { asked.delete(cell); return false; }
    const before = known.size;
    for (const { id, geometry } of (await response.json()).features) {
      known.set(id, { id, lat: geometry.coordinates[1], lon: geometry.coordinates[0] });
    }
    return known.size > before;
  } catch {
    asked.delete(cell); // offline after all: the receipts' cameras remain, and this cell is asked again later
    return false;
  }
}

async function drawCameras(draft) {
  drawCameraChips(draft, nearbyCameras(await store.all(), chosen(draft)));
  if (await askPublicCameras(chosen(draft)) && getDraft() === draft) {
    drawCameraChips(draft, nearbyCameras(await store.all(), chosen(draft)));
  }
}

function drawCameraChips(draft, cameras) {
  const picked = draft.sign?.camera_id ?? null;
  const row = $("sign-camera-row");
  const chip = (value, text) => {
    const id = `sign-camera-${value}`;
    const input = Object.assign(document.createElement("input"), {
      type: "radio", name: "sign_camera", value: String(value), id, checked: value === (picked ?? "none"),
    });
    return [input, Object.assign(document.createElement("label"), { htmlFor: id, className: "chip", textContent: text })];
  };
  row.replaceChildren(...chip("none", "Not on one of these"),
    ...cameras.flatMap((c) => chip(c.id, `Camera #${c.id}, ${c.exact ? "" : "within "}${Math.round(c.metres)} m`)));
  $("sign-camera-hint").hidden = cameras.length > 0;
}

/** Suggestions for the operator: the names the public cameras carry, kept for when there is no signal. */
async function loadOperators() {
  const fill = (names) => $("operator-names").replaceChildren(...names.map((name) => Object.assign(document.createElement("option"), { value: name })));
  try { fill(JSON.parse(localStorage.getItem(OPERATORS_KEY)) || []); } catch { /* none kept yet */ }
  if (!navigator.onLine) return;
  try {
    const response = await fetch(OPERATORS_URL, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { operators } = await response.json();
    localStorage.setItem(OPERATORS_KEY, JSON.stringify(operators));
    fill(operators);
  } catch { /* offline after all: the kept names stay */ }
}
