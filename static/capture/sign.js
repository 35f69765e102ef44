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
 * The confirmed cameras this phone heard of with its earlier sightings ("Same camera?"), nearest first.
 * The server gave each one's distance from that sighting, so sighting-to-sign plus that distance is an
 * upper bound of the camera's distance from the sign; it is what the page shows ("within N m").
 */
export function nearbyCameras(records, where) {
  const best = new Map();
  for (const record of records) {
    const location = record.result?.location;
    for (const camera of record.result?.nearby_cameras || []) {
      if (!location || !where) continue;
      const bound = distanceM(where, location) + camera.distance_m;
      if (bound <= NEAR_M && bound < (best.get(camera.id) ?? Infinity)) best.set(camera.id, bound);
    }
  }
  return [...best].sort((a, b) => a[1] - b[1]).slice(0, MOST_OFFERED).map(([id, within]) => ({ id, within }));
}

async function drawCameras(draft) {
  const cameras = nearbyCameras(await store.all(), chosen(draft));
  const picked = draft.sign?.camera_id ?? null;
  const row = $("sign-camera-row");
  const chip = (value, text) => {
    const id = `sign-camera-${value}`;
    const input = Object.assign(document.createElement("input"), {
      type: "radio", name: "sign_camera", value: String(value), id, checked: value === (picked ?? "none"),
    });
    return [input, Object.assign(document.createElement("label"), { htmlFor: id, className: "chip", textContent: text })];
  };
  row.replaceChildren(...chip("none", "Not on a camera I logged"),
    ...cameras.flatMap((c) => chip(c.id, `Camera #${c.id}, within ${Math.round(c.within)} m`)));
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
