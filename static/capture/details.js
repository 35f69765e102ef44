// The details screen: photos, the pin, the photo direction and the quick taps, then "Save & send".
import * as store from "./db.js";
import * as outbox from "./outbox.js";
import * as place from "./place.js";
import { describe, lastAnswers, readAnswers, rememberAnswers, renderChoices, writeAnswers } from "./answers.js";
import {
  MAX_PHOTOS, addFiles, apiForm, chosen, fixTrouble, hasPosition, improveFix, newDraft, photoGap, saveDraft, usesLiveFix,
} from "./draft.js";
import { ageText, distanceM, distanceText } from "./photogps.js";
import { createPinMap } from "./pinmap.js";
import * as sign from "./sign.js";

const $ = (id) => document.getElementById(id);
let draft = null;
let map = null;
let previews = [];
let confirmedNoPosition = false;
let confirmedStaleFix = false;
const OLD_PHOTO_MS = 60 * 60 * 1000; // a photo older than this is said to be old

export function current() {
  return draft;
}

export function init({ show, toast }) {
  const form = $("details-form");
  renderChoices(form);
  writeAnswers(form);
  sign.init(current);
  $("camera-input").addEventListener("change", (e) => capture(e.target, "camera", show, toast));
  $("gallery-input").addEventListener("change", (e) => capture(e.target, "gallery", show, toast));
  $("more-input").addEventListener("change", (e) => capture(e.target, "camera", show, toast));
  $("camera-button").addEventListener("click", () => { place.markShutter(); place.askCompassPermission(); });
  $("pin-reset").addEventListener("click", () => { draft.pin = null; saveAndDraw(); });
  $("use-other").addEventListener("click", () => {
    draft.prefer = chosen(draft)?.choice === "exif" ? "device" : "exif";
    saveAndDraw();
  });
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
  confirmedStaleFix = false;
  const form = $("details-form");
  writeAnswers(form, answers);
  showMakerName(form);
  show("details");
  map ??= createPinMap($("map"), (lat, lon) => { draft.pin = { lat, lon }; saveAndDraw(); }, (text) => {
    $("pin-text").textContent = text;
  }, (degrees, done) => { draft.heading_manual = degrees; if (done) saveAndDraw(); else draw(); });
  map.resize();
  drawPhotos();
  draw();
  sign.open(record);
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
  const record = draft || newDraft(source, sign.currentKind());
  try {
    await addFiles(record, files);
  } catch (error) {
    toast(error.name === "QuotaExceededError" ? "This phone's storage for the page is full: send or delete some sightings first."
      : `The photo could not be saved on this phone (${error.name}).`);
    return;
  }
  navigator.storage?.persist?.(); // ask the browser not to evict the outbox when space runs low
  if (fresh) open(record, {}, show);
  else { drawPhotos(); draw(); } // an added photo may bring its own GPS
}

function saveAndDraw() {
  saveDraft(draft);
  draw();
}

function draw() {
  const fix = usesLiveFix(draft) ? draft.fix : null;
  const where = chosen(draft);
  map?.show({ fix, photo: draft.photo_gps, where });
  $("pin-reset").hidden = !(draft.pin && (fix || draft.photo_gps));
  $("pin-reset").textContent = chosen({ ...draft, pin: null })?.choice === "exif" ? "Back to the photo's position"
    : "Back to my position";
  $("gallery-hint").hidden = draft.source !== "gallery" || Boolean(draft.photo_gps);
  $("pin-text").textContent = pinText(draft, where, fix);
  drawPhotoGps(fix, where);
  const trouble = where?.choice === "device" ? fixTrouble(draft) : null;
  $("fix-warning").hidden = !trouble;
  if (trouble) {
    $("fix-warning").textContent = `Waiting for a better fix: ±${trouble.accuracy_m} m, ${trouble.age_s} s old. `
      + "Stay where you took the photo, drag the pin onto the camera, or send anyway.";
  }
  if (!trouble) confirmedStaleFix = false;
  $("send").textContent = trouble && confirmedStaleFix ? "Send anyway" : confirmedNoPosition ? "Send without a position" : "Save & send";
  const manual = draft.heading_manual;
  const heading = manual ?? draft.compass;
  map?.heading(heading);
  $("heading-text").textContent = heading === null ? "No compass: drag the cone on the map, or slide, to the direction you faced."
    : `${Math.round(heading)}° ${place.compassPoint(heading)} ${manual === null ? "(compass)" : "(set by hand)"}`;
  $("heading-input").value = heading ?? 0;
  $("heading-compass").hidden = manual === null || draft.compass === null;
  sign.redraw(draft); // the cameras offered follow the sign's position
  const last = lastAnswers();
  $("repeat-last").hidden = !last || !describe(last);
  if (last) $("repeat-last").textContent = `Repeat last: ${describe(last)}`;
}

