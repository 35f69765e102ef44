// A sighting being captured: saved to IndexedDB (state "draft") from the moment the photo is taken,
// so a page killed while the volunteer taps answers loses nothing.
import * as store from "./db.js";
import { apiFields } from "./answers.js";
import { GOOD_M, captureHeading, fixNearest, fixProblem } from "./place.js";
import { distanceM, readPhotoGps } from "./photogps.js";

export const MAX_PHOTOS = 5;
const STARTED_KEY = "cctv-capture-started";
const WAIT_MS = 30 * 1000; // a good fix this soon after the shutter, while the volunteer waits, is the spot
// A photo just taken whose own GPS is this much farther from the phone's fix than both their
// accuracies is not plausible as this shot's position: the phone's fix is used, and both are shown.
const PHOTO_GAP_M = 100;

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
export function newDraft(source, kind = "camera") {
  const now = new Date();
  const fresh = source === "camera";
  performance.mark("capture");
  localStorage.setItem(STARTED_KEY, String(now.getTime()));
  return {
    client_id: uuid(), created_at: now.getTime(), state: "draft", source, kind,
    // A gallery photo was taken earlier, maybe elsewhere: the clock, fix and compass now are not its own.
    captured_at: fresh ? localIso(now) : null,
    shutter_at: now.getTime(), fix: fresh ? fixNearest(now.getTime()) : null,
    compass: fresh ? captureHeading() : null,
    pin: null, heading_manual: null, photos: [], thumb: null, photo_gps: null, prefer: null,
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
  for (const photo of added) draft.photo_gps ??= await readPhotoGps(photo.blob);
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

const shutterOf = (draft) => draft.shutter_at ?? draft.created_at;

/**
 * A fix that arrives after the shutter replaces the draft's when it is nearer in time to it, or when
 * the draft's was not good and this one is, within 30 s (the volunteer waited where they stood).
 */
export function improveFix(draft, fix) {
  if (!fix || !usesLiveFix(draft) || draft.fix === fix) return false;
  const shutter = shutterOf(draft);
  const nearer = !draft.fix || Math.abs(fix.at - shutter) < Math.abs(draft.fix.at - shutter);
  const waited = fixProblem(draft.fix, shutter) && !fixProblem(fix, fix.at) && fix.at - shutter <= WAIT_MS;
  if (!nearer && !waited) return false;
  draft.fix = waited && !nearer ? { ...fix, at: shutter } : fix; // a waited-for fix counts as the shutter's
  return true;
}

/** The fix's trouble for this shot ({accuracy_m, age_s}), or null when it is fresh and good. */
export function fixTrouble(draft) {
  return usesLiveFix(draft) ? fixProblem(draft.fix, shutterOf(draft)) : null;
}

/** Is the photo's own GPS far from the phone's fix, beyond both accuracies? (metres, or null) */
export function photoGap(draft) {
  const fix = usesLiveFix(draft) ? draft.fix : null;
  if (!draft.photo_gps || !fix) return null;
  const gap = distanceM(draft.photo_gps, fix);
  const allowed = PHOTO_GAP_M + fix.accuracy_m + (draft.photo_gps.accuracy_m ?? GOOD_M);
  return gap > allowed ? gap : null;
}

/**
 * The trust order: a pin the volunteer moved; else the photo's own GPS when plausible (a gallery
 * photo's always is; a photo just taken must agree with the phone); else a fresh device fix.
 * `prefer` is the volunteer's "use the other one" when both are there.
 */
export function chosen(draft) {
  if (draft.pin) return { choice: "manual", lat: draft.pin.lat, lon: draft.pin.lon, accuracy_m: null };
  const fix = usesLiveFix(draft) ? draft.fix : null;
  const photo = draft.photo_gps;
  const photoFirst = photo && (draft.prefer === "exif" || (draft.prefer !== "device" && !(fix && photoGap(draft))));
  if (photo && (photoFirst || !fix)) return { choice: "exif", ...photo };
  if (fix) return { choice: "device", lat: fix.lat, lon: fix.lon, accuracy_m: fix.accuracy_m };
  return null;
}

export function hasPosition(draft) {
  return chosen(draft) !== null;
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
  const position = chosen(draft);
  // What the volunteer confirmed on the map is stored; the other candidates go along for the moderator.
  if (position) fields.position_choice = position.choice;
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
