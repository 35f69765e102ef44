// Bulk: the checked sightings of this page, each decided on its own; the answer is listed item by item.
import { send } from "./api.js";
import { failed, say } from "./message.js";
import { item } from "./sighting.js";

const bulkForm = document.getElementById("bulk");
const picks = Array.from(document.querySelectorAll("#queue input.pick"));

function pickFor(id) {
  return picks.find((box) => Number(box.value) === id);
}

function pickedIds() {
  return picks.filter((box) => box.checked && !box.disabled).map((box) => Number(box.value));
}

function updateBulk() {
  if (!bulkForm) return;
  const count = pickedIds().length;
  document.getElementById("bulk-count").textContent = count + " selected";
  bulkForm.querySelectorAll('button[data-action^="bulk-"]').forEach((button) => { button.disabled = count === 0; });
}

/** Check or uncheck the sighting on show (the x key). */
export function togglePick() {
  const box = item && pickFor(item.id);
  if (!box || box.disabled) return;
  box.checked = !box.checked;
  updateBulk();
}

function bulkSay(text, kind) {
  const summary = document.getElementById("bulk-summary");
  summary.textContent = text;
  summary.className = "message " + (kind || "");
}

/** Send the picked sightings to be approved or rejected ("approve" / "reject"), with the form's reason and note. */
export function bulk(action) {
  const body = { action: action, ids: pickedIds() };
  if (!body.ids.length) return;
  const note = bulkForm.elements.note.value.trim();
  if (note) body.note = note;
  if (action === "reject") {
    body.reason = bulkForm.elements.reason.value;
    if (!body.reason) { bulkSay("Choose a reason for the rejection.", "error"); bulkForm.elements.reason.focus(); return; }
  }
  bulkSay((action === "approve" ? "Approving " : "Rejecting ") + body.ids.length + "…");
  send("POST", "/api/v1/moderation/bulk", body).then(showBulkResults, (error) => {
    if (error.status === 401) { failed(error); return; }
    bulkSay(error.message, "error");
  });
}

function showResult(result) {
  const li = document.createElement("li");
  li.className = result.ok ? "ok" : "error";
  li.textContent = "#" + result.id + ": " + (result.ok
    ? result.status + (result.camera_id ? " as camera #" + result.camera_id : "")
    : "not done: " + result.error.message);
  document.getElementById("bulk-results").appendChild(li);
  const box = pickFor(result.id);
  if (box) box.checked = false; // the answer is in the list; the next action starts from a clean selection
  if (result.ok && box) { box.disabled = true; box.closest("li").classList.add("decided"); }
  if (result.ok && item && result.id === item.id) {
    item.status = result.status; // the keys a, m, r, i no longer apply to it
    document.querySelectorAll("#actions button[data-action]").forEach((button) => { button.disabled = true; });
    say("Decided in bulk: reload the queue to go on.", "ok");
  }
}

function showBulkResults(outcome) {
  document.getElementById("bulk-results").textContent = "";
  outcome.results.forEach(showResult);
  bulkSay(outcome.succeeded + " done, " + outcome.failed + " not done.", outcome.failed ? "error" : "ok");
  document.getElementById("bulk-reload").hidden = false;
  updateBulk();
}

export function setupBulk() {
  picks.forEach((box) => { box.addEventListener("change", updateBulk); });
  const pickAll = document.getElementById("bulk-all");
  if (pickAll) pickAll.addEventListener("change", () => {
    picks.forEach((box) => { if (!box.disabled) box.checked = pickAll.checked; });
    updateBulk();
  });
}
