// The capture page: screens, the sending status bar, and the start-up that resumes unsent work.
import * as store from "./db.js";
import { initOffline as initBasemapOffline } from "./basemap.js";
import * as details from "./details.js";
import * as outbox from "./outbox.js";
import * as place from "./place.js";
import * as walk from "./walk.js";
import { draftFrom, lastStarted, loadDraft } from "./draft.js";
import { awaitingAnswer, nearbyQuestion, refreshStatuses, renderMine, sentNotice } from "./mine.js";

const $ = (id) => document.getElementById(id);
const SCREENS = ["capture", "details", "mine", "walk"];
const screenOf = (hash) => ({ "#mine": "mine", "#walk": "walk" })[hash] || "capture";
const BACKGROUND_MS = 60 * 1000;
let toastTimer = null;
let toastAt = 0;

function show(name) {
  if (name === "capture" && details.current()) name = "details";
  for (const screen of SCREENS) $(`screen-${screen}`).hidden = screen !== name;
  $("tab-capture").setAttribute("aria-current", name === "capture" || name === "details" ? "page" : "false");
  $("tab-mine").setAttribute("aria-current", name === "mine" ? "page" : "false");
  $("tab-walk").setAttribute("aria-current", name === "walk" ? "page" : "false");
  const hash = name === "mine" || name === "walk" ? `#${name}` : "#capture";
  if (location.hash !== hash) history.replaceState(null, "", hash);
  window.scrollTo(0, 0);
  if (name === "mine") refreshMine(null);
  if (name === "capture") redraw(); // e.g. a discarded capture: the last "sent" notice is old news now
  if (name === "details") details.redraw();
  if (name === "walk") walk.show();
  document.body.dataset.screen = name;
}

function toast(message) {
  const node = $("toast");
  node.textContent = message;
  node.hidden = false;
  toastAt = Date.now();
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 6000);
}

const handlers = {
  answer: (clientId, answer) => outbox.answerNearby(clientId, answer),
  discard: async (clientId) => { await store.remove(clientId); redraw(); },
  reply: (clientId, notes) => outbox.reply(clientId, notes),
  edit: async (clientId) => {
    if (details.current()) { toast("Send or discard the sighting you are writing first."); return; }
    const record = await store.get(clientId);
    details.open(await draftFrom(record), record.answers, show);
  },
};

let waiting = 0;
let upload = null; // fraction of the current upload, or null

function onOutbox({ progress }) {
  upload = progress;
  if (progress === null || progress === 0) redraw(); // a sighting changed state
  else drawProgress();
}

async function redraw() {
  const records = await store.all();
  const count = (state) => records.filter((r) => r.state === state).length;
  for (const state of ["queued", "sending", "sent", "failed"]) $(`count-${state}`).textContent = count(state);
  document.querySelector(".count-failed").classList.toggle("alert", count("failed") > 0);
  $("network").textContent = navigator.onLine ? "Online" : "Offline";
  $("network").classList.toggle("pill-offline", !navigator.onLine);
  waiting = count("queued");
  drawProgress();
  // Every pending "Same camera?" in one card, one question at a time, below Take photo.
  const pending = records.filter((r) => r.nearby && !r.nearby.answer);
  const questions = pending.length ? [nearbyQuestion(pending[0], handlers.answer, pending.length)] : [];
  const failed = count("failed") ? [failedNotice(count("failed"))] : [];
  const asked = awaitingAnswer(records) ? [askedNotice(awaitingAnswer(records))] : [];
  const sent = sentNotice(records, lastStarted());
  if (sent && Number(sent.dataset.sentAt) > toastAt) $("toast").hidden = true; // "Sending…" is out of date
  $("prompts").replaceChildren(...(sent ? [sent] : []), ...questions, ...asked, ...failed);
  $("mine-empty").hidden = renderMine($("mine-list"), records, handlers) > 0;
  const asking = awaitingAnswer(records);
  $("tab-badge").hidden = asking === 0;
  $("tab-badge").textContent = String(asking);
  $("tab-badge").setAttribute("aria-label", `${asking} question${asking === 1 ? "" : "s"} from a moderator`);
}

