// "My sightings": what this phone sent, with the server's status fetched by receipt. Kept locally only.
import * as store from "./db.js";
import { describe } from "./answers.js";
import { positionUsed } from "./outbox.js";
import { describeSign } from "./sign.js";
import { label } from "./vocab.js";

const STATES = { queued: "Waiting to send", sending: "Sending…", sent: "Sent", failed: "Not accepted" };

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("data-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

function when(ms) {
  return new Date(ms).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

function review(result) {
  if (!result) return null;
  if (result.gone) return el("p", { class: "review" }, "The server no longer has this sighting.");
  const reason = result.reject_reason ? `: ${label("reject_reason", result.reject_reason)}` : "";
  return el("p", { class: `review review-${result.status}` }, `${label("sighting_status", result.status)}${reason}`,
    result.moderator_note ? el("span", { class: "note" }, ` — “${result.moderator_note}”`) : null);
}

function positionText({ source, accuracy_m: accuracy }) {
  if (source === "exif") return "Position: from the photo's GPS";
  if (source === "manual") return "Position: from your pin";
  if (source !== "device") return null;
  return `Position: from the phone's location${accuracy === null ? "" : ` (±${Math.round(accuracy)} m)`}`;
}

/** Where the server's stored position came from, in plain words, for a sent sighting. */
export function positionLines(record) {
  if (!record.result) return [];
  // Sightings sent before the page kept `position` still have the upload's answer in `result`.
  const position = record.position ?? positionUsed(record.result.location, record.fields);
  const text = positionText(position);
  return [
    text ? el("p", { class: "position" }, text) : null,
    position.pin_kept ? el("p", { class: "position-note" },
      "The photo's own GPS was used; your pin was kept for the moderator.") : null,
  ].filter(Boolean);
}

/** The newest sighting the server took since `started` (the volunteer began another), as a short notice. */
export function sentNotice(records, started) {
  const fresh = records.filter((r) => r.state === "sent" && r.sent_at > started);
  if (!fresh.length) return null;
  const latest = fresh.reduce((a, b) => (b.sent_at > a.sent_at ? b : a));
  return el("div", { class: "card sent-notice", "data-client-id": latest.client_id, "data-sent-at": latest.sent_at },
    el("p", { class: "sent-title" }, `${latest.kind === "sign" ? "Sign" : "Sighting"} #${latest.result.id} sent.`), ...positionLines(latest));
}

/** The "same camera / a different camera here" question, or what was answered. */
export function nearbyQuestion(record, onAnswer, waiting = 1) {
  const nearby = record.nearby;
  if (!nearby) return null;
  if (nearby.answer) {
    const said = nearby.answer === "same" ? "the same camera" : "a different camera";
    return el("p", { class: "answered" }, `You said: ${said} as confirmed camera #${nearby.camera_id}.`,
      nearby.error ? el("span", { class: "error" }, ` ${nearby.error}`) : null);
  }
  const buttons = el("div", { class: "actions" },
    el("button", { type: "button", class: "button button-primary", onclick: () => onAnswer(record.client_id, "same") }, "Same camera"),
    el("button", { type: "button", class: "button button-secondary", onclick: () => onAnswer(record.client_id, "different") }, "A different camera here"));
  return el("div", { class: "card nearby", "data-client-id": record.client_id },
    waiting > 1 ? el("p", { class: "nearby-count" }, `1 of ${waiting} questions`) : null,
    el("p", {}, `A confirmed camera (#${nearby.camera_id}) is ${Math.round(nearby.distance_m)} m from sighting #${record.result.id}. Is it the same camera?`),
    buttons, el("p", { class: "hint" }, "Both answers help; nothing is merged without a moderator."));
}

function actions(record, handlers) {
  if (record.state !== "failed") return null;
  return el("div", { class: "actions" },
    el("button", { type: "button", class: "button button-secondary", onclick: () => handlers.edit(record.client_id) }, "Edit & send again"),
    el("button", { type: "button", class: "button button-secondary", onclick: () => handlers.discard(record.client_id) }, "Delete"));
}

const typed = new Map(); // answers being written, by client_id: the list is redrawn as the outbox moves

/** The answer box for a sighting a moderator asked about, or where its answer stands. */
function replyBox(record, handlers) {
  const reply = record.reply;
  if (reply && !reply.error) {
    return el("p", { class: "hint reply-waiting", role: "status" }, navigator.onLine ? "Sending your answer…"
      : "Your answer is saved on this phone and will be sent when you are online.");
  }
  if (record.state !== "sent" || record.result?.status !== "needs_info") {
    return reply?.error ? el("p", { class: "error", role: "alert" }, `Your answer was not sent: ${reply.error}`) : null;
  }
  const id = `reply-${record.client_id}`;
  const text = el("textarea", { id, rows: 3, maxLength: 2000, value: typed.get(record.client_id) ?? reply?.notes ?? "" });
  text.addEventListener("input", () => typed.set(record.client_id, text.value));
  const submit = (event) => {
    event.preventDefault();
    const notes = text.value.trim();
    if (!notes) { text.focus(); return; }
    typed.delete(record.client_id);
    handlers.reply(record.client_id, notes);
  };
  return el("form", { class: "reply", onsubmit: submit },
    el("label", { htmlFor: id }, "Your answer to the moderator"), text,
    reply?.error ? el("p", { class: "error", role: "alert" }, reply.error) : null,
    el("button", { type: "submit", class: "button button-primary" }, "Send answer"));
}

// The page's own words for the server's warning codes, when the server sends no message.
const WARNINGS = {
  low_accuracy: "The position is not very precise.",
  position_mismatch: "The photo's GPS and your phone's position are far apart.",
  position_not_from_photo: "A gallery photo with your position when sending, not where it was taken.",
  pin_far_from_photo: "Your pin is far from where the photo's GPS says.",
  pin_far_from_device: "Your pin is far from where your phone was.",
  time_in_future: "The photo's time is in the future.",
  time_old: "The photo is more than a year old.",
  duplicate_photo: "The same photo was sent before.",
};

export function warningText(warning) {
  return warning.message || WARNINGS[warning.code] || "A moderator will look at this sighting closely.";
}

function card(record, handlers) {
  const result = record.result;
  const photo = record.thumb ? el("img", { src: record.thumb, alt: "", class: "thumb" }) : el("span", { class: "thumb" });
  const warnings = (result?.warnings || []).map((w) => el("li", {}, warningText(w)));
  const isSign = record.kind === "sign";
  const logged = isSign ? describeSign(record.sign) : record.answers ? describe(record.answers) : "";
  return el("li", { class: `mine-item state-${record.state}`, "data-client-id": record.client_id },
    photo,
    el("div", { class: "mine-body" },
      el("p", { class: "mine-title" }, isSign ? el("span", { class: "badge badge-sign" }, "Sign") : null,
        result ? `${isSign ? "Sign report" : "Sighting"} #${result.id}` : "Not on the server yet",
        el("span", { class: `badge badge-${record.state}` }, STATES[record.state])),
      el("p", { class: "hint" }, when(record.created_at)),
      el("p", { class: "logged" }, logged || "No details tapped"),
      ...positionLines(record),
      record.state === "failed" ? el("p", { class: "error", role: "alert" }, record.error) : null,
      record.state === "queued" && record.last_error ? el("p", { class: "hint" }, record.last_error) : null,
      review(result),
      replyBox(record, handlers),
      warnings.length ? el("ul", { class: "warnings" }, ...warnings) : null,
      nearbyQuestion(record, handlers.answer),
      actions(record, handlers)));
}

/** Draw the list, newest first. */
export function renderMine(list, records, handlers) {
  const shown = records.filter((r) => r.state !== "draft").reverse();
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  list.replaceChildren(...shown.map((record) => card(record, handlers)));
  if (focused?.id && focused.tagName === "TEXTAREA") { // keep typing where the volunteer was
    const again = document.getElementById(focused.id);
    again?.focus();
    again?.setSelectionRange(focused.selectionStart, focused.selectionEnd);
  }
  return shown.length;
}

/** How many sent sightings a moderator is waiting on an answer for. */
export function awaitingAnswer(records) {
  return records.filter((r) => r.state === "sent" && r.result?.status === "needs_info" && !(r.reply && !r.reply.error)).length;
}

const RECHECK_MS = 5 * 60 * 1000;
const OPEN_RECHECK_MS = 50 * 1000; // a sighting still with a moderator is asked about this often
const OPEN = new Set(["pending", "needs_info"]);
const MOST_CHECKED = 50;

/** Ask the server for the status of recent sent sightings (the receipt proves they are ours). */
export async function refreshStatuses({ force = false } = {}) {
  const sent = (await store.all()).filter((r) => r.state === "sent" && r.result && !r.result.gone);
  const wait = (r) => (OPEN.has(r.result.status) ? OPEN_RECHECK_MS : RECHECK_MS);
  const due = sent.reverse().slice(0, MOST_CHECKED).filter((r) => force || Date.now() - (r.checked_at || 0) > wait(r));
  for (const record of due) {
    const response = await fetch(`/api/v1/sightings/${record.result.id}`, {
      headers: { "X-Receipt": record.result.receipt, Accept: "application/json" }, cache: "no-store",
    });
    if (response.status === 404) {
      await store.update(record.client_id, (r) => ({ result: { ...r.result, gone: true } }));
    } else if (response.ok) {
      const fresh = await response.json();
      await store.update(record.client_id, (r) => ({ result: { ...r.result, ...fresh }, checked_at: Date.now() }));
    }
  }
}