function pinText(d, where, fix) {
  if (!where) {
    return d.source === "gallery" ? "Tap the map where the camera in the photo is."
      : "No position yet: tap the map where the camera is.";
  }
  if (where.choice === "manual") return `Pin moved by hand: ${d.pin.lat.toFixed(6)}, ${d.pin.lon.toFixed(6)}`;
  const drag = "Drag the pin onto the camera.";
  if (where.choice === "exif") {
    const accuracy = where.accuracy_m === null ? "" : ` (±${Math.round(where.accuracy_m)} m)`;
    return `The photo's own GPS${accuracy}. ${drag}`;
  }
  return `Your position (±${Math.round(fix.accuracy_m)} m). ${drag}`;
}

/** The photo's GPS in words: how far from the phone, how old, and which of the two the pin is on. */
function drawPhotoGps(fix, where) {
  const gps = draft.photo_gps;
  const box = $("photo-gps");
  box.hidden = !gps;
  if (!gps) return;
  const parts = [];
  if (gps.taken_at) parts.push(`Taken ${ageText(Date.now() - gps.taken_at)}.`);
  if (fix) parts.push(`This photo's GPS is ${distanceText(distanceM(gps, fix))} from you.`);
  const far = photoGap(draft) !== null;
  const old = gps.taken_at && Date.now() - gps.taken_at > OLD_PHOTO_MS;
  box.classList.toggle("notice-warn", far || Boolean(old));
  $("photo-gps-text").textContent = parts.join(" ") || "The photo carries its own GPS position.";
  $("use-other").hidden = !fix || where?.choice === "manual";
  $("use-other").textContent = where?.choice === "exif" ? "Use my position instead" : "Use the photo's position";
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
  sign.showKind(sign.currentKind());
  show("capture");
}

async function send(form, show, toast) {
  if (!hasPosition(draft) && !confirmedNoPosition) {
    confirmedNoPosition = true;
    $("send").textContent = "Send without a position";
    toast("No position: the photo's own GPS will be used if it has one. Tap the map to place the pin.");
    return;
  }
  if (chosen(draft)?.choice === "device" && fixTrouble(draft) && !confirmedStaleFix) {
    confirmedStaleFix = true; // the position would be a poor or old fix: the volunteer decides
    $("send").textContent = "Send anyway";
    $("fix-warning").scrollIntoView({ block: "nearest" });
    return;
  }
  const answers = readAnswers(form);
  const isSign = draft.kind === "sign";
  if (!isSign) rememberAnswers(answers); // a sign's blank camera answers are not the last camera's
  await outbox.enqueue({ ...draft, answers, fields: isSign ? sign.signForm(draft, answers) : apiForm(draft, answers) });
  try { performance.measure("capture-to-queued", "capture"); } catch { /* a draft restored after a reload */ }
  draft = null;
  writeAnswers(form);
  sign.showKind(sign.currentKind());
  $("send").textContent = "Save & send";
  show("capture");
  toast(navigator.onLine ? "Saved on this phone. Sending…" : "Saved on this phone. It will be sent when you are online.");
}