function drawProgress() {
  $("upload").hidden = upload === null;
  if (upload === null) return;
  $("upload-progress").value = upload;
  $("upload-label").textContent = `Sending… ${Math.round(upload * 100)}%${waiting ? ` (${waiting} more waiting)` : ""}`;
}

function failedNotice(n) {
  const link = Object.assign(document.createElement("a"), { href: "#mine", textContent: "See My sightings" });
  const notice = Object.assign(document.createElement("p"), { className: "notice notice-error" });
  notice.append(`${n} sighting${n > 1 ? "s were" : " was"} not accepted by the server. `, link);
  return notice;
}

function askedNotice(n) {
  const link = Object.assign(document.createElement("a"), { href: "#mine", textContent: "Answer in My sightings" });
  const notice = Object.assign(document.createElement("p"), { className: "notice" });
  notice.append(n === 1 ? "A moderator has a question about one of your sightings. "
    : `A moderator has questions about ${n} of your sightings. `, link);
  return notice;
}

let refreshing = false;

async function refreshMine(event) {
  if (!navigator.onLine || refreshing) return;
  refreshing = true;
  $("refresh").disabled = true;
  try { await refreshStatuses({ force: Boolean(event) }); } catch { /* offline after all: keep what we have */ }
  $("refresh").disabled = false;
  refreshing = false;
  redraw();
}

function drawPlace({ status, fix, compass }) {
  const text = $("fix-text");
  const help = $("location-help");
  const quality = !fix ? "wait" : fix.accuracy_m <= 20 ? "good" : fix.accuracy_m <= 50 ? "fair" : "poor";
  text.className = `fix fix-${quality}`;
  const age = fix ? Math.round((Date.now() - fix.at) / 1000) : 0;
  text.textContent = fix ? `Position ±${Math.round(fix.accuracy_m)} m${age * 1000 > place.FRESH_MS ? `, ${age} s old` : ""}` : {
    denied: "Location blocked", unavailable: "No GPS signal yet", unsupported: "No location on this device",
  }[status] || "Finding your position…";
  help.hidden = !["denied", "unavailable", "unsupported"].includes(status) || Boolean(fix);
  help.textContent = status === "denied"
    ? "This page may not use your location. You can still log cameras: after the photo, tap the map where the camera is. Photos that carry their own GPS need no pin. To allow location, open your browser's site settings for this page."
    : "You can still take photos: after the photo, tap the map where the camera is.";
  $("compass-text").textContent = compass === null ? "Compass: not available (set the direction by hand)"
    : `Compass: ${compass}° ${place.compassPoint(compass)}`;
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await navigator.serviceWorker.ready;
    $("offline-ready").hidden = false;
  } catch (error) {
    console.warn("no offline support:", error);
  }
}

async function resumeDraft() {
  const draft = (await store.all()).find((r) => r.state === "draft");
  if (draft) details.open(await loadDraft(draft), draft.answers, show);
}

async function main() {
  details.init({ show, toast });
  initBasemapOffline(); // the "save the map" card, when the server has its own basemap
  place.subscribe(drawPlace);
  setInterval(() => drawPlace(place.snapshot()), 2000); // a fix ages while no new one comes
  place.watchPosition();
  place.watchCompass();
  outbox.subscribe(onOutbox);
  $("refresh").addEventListener("click", refreshMine);
  // Statuses and moderators' questions arrive without a tap: every minute while open and online,
  // and as soon as the volunteer comes back to the tab.
  setInterval(() => { if (!document.hidden) refreshMine(null); }, BACKGROUND_MS);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshMine(null); });
  window.addEventListener("online", () => refreshMine(null));
  window.addEventListener("hashchange", () => show(screenOf(location.hash)));
  walk.init();
  show(screenOf(location.hash));
  await resumeDraft();
  await redraw();
  registerServiceWorker();
  outbox.start();
}

main();
