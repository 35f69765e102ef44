// Deciding the sighting on show: approve, merge (then settle differing attributes), reject, ask, reopen.
import { send } from "./api.js";
import { selectedCamera } from "./candidates.js";
import { attributeChanges, directionValue, positionChange } from "./form.js";
import { failed, say } from "./message.js";
import { goOn } from "./queue.js";
import { api, item } from "./sighting.js";
import { approveSign, isSign, mergeSign } from "./signs.js";

const rejectForm = document.getElementById("reject-form");
const infoForm = document.getElementById("info-form");
// What the keys mean just now: "normal", "reject" or "info" (a panel is open), "merged" (j goes on).
let mode = "normal";

export function currentMode() {
  return mode;
}

export function approve() {
  if (isSign()) { approveSign(); return; }
  const body = Object.assign({ version: item.version }, attributeChanges(), positionChange(), directionValue());
  say("Approving…");
  send("POST", api("/approve"), body).then((result) => {
    say("Approved as camera #" + result.camera.id + ".", "ok");
    goOn();
  }, failed);
}

export function merge() {
  if (isSign()) { mergeSign(); return; }
  const cameraId = selectedCamera();
  if (cameraId === null) { say("Pick a camera first: click it or press its number.", "error"); return; }
  say("Merging…");
  send("POST", api("/approve"), { version: item.version, camera_id: cameraId }).then((result) => {
    if (!result.conflicts.length) { say("Merged into camera #" + result.camera.id + ".", "ok"); goOn(); return; }
    showConflicts(result.camera, result.conflicts);
  }, failed);
}

function showConflicts(camera, conflicts) {
  const list = document.getElementById("conflict-list");
  list.textContent = "";
  let version = camera.version;
  conflicts.forEach((c) => {
    const li = document.createElement("li");
    li.textContent = c.field.replace(/_/g, " ") + ": camera has " + (c.camera || "nothing") + ", sighting says " + c.sighting + " ";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Use the sighting's";
    button.addEventListener("click", () => {
      const body = { version: version };
      body[c.field] = c.sighting;
      send("PATCH", "/api/v1/moderation/cameras/" + camera.id, body).then((updated) => {
        version = updated.version;
        button.disabled = true;
        button.textContent = "Taken";
      }, failed);
    });
    li.appendChild(button);
    list.appendChild(li);
  });
  document.getElementById("conflicts").hidden = false;
  say("Merged into camera #" + camera.id + ": settle the differences, then press j.", "ok");
  mode = "merged";
}

export function reopen() {
  send("POST", api("/reopen"), { version: item.version }).then(() => { window.location.reload(); }, failed);
}

function open(panel, name) {
  closePanels();
  panel.hidden = false;
  mode = name;
  const first = panel.querySelector("input, textarea");
  if (first) first.focus();
}

export function openReject() { open(rejectForm, "reject"); }

export function openInfo() { open(infoForm, "info"); }

export function closePanels() {
  [rejectForm, infoForm].forEach((panel) => { if (panel) panel.hidden = true; });
  mode = "normal";
}

/** Tick the reject panel's reason number n (1-based); false if there is no such reason. */
export function pickReason(n) {
  const radios = rejectForm.querySelectorAll('input[name="reason"]');
  if (!(n >= 1 && n <= radios.length)) return false;
  radios[n - 1].checked = true;
  radios[n - 1].focus();
  return true;
}

export function submitReject() {
  const reason = rejectForm.querySelector('input[name="reason"]:checked');
  if (!reason) {
    say(`Choose a reason (1–${rejectForm.querySelectorAll('input[name="reason"]').length}).`, "error");
    return;
  }
  const body = { version: item.version, reason: reason.value };
  const note = rejectForm.elements.note.value.trim();
  if (note) body.note = note;
  send("POST", api("/reject"), body).then(() => { say("Rejected.", "ok"); goOn(); }, failed);
}

function submitInfo() {
  const note = infoForm.elements.note.value.trim();
  if (!note) { say("Say what is missing.", "error"); return; }
  send("POST", api("/needs-info"), { version: item.version, note: note }).then(() => { goOn(); }, failed);
}

export function setupDecisions() {
  if (rejectForm) rejectForm.addEventListener("submit", (event) => { event.preventDefault(); submitReject(); });
  if (infoForm) infoForm.addEventListener("submit", (event) => { event.preventDefault(); submitInfo(); });
}
