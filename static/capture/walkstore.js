// The walks this phone recorded and the areas' streets kept for offline use, in an IndexedDB of their
// own, and the sending of walks through the page's outbox: retried with backoff until the server has
// them, and safe to repeat (the server answers a known client_id with the stored walk).
import { database } from "./idb.js";
import * as outbox from "./outbox.js";

const DB_NAME = "cctv-walks";
const WALKS = "walks";
const CACHE = "cache";
const listeners = new Set();
const transaction = database(DB_NAME, (db) => {
  db.createObjectStore(WALKS, { keyPath: "client_id" });
  db.createObjectStore(CACHE);
});

/** Every walk kept on this phone: { client_id, area_id, fields, state: queued | sent | failed, ... }. */
export const all = () => transaction(WALKS, "readonly", (store) => store.getAll());
const put = (walk) => transaction(WALKS, "readwrite", (store) => store.put(walk));

/** Call `listener()` whenever a walk is added or changes state. */
export function subscribe(listener) {
  listeners.add(listener);
}

function notify() {
  for (const listener of listeners) listener();
}

/** Keep a walk on disk, then send it with the outbox. `fields` is the request body, client_id included. */
export async function add(areaId, fields) {
  await put({ client_id: fields.client_id, area_id: areaId, fields, state: "queued", attempts: 0, next_try_at: 0,
    error: null, created_at: Date.now() });
  notify();
  outbox.flush();
}

/** Hand the walks to the outbox, which sends them after the sightings' work. */
export function start() {
  outbox.addSender({ next, send, waits, retryNow });
}

async function next() {
  return (await all()).find((w) => w.state === "queued" && w.next_try_at <= Date.now()) || null;
}

async function waits() {
  return (await all()).filter((w) => w.state === "queued").map((w) => w.next_try_at);
}

async function retryNow() {
  for (const walk of await all()) if (walk.state === "queued" && walk.next_try_at > Date.now()) await put({ ...walk, next_try_at: 0 });
}

async function send(walk) {
  await put({ ...walk, ...outcome(walk, await post(walk)) });
  notify();
}

function outcome(walk, { status, body, retryAfter }) {
  if ((status === 200 || status === 201) && body?.id) return { state: "sent", error: null, walk_id: body.id, sent_at: Date.now() };
  if (outbox.isRefusal(status, body)) return { state: "failed", error: body?.message || `Refused (${status}).` };
  const attempts = walk.attempts + 1;
  return { attempts, next_try_at: Date.now() + outbox.retryDelay(attempts, retryAfter) };
}

async function post(walk) {
  try {
    const response = await fetch(`/api/v1/areas/${walk.area_id}/walks`, {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(walk.fields),
    });
    return { status: response.status, body: await response.json().catch(() => null), retryAfter: response.headers.get("Retry-After") };
  } catch {
    return { status: 0, body: null }; // no connection: try again later
  }
}

/** A JSON document from the server, kept for offline use; with no answer, the copy kept last time, or null. */
export async function fresh(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    await transaction(CACHE, "readwrite", (store) => store.put(body, url));
    return body;
  } catch {
    return (await transaction(CACHE, "readonly", (store) => store.get(url))) ?? null;
  }
}
