// A sighting being captured: saved to IndexedDB (state "draft") from the moment the photo is taken,
// so a page killed while the volunteer taps answers loses nothing.
import * as store from "./db.js";
import { apiFields } from "./answers.js";
import { bestFix, captureHeading } from "./place.js";

export const MAX_PHOTOS = 5;
const STARTED_KEY = "cctv-capture-started";
const IMPROVE_MS = 60 * 1000; // a better fix this soon after capture still describes the same spot

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random id for this phone; the server only keeps a salted hash, to count distinct volunteers. */
export function deviceId() {
  let id = localStorage.getItem("cctv-device-id");
  if (!id) localStorage.setItem("cctv-device-id", (id = uuid()));
  return id;
}

/** The device clock as ISO 8601 with its UTC offset, e.g. 2026-05-01T14:30:05+02:00. */
export function localIso(date) {
  const pad = (n) => String(Math.trunc(Math.abs(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day}T${time}${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** A new draft, with the position and heading as they are at the moment of capture. */
export function newDraft(source) {
  const now = new Date();
  const fresh = source === "camera";
  performance.mark("capture");
  localStorage.setItem(STARTED_KEY, String(now.getTime()));
  return {
    client_id: uuid(), created_at: now.getTime(), state: "draft", source,
    // A gallery photo was taken earlier, maybe elsewhere: the clock, fix and compass now are not its own.
    captured_at: fresh ? localIso(now) : null,
    fix: fresh ? bestFix() : null, compass: fresh ? captureHeading() : null,
    pin: null, heading_manual: null, photos: [], thumb: null,
  };
}

/** When the volunteer last began a sighting (ms), even one they then discarded; 0 if never. */
export function lastStarted() {
  return Number(localStorage.getItem(STARTED_KEY)) || 0;
}

/** Only a photo taken just now may take the phone's live fix. */
export function usesLiveFix(draft) {
  return draft.source !== "gallery";
}

/** Save the draft's record; its photos are stored apart, once, by addFiles. */
export async function saveDraft(draft) {
  const { photos, ...record } = draft;
  await store.put({ ...record, photo_count: photos.length });
  // A counter of finished saves, so tests (and curious people) can tell the draft is on disk.
  const root = document.documentElement;
  root.dataset.draftSaves = String(Number(root.dataset.draftSaves || 0) + 1);
}

/** A stored draft with its photos, e.g. after the page was closed in the middle of one. */
export async function loadDraft(record) {
  return { ...record, photos: await store.getPhotos(record.client_id) };
}

/** Read the files now: a camera app may delete its temporary file once the page has it. */
export async function addFiles(draft, files) {
  const added = [];
  for (const file of [...files].slice(0, MAX_PHOTOS - draft.photos.length)) {
    const blob = new Blob([await file.arrayBuffer()], { type: file.type || "image/jpeg" });
    added.push({ blob, name: file.name || `photo${draft.photos.length + added.length + 1}.jpg` });
  }
  await store.putPhotos(draft.client_id, added, draft.photos.length);
  draft.photos.push(...added);
  draft.thumb ??= await thumbnail(draft.photos[0].blob);
  await saveDraft(draft);
}

async function thumbnail(blob) {
  try {
    const bitmap = await createImageBitmap(blob);
    const scale = 96 / Math.max(bitmap.width, bitmap.height);
    const canvas = Object.assign(document.createElement("canvas"), {
      width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale),
    });
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.7);
  } catch {
    return null; // a format this browser cannot draw (e.g. HEIC): the server still can
  }
}

/** Keep a fix that arrives soon after capture if it is more accurate (GPS settles in seconds). */
export function improveFix(draft, fix) {
  if (!fix || !usesLiveFix(draft) || Date.now() - draft.created_at > IMPROVE_MS) return false;
  if (draft.fix && draft.fix.accuracy_m <= fix.accuracy_m) return false;
  draft.fix = fix;
  return true;
}

export function hasPosition(draft) {
  return Boolean(draft.pin || (usesLiveFix(draft) && draft.fix));
}

const round = (x) => Math.round(x * 1e7) / 1e7;

/** The intake API's form fields for this draft and these answers. */
export function apiForm(draft, answers) {
  const fields = {
    client_id: draft.client_id, device_id: deviceId(), captured_at: draft.captured_at, capture: draft.source,
    ...apiFields(answers),
  };
  const { pin } = draft;
  const fix = usesLiveFix(draft) ? draft.fix : null;
  const compass = usesLiveFix(draft) ? draft.compass : null;
  if (pin) {
    Object.assign(fields, { lat: round(pin.lat), lon: round(pin.lon), location_source: "manual" });
    if (fix) Object.assign(fields, { device_lat: round(fix.lat), device_lon: round(fix.lon), device_accuracy_m: fix.accuracy_m });
  } else if (fix) {
    Object.assign(fields, { lat: round(fix.lat), lon: round(fix.lon), accuracy_m: fix.accuracy_m, location_source: "device" });
  }
  if (draft.heading_manual !== null) Object.assign(fields, { heading: draft.heading_manual, heading_source: "manual" });
  else if (compass !== null) Object.assign(fields, { heading: compass, heading_source: "device" });
  return fields;
}

/** A refused sighting back into the form, under a new client_id: the old one was refused or is taken. */
export async function draftFrom(record) {
  const { fields, result, error, last_error, attempts, next_try_at, nearby, ...kept } = record;
  const draft = { ...kept, client_id: uuid(), state: "draft", photos: await store.getPhotos(record.client_id) };
  await store.putPhotos(draft.client_id, draft.photos);
  await saveDraft(draft);
  await store.remove(record.client_id);
  return draft;
}
