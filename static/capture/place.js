// Where the phone is and which way its camera points, watched while the volunteer frames the shot.
const STALE_MS = 2 * 60 * 1000; // older than this, a fix is not sent at all
// A fix older than this at the shutter, or worse than this, may be where the volunteer stood before:
// the page says so and waits for a better one (walking pace covers 10 m in 7 s).
export const FRESH_MS = 10 * 1000;
export const GOOD_M = 30;
const LAST_VIEW_KEY = "cctv-last-view";

const fixes = [];
let status = "waiting"; // waiting | watching | denied | unavailable | unsupported
let compass = null; // { degrees, at }
const listeners = new Set();

export function subscribe(listener) {
  listeners.add(listener);
  listener(snapshot());
}

function notify() {
  const state = snapshot();
  for (const listener of listeners) listener(state);
}

export function snapshot() {
  return { status, fix: fixNearest(Date.now()), compass: currentHeading() };
}

/**
 * The fix nearest in time to `at` (the shutter), under 2 minutes from it. Not the most accurate of a
 * while: a volunteer walks between cameras, and an accurate fix from 8 s ago is the previous camera's.
 */
export function fixNearest(at) {
  let nearest = null;
  for (const f of fixes) {
    if (Math.abs(f.at - at) <= STALE_MS && (!nearest || Math.abs(f.at - at) <= Math.abs(nearest.at - at))) nearest = f;
  }
  return nearest;
}

/** Why a fix should not be used silently for a shutter at `at`: { accuracy_m, age_s }, or null if it is good. */
export function fixProblem(fix, at) {
  if (!fix) return null;
  const age = Math.abs(at - fix.at);
  if (age <= FRESH_MS && fix.accuracy_m <= GOOD_M) return null;
  return { accuracy_m: Math.round(fix.accuracy_m), age_s: Math.round(age / 1000) };
}

export function currentHeading(now = Date.now()) {
  return compass && now - compass.at <= 5000 ? compass.degrees : null;
}

let atShutter = null;

/** Remember the heading when "Take photo" is tapped: the page may sleep while the camera app is open. */
export function markShutter() {
  const degrees = currentHeading();
  atShutter = degrees === null ? null : { degrees, at: Date.now() };
}

/** The heading for a photo just taken: the live one, else the one from the tap that opened the camera. */
export function captureHeading(now = Date.now()) {
  const live = currentHeading(now);
  if (live !== null) return live;
  return atShutter && now - atShutter.at <= STALE_MS ? atShutter.degrees : null;
}

/** The map view to start from when there is no fix yet: the last place this phone was. */
export function lastView() {
  try { return JSON.parse(localStorage.getItem(LAST_VIEW_KEY)); } catch { return null; }
}

export function watchPosition() {
  if (!("geolocation" in navigator)) { status = "unsupported"; notify(); return; }
  navigator.geolocation.watchPosition(onFix, onFixError, { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 });
  navigator.permissions?.query({ name: "geolocation" }).then((permission) => {
    // Allowed later in the browser's settings: start again without a reload.
    permission.onchange = () => { if (permission.state === "granted" && status === "denied") { status = "waiting"; watchPosition(); } };
  }).catch(() => {});
}

function onFix(position) {
  const { latitude, longitude, accuracy } = position.coords;
  fixes.push({ lat: latitude, lon: longitude, accuracy_m: Math.round(accuracy * 10) / 10, at: Date.now() });
  while (fixes.length > 50) fixes.shift();
  status = "watching";
  localStorage.setItem(LAST_VIEW_KEY, JSON.stringify({ lat: latitude, lon: longitude }));
  notify();
}

function onFixError(error) {
  // A timeout only means "no fix yet": the watch goes on.
  if (error.code === error.PERMISSION_DENIED) status = "denied";
  else if (error.code === error.POSITION_UNAVAILABLE) status = "unavailable";
  notify();
}

/** iOS asks for motion-sensor permission, and only from a tap. */
export async function askCompassPermission() {
  const ask = window.DeviceOrientationEvent?.requestPermission;
  if (typeof ask !== "function") return;
  try { await ask.call(DeviceOrientationEvent); } catch { /* refused: the manual control remains */ }
}

export function watchCompass() {
  const onOrientation = (event) => {
    const degrees = event.webkitCompassHeading ?? (event.absolute ? cameraHeading(event.alpha, event.beta, event.gamma) : null);
    if (degrees === null || Number.isNaN(degrees)) return;
    const rounded = Math.round(degrees) % 360;
    const changed = rounded !== compass?.degrees;
    compass = { degrees: rounded, at: Date.now() };
    if (changed) notify(); // sensors fire up to 60 times a second
  };
  const name = "ondeviceorientationabsolute" in window ? "deviceorientationabsolute" : "deviceorientation";
  window.addEventListener(name, onOrientation);
}

/**
 * The compass bearing of the rear camera, from the W3C device orientation angles: the direction of the
 * device's -z axis in the east-north plane. Held flat, the top edge's bearing is used instead.
 */
export function cameraHeading(alpha, beta, gamma) {
  if (alpha === null || beta === null || gamma === null) return null;
  const rad = Math.PI / 180;
  const [cA, sA, cB, sB, cG, sG] = [Math.cos(alpha * rad), Math.sin(alpha * rad), Math.cos(beta * rad),
    Math.sin(beta * rad), Math.cos(gamma * rad), Math.sin(gamma * rad)];
  let east = -(cG * sA * sB + cA * sG);
  let north = cA * cG * sB - sA * sG;
  if (Math.hypot(east, north) < 0.3) { east = -sA * cB; north = cA * cB; } // lying flat
  return (Math.atan2(east, north) / rad + 360) % 360;
}

const POINTS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];

export function compassPoint(degrees) {
  return POINTS[Math.round(degrees / 45) % 8];
}
