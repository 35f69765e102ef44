// Moderator console: keyboard-first review. Volunteer text is only ever set with textContent.
import { send } from "./api.js";
import { failed, say } from "./message.js";
import { api, item } from "./sighting.js";
import { selectCandidate, selectedCamera, setupCandidates } from "./candidates.js";
import { attributeChanges, directionValue, focusForm, positionChange, setupForm } from "./form.js";
import { setupMap } from "./map.js";
import { setupPhoto, toggleZoom } from "./photo.js";
import { go, goOn } from "./queue.js";

(function () {
  "use strict";

  var mode = "normal";

  function approve() {
    var body = Object.assign({ version: item.version }, attributeChanges(), positionChange(), directionValue());
    say("Approving…");
    send("POST", api("/approve"), body).then(function (result) {
      say("Approved as camera #" + result.camera.id + ".", "ok");
      goOn();
    }, failed);
  }

  function merge() {
    if (selectedCamera() === null) { say("Pick a camera first: click it or press its number.", "error"); return; }
    say("Merging…");
    send("POST", api("/approve"), { version: item.version, camera_id: selectedCamera() }).then(function (result) {
      if (!result.conflicts.length) { say("Merged into camera #" + result.camera.id + ".", "ok"); goOn(); return; }
      showConflicts(result.camera, result.conflicts);
    }, failed);
  }

  function showConflicts(camera, conflicts) {
    var list = document.getElementById("conflict-list");
    list.textContent = "";
    var version = camera.version;
    conflicts.forEach(function (c) {
      var li = document.createElement("li");
      li.textContent = c.field.replace(/_/g, " ") + ": camera has " + (c.camera || "nothing") + ", sighting says " + c.sighting + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Use the sighting's";
      button.addEventListener("click", function () {
        var body = { version: version };
        body[c.field] = c.sighting;
        send("PATCH", "/api/v1/moderation/cameras/" + camera.id, body).then(function (updated) {
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

  function reopen() {
    send("POST", api("/reopen"), { version: item.version }).then(function () { window.location.reload(); }, failed);
  }

  // --- panels -----------------------------------------------------------------------------------
  var rejectForm = document.getElementById("reject-form");
  var infoForm = document.getElementById("info-form");

  function open(panel, name) {
    closePanels();
    panel.hidden = false;
    mode = name;
    var first = panel.querySelector("input, textarea");
    if (first) first.focus();
  }

  function closePanels() {
    [rejectForm, infoForm].forEach(function (panel) { if (panel) panel.hidden = true; });
    mode = "normal";
  }

  function submitReject() {
    var reason = rejectForm.querySelector('input[name="reason"]:checked');
    if (!reason) { say("Choose a reason (1–6).", "error"); return; }
    var body = { version: item.version, reason: reason.value };
    var note = rejectForm.elements.note.value.trim();
    if (note) body.note = note;
    send("POST", api("/reject"), body).then(function () { say("Rejected.", "ok"); goOn(); }, failed);
  }

  function submitInfo() {
    var note = infoForm.elements.note.value.trim();
    if (!note) { say("Say what is missing.", "error"); return; }
    send("POST", api("/needs-info"), { version: item.version, note: note }).then(function () { goOn(); }, failed);
  }

  // --- bulk: the checked sightings of this page, each decided on its own ---------------------------
  var bulkForm = document.getElementById("bulk");
  var picks = Array.prototype.slice.call(document.querySelectorAll("#queue input.pick"));

  function pickFor(id) {
    return picks.filter(function (box) { return Number(box.value) === id; })[0];
  }

  function pickedIds() {
    return picks.filter(function (box) { return box.checked && !box.disabled; }).map(function (box) { return Number(box.value); });
  }

  function updateBulk() {
    if (!bulkForm) return;
    var count = pickedIds().length;
    document.getElementById("bulk-count").textContent = count + " selected";
    bulkForm.querySelectorAll('button[data-action^="bulk-"]').forEach(function (button) { button.disabled = count === 0; });
  }

  function togglePick() {
    var box = item && pickFor(item.id);
    if (!box || box.disabled) return;
    box.checked = !box.checked;
    updateBulk();
  }

  function bulkSay(text, kind) {
    var summary = document.getElementById("bulk-summary");
    summary.textContent = text;
    summary.className = "message " + (kind || "");
  }

  function bulk(action) {
    var body = { action: action, ids: pickedIds() };
    if (!body.ids.length) return;
    var note = bulkForm.elements.note.value.trim();
    if (note) body.note = note;
    if (action === "reject") {
      body.reason = bulkForm.elements.reason.value;
      if (!body.reason) { bulkSay("Choose a reason for the rejection.", "error"); bulkForm.elements.reason.focus(); return; }
    }
    bulkSay((action === "approve" ? "Approving " : "Rejecting ") + body.ids.length + "…");
    send("POST", "/api/v1/moderation/bulk", body).then(showBulkResults, function (error) {
      if (error.status === 401) { failed(error); return; }
      bulkSay(error.message, "error");
    });
  }

  function showBulkResults(outcome) {
    var list = document.getElementById("bulk-results");
    list.textContent = "";
    outcome.results.forEach(function (result) {
      var li = document.createElement("li");
      li.className = result.ok ? "ok" : "error";
      li.textContent = "#" + result.id + ": " + (result.ok
        ? result.status + (result.camera_id ? " as camera #" + result.camera_id : "")
        : "not done: " + result.error.message);
      list.appendChild(li);
      var box = pickFor(result.id);
      if (box) box.checked = false; // the answer is in the list; the next action starts from a clean selection
      if (result.ok && box) { box.disabled = true; box.closest("li").classList.add("decided"); }
      if (result.ok && item && result.id === item.id) {
        item.status = result.status; // the keys a, m, r, i no longer apply to it
        document.querySelectorAll("#actions button[data-action]").forEach(function (button) { button.disabled = true; });
        say("Decided in bulk: reload the queue to go on.", "ok");
      }
    });
    bulkSay(outcome.succeeded + " done, " + outcome.failed + " not done.", outcome.failed ? "error" : "ok");
    document.getElementById("bulk-reload").hidden = false;
    updateBulk();
  }

  picks.forEach(function (box) { box.addEventListener("change", updateBulk); });
  var pickAll = document.getElementById("bulk-all");
  if (pickAll) pickAll.addEventListener("change", function () {
    picks.forEach(function (box) { if (!box.disabled) box.checked = pickAll.checked; });
    updateBulk();
  });

  // --- keyboard ---------------------------------------------------------------------------------
  var actions = {
    a: approve, m: merge, e: focusForm,
    r: function () { open(rejectForm, "reject"); }, i: function () { open(infoForm, "info"); },
    j: function () { mode === "merged" ? goOn() : go(1); }, k: function () { go(-1); },
    z: toggleZoom, x: togglePick
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var typing = target.closest && target.closest("input[type=text], input:not([type]), input[type=number], select, textarea");
    if (event.key === "Escape") { closePanels(); if (target.blur) target.blur(); return; }
    if (mode === "reject" && !typing) {
      var n = Number(event.key);
      var radios = rejectForm.querySelectorAll('input[name="reason"]');
      if (n >= 1 && n <= radios.length) { radios[n - 1].checked = true; radios[n - 1].focus(); event.preventDefault(); return; }
      if (event.key === "Enter") { event.preventDefault(); submitReject(); return; }
      return;
    }
    if (typing || !item && "jk".indexOf(event.key) < 0) return;
    if (/^[1-9]$/.test(event.key) && mode === "normal") { selectCandidate(Number(event.key) - 1); return; }
    if (item && ["a", "m", "r", "i"].indexOf(event.key) >= 0 && ["pending", "needs_info"].indexOf(item.status) < 0) return;
    var action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  // --- clicks -----------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || button.type === "submit") return;
    var handlers = {
      approve: approve, merge: merge, reject: actions.r, info: actions.i, close: closePanels,
      reopen: reopen, next: goOn,
      "bulk-approve": function () { bulk("approve"); }, "bulk-reject": function () { bulk("reject"); }
    };
    if (handlers[button.dataset.action]) handlers[button.dataset.action]();
  });

  setupForm();
  if (rejectForm) rejectForm.addEventListener("submit", function (event) { event.preventDefault(); submitReject(); });
  if (infoForm) infoForm.addEventListener("submit", function (event) { event.preventDefault(); submitInfo(); });
  setupCandidates();

  setupPhoto();
  setupMap();
})();
