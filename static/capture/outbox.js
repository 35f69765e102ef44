// The outbox: sightings wait in IndexedDB and are sent one at a time, with backoff, until the server
// has them. Retrying is always safe: the server answers a known client_id with the stored sighting.
import * as store from "./db.js";

const API = "/api/v1/sightings";
const BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60 * 1000;
const STALL_MS = 20 * 1000; // abort (and retry) an upload that makes no progress for this long
const TICK_MS = 30 * 1000;

const listeners = new Set();
const senders = []; // other kinds of record sent with the sightings (walk.js's walks)
let running = null;
let timer = null;

/** Call `listener({progress})` when the outbox changes (progress null) or an upload moves (0 to 1). */
export function subscribe(listener) {
  listeners.add(listener);
}

/**
 * Send another kind of record through this outbox, one at a time under its lock, after the sightings'
 * work: `next()` resolves to one due (or null), `send(it)` sends it and records the outcome,
 * `waits()` to the times the waiting ones are due, `retryNow()` makes them due now.
 */
export function addSender(sender) {
  senders.push(sender);
}

function notify(progress = null) {
  for (const listener of listeners) listener({ progress });
}

/** Put a captured sighting in the outbox (on disk) and start sending in the background. */
export async function enqueue(draft) {
  const { photos, ...record } = draft; // the photos are on disk already (db.putPhotos)
  await store.put({ ...record, state: "queued", attempts: 0, next_try_at: 0, error: null, last_error: null });
  notify();
  flush();
}

/** Start sending whatever is due, unless a send is already running. */
export function flush() {
  running ??= withLock(drain)
    .catch((error) => console.error("outbox", error))
    .finally(() => { running = null; schedule(); });
  return running;
}

/** Start all waiting sightings now, e.g. when the phone comes back online. */
export async function retryNow() {
  for (const record of await store.all()) {
    if (record.state === "queued" && record.next_try_at > Date.now()) {
      await store.update(record.client_id, () => ({ next_try_at: 0 }));
    }
    if (replyWaiting(record) && record.reply.next_try_at > Date.now()) {
      await store.update(record.client_id, (r) => ({ reply: { ...r.reply, next_try_at: 0 } }));
    }
  }
  for (const sender of senders) await sender.retryNow();
  return flush();
}

export function start() {
  window.addEventListener("online", () => { notify(); retryNow(); });
  window.addEventListener("offline", () => notify());
  document.addEventListener("visibilitychange", () => { if (!document.hidden) flush(); });
  setInterval(flush, TICK_MS);
  return flush();
}

// Two tabs of the page must not send the same sighting at once (harmless, but wasteful).
function withLock(work) {
  return navigator.locks ? navigator.locks.request("cctv-outbox", work) : work();
}

async function drain() {
  await recoverInterrupted();
  while (navigator.onLine) {
    const records = await store.all();
    const sighting = records.find((r) => r.state === "queued" && r.next_try_at <= Date.now());
    if (sighting) { await sendSighting(sighting); continue; }
    const answer = records.find((r) => r.nearby?.answer && !r.nearby.sent && (r.nearby.next_try_at || 0) <= Date.now());
    if (answer) { await sendAnswer(answer); continue; }
    const reply = records.find((r) => replyWaiting(r) && r.reply.next_try_at <= Date.now());
    if (reply) { await sendReply(reply); continue; }
    if (await sendOther()) continue;
    return;
  }
}

async function sendOther() {
  for (const sender of senders) {
    const due = await sender.next();
    if (due) { await sender.send(due); return true; }
  }
  return false;
}

// A page closed in the middle of an upload leaves "sending" behind; we hold the lock, so nobody is.
async function recoverInterrupted() {
  for (const record of await store.all()) {
    if (record.state === "sending") await store.update(record.client_id, () => ({ state: "queued" }));
  }
}

async function sendSighting(record) {
  await store.update(record.client_id, () => ({ state: "sending" }));
  notify(0);
  const photos = await store.getPhotos(record.client_id);
  const reply = await postSighting(record, photos, (fraction) => notify(fraction));
  const updated = await store.update(record.client_id, (current) => outcome(current, reply));
  if (updated?.state === "sent") await store.removePhotos(record.client_id); // the server has them now
  notify();
}

/** What the server's reply means for the stored record. */
function outcome(record, reply) {
  const { status, body } = reply;
  if ((status === 200 || status === 201) && body?.id && body?.receipt) {
    const nearest = body.nearby_cameras?.[0];
    return {
      state: "sent", error: null, last_error: null, result: body, checked_at: Date.now(), sent_at: Date.now(),
      position: positionUsed(body.location, record.fields),
      // "Same camera?" is a camera's question; a sign keeps the list only to offer "fixed to this camera".
      nearby: nearest && record.kind !== "sign" ? { camera_id: nearest.id, distance_m: nearest.distance_m, answer: null, sent: false } : null,
    };
  }
  if (isRefusal(status, body)) {
    return { state: "failed", error: body?.message || `The server refused this sighting (${status}).` };
  }
  const attempts = record.attempts + 1;
  return {
    state: "queued", attempts, next_try_at: Date.now() + delay(attempts, reply.retryAfter),
    last_error: status ? `Server busy (${status}); will retry.` : "No connection; will retry.",
  };
}

/**
 * Where the server took the stored position from, as it answered the upload. Kept apart from `result`,
 * which later status checks overwrite (a moderator's correction also reads "manual" there).
 */
