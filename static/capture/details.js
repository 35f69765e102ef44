// The details screen: photos, the pin, the photo direction and the quick taps, then "Save & send".
import * as store from "./db.js";
import * as outbox from "./outbox.js";
import * as place from "./place.js";
import { describe, lastAnswers, readAnswers, rememberAnswers, renderChoices, writeAnswers } from "./answers.js";
import { MAX_PHOTOS, addFiles, apiForm, hasPosition, improveFix, newDraft, saveDraft, usesLiveFix } from "./draft.js";
import { createPinMap } from "./pinmap.js";

const $ = (id) => document.getElementById(id);
let draft = null;
let map = null;
let previews = [];
let confirmedNoPosition = false;

export function current() {
  return draft;
}

export function init({ show, toast }) {
  const form = $("details-form");
  renderChoices(form);
  writeAnswers(form);
  $("camera-input").addEventListener("change", (e) => capture(e.target, "camera", show, toast));
  $("gallery-input").addEventListener("change", (e) => capture(e.target, "gallery", show, toast));
  $("more-input").addEventListener("change", (e) => capture(e.target, "camera", show, toast));
  $("camera-button").addEventListener("click", () => { place.markShutter(); place.askCompassPermission(); });
  $("pin-reset").addEventListener("click", () => { draft.pin = null; saveAndDraw(); });
  $("heading-input").addEventListener("input", (e) => { draft.heading_manual = Number(e.target.value); saveAndDraw(); });
  $("heading-compass").addEventListener("click", () => { draft.heading_manual = null; saveAndDraw(); });
  $("repeat-last").addEventListener("click", () => {
    writeAnswers(form, { ...lastAnswers(), notes: form.elements.notes.value });
    form.dispatchEvent(new Event("change"));
  });
  $("cancel").addEventListener("click", () => discard(form, show));
  form.addEventListener("submit", (e) => { e.preventDefault(); send(form, show, toast); });
  form.addEventListener("change", () => {
    showMakerName(form);
    if (draft) { draft.answers = readAnswers(form); saveDraft(draft); } // survives the page being closed
  });
  place.subscribe((state) => { if (draft && !draft.pin && improveFix(draft, state.fix)) saveAndDraw(); });
}

/** Open the details screen for a draft (a new capture, a restored one, or a refused one to fix). */
export function open(record, answers, show) {
  draft = record;
  confirmedNoPosition = false;
  const form = $("details-form");
  writeAnswers(form, answers);
  showMakerName(form);
  show("details");
  map ??= createPinMap($("map"), (lat, lon) => { draft.pin = { lat, lon }; saveAndDraw(); });
  map.resize();
  drawPhotos();
  draw();
}

/** The screen is visible again: Leaflet must measure its box anew. */
export function redraw() {
  if (!draft || !map) return;
  map.resize();
  drawPhotos();
  draw();
}

async function capture(input, source, show, toast) {
  const files = [...input.files];
  input.value = ""; // the same photo can be chosen again later
  if (!files.length) return;
  const fresh = !draft;
  const record = draft || newDraft(source);
  try {
    await addFiles(record, files);
  } catch (error) {
    toast(error.name === "QuotaExceededError" ? "This phone's storage for the page is full: send or delete some sightings first."
      : `The photo could not be saved on this phone (${error.name}).`);
    return;
  }
  navigator.storage?.persist?.(); // ask the browser not to evict the outbox when space runs low
  if (fresh) open(record, {}, show);
  else drawPhotos();
}

function saveAndDraw() {
  saveDraft(draft);
  draw();
}

function draw() {
  const fix = usesLiveFix(draft) ? draft.fix : null;
  map?.show(fix, draft.pin);
  $("pin-reset").hidden = !(draft.pin && fix);
  $("gallery-hint").hidden = draft.source !== "gallery";
  $("pin-text").textContent = draft.pin
    ? `Pin moved by hand: ${draft.pin.lat.toFixed(6)}, ${draft.pin.lon.toFixed(6)}`
    : fix ? `Your position (±${Math.round(fix.accuracy_m)} m). Drag the pin onto the camera if it is off.`
      : draft.source === "gallery" ? "Tap the map where the camera in the photo is."
        : "No position yet: tap the map where the camera is.";
  const manual = draft.heading_manual;
  const heading = manual ?? draft.compass;
  $("heading-text").textContent = heading === null ? "No compass: slide to the direction you faced."
    : `${Math.round(heading)}° ${place.compassPoint(heading)} ${manual === null ? "(compass)" : "(set by hand)"}`;
  $("heading-input").value = heading ?? 0;
  $("heading-compass").hidden = manual === null || draft.compass === null;
  const last = lastAnswers();
  $("repeat-last").hidden = !last || !describe(last);
  if (last) $("repeat-last").textContent = `Repeat last: ${describe(last)}`;
}

function drawPhotos() {
  previews.forEach((url) => URL.revokeObjectURL(url));
  previews = draft.photos.map((photo) => URL.createObjectURL(photo.blob));
  $("photo-strip").replaceChildren(...previews.map((url, i) => Object.assign(document.createElement("img"), {
    src: url, alt: `Photo ${i + 1} of ${draft.photos.length}`, className: "preview",
  })));
  $("more-button").hidden = draft.photos.length >= MAX_PHOTOS;
}

function showMakerName(form) {
  $("maker-other-label").hidden = form.elements.maker.value !== "other";
}

async function discard(form, show) {
  await store.remove(draft.client_id);
  draft = null;
  writeAnswers(form);
  show("capture");
}

async function send(form, show, toast) {
  if (!hasPosition(draft) && !confirmedNoPosition) {
    confirmedNoPosition = true;
    $("send").textContent = "Send without a position";
    toast("No position: the photo's own GPS will be used if it has one. Tap the map to place the pin.");
    return;
  }
  const answers = readAnswers(form);
  rememberAnswers(answers);
  await outbox.enqueue({ ...draft, answers, fields: apiForm(draft, answers) });
  try { performance.measure("capture-to-queued", "capture"); } catch { /* a draft restored after a reload */ }
  draft = null;
  writeAnswers(form);
  $("send").textContent = "Save & send";
  show("capture");
  toast(navigator.onLine ? "Saved on this phone. Sending…" : "Saved on this phone. It will be sent when you are online.");
}