export function positionUsed(location, fields) {
  const source = location?.source ?? null;
  // The photo's own GPS outranks a pin; the volunteer should hear that their pin did not set it.
  const pinKept = source === "exif" && fields?.location_source === "manual";
  return { source, accuracy_m: location?.accuracy_m ?? null, pin_kept: pinKept };
}

// Our API's 4xx answers are final (it said no on purpose), except a timeout or "too many requests".
// Anything else, such as a Wi-Fi login page answering in HTML, is not an answer: try again later.
export function isRefusal(status, body) {
  if (status === 413 || status === 415) return true; // also when a proxy in front says it
  const ours = typeof body?.message === "string" && body?.code === status;
  return ours && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export { delay as retryDelay };

function delay(attempts, retryAfter) {
  const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempts - 1));
  const jittered = backoff * (0.75 + Math.random() * 0.5);
  const asked = Number(retryAfter) * 1000;
  return Number.isFinite(asked) && asked > jittered ? asked : jittered;
}

function schedule() {
  clearTimeout(timer);
  Promise.all([store.all(), ...senders.map((sender) => sender.waits())]).then(([records, ...others]) => {
    const waits = [
      ...others.flat(),
      ...records.filter((r) => r.state === "queued").map((r) => r.next_try_at),
      ...records.filter((r) => r.nearby?.answer && !r.nearby.sent).map((r) => r.nearby.next_try_at || 0),
      ...records.filter(replyWaiting).map((r) => r.reply.next_try_at),
    ];
    if (waits.length) timer = setTimeout(flush, Math.max(0, Math.min(...waits) - Date.now()) + 50);
  });
}

function formData(record, photos) {
  const form = new FormData();
  for (const [name, value] of Object.entries(record.fields)) {
    if (value !== null && value !== undefined && value !== "") form.append(name, String(value));
  }
  photos.forEach((photo, i) => form.append("photo", photo.blob, photo.name || `photo${i + 1}.jpg`));
  return form;
}

/** POST with XMLHttpRequest, because fetch cannot report upload progress. Never rejects. */
function postSighting(record, photos, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let stall;
    const watchdog = () => { clearTimeout(stall); stall = setTimeout(() => xhr.abort(), STALL_MS); };
    const finish = (reply) => { clearTimeout(stall); resolve(reply); };
    xhr.open("POST", API);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => { watchdog(); if (event.lengthComputable) onProgress(event.loaded / event.total); };
    xhr.onprogress = watchdog;
    xhr.onload = () => finish({ status: xhr.status, body: parseJson(xhr.responseText), retryAfter: xhr.getResponseHeader("Retry-After") });
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => finish({ status: 0, body: null });
    watchdog();
    xhr.send(formData(record, photos));
  });
}

function parseJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

/** Record "same camera" or "a different camera here"; it is sent with the outbox. */
export async function answerNearby(clientId, answer) {
  await store.update(clientId, (r) => ({ nearby: { ...r.nearby, answer, sent: false, error: null, next_try_at: 0 } }));
  notify();
  flush();
}

/** A JSON request about a sent sighting, with its receipt. Never rejects: status 0 means no answer. */
async function withReceipt(record, path, payload) {
  try {
    const headers = { "X-Receipt": record.result.receipt, Accept: "application/json" };
    const response = await fetch(`${API}/${record.result.id}${path}`, payload
      ? { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(payload) }
      : { headers, cache: "no-store" });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return { status: 0, body: null }; // offline: the caller retries
  }
}

async function sendAnswer(record) {
  const { camera_id, answer } = record.nearby;
  const { status, body } = await withReceipt(record, "/nearby", { camera_id, answer });
  await store.update(record.client_id, (r) => ({ nearby: answerOutcome(r.nearby, status, body) }));
  notify();
}

function answerOutcome(nearby, status, body) {
  if (status === 200) return { ...nearby, sent: true, error: null };
  if (isRefusal(status, body)) return { ...nearby, sent: true, error: body?.message || `Refused (${status}).` };
  const attempts = (nearby.attempts || 0) + 1;
  return { ...nearby, attempts, next_try_at: Date.now() + delay(attempts) };
}

function replyWaiting(record) {
  return Boolean(record.reply && !record.reply.error);
}

/** Queue the volunteer's answer to a moderator's "needs more information"; sent like a sighting. */
export async function reply(clientId, notes) {
  await store.update(clientId, () => ({ reply: { notes, attempts: 0, next_try_at: 0, error: null } }));
  notify();
  flush();
}

async function sendReply(record) {
  const { notes } = record.reply;
  const sent = await withReceipt(record, "/additions", { notes });
  // 409: not waiting for an answer any more, maybe because this answer got through and the reply was lost.
  const fresh = sent.status === 409 ? await withReceipt(record, "") : null;
  const landed = fresh?.status === 200 && fresh.body?.status !== "needs_info" && fresh.body?.notes?.endsWith(notes);
  await store.update(record.client_id, (r) => replyOutcome(r, landed ? fresh : sent, fresh?.body));
  notify();
}

function replyOutcome(record, { status, body }, current) {
  if (status === 200 && body?.id) {
    return { reply: null, result: { ...record.result, ...body }, checked_at: Date.now() };
  }
  if (isRefusal(status, body)) {
    const result = current?.id ? { ...record.result, ...current } : record.result; // e.g. a moderator reopened it
    return { reply: { ...record.reply, error: body?.message || `Refused (${status}).` }, result };
  }
  const attempts = record.reply.attempts + 1;
  return { reply: { ...record.reply, attempts, next_try_at: Date.now() + delay(attempts) } };
}
