// Keyboard-first review: one key per action, numbers for a camera or a reject reason, Escape backs out.
import { togglePick } from "./bulk.js";
import { selectCandidate } from "./candidates.js";
import { approve, closePanels, currentMode, merge, openInfo, openReject, pickReason, submitReject } from "./decisions.js";
import { focusForm } from "./form.js";
import { fullScreen, showOriginal, toggleZoom, zoomFit, zoomIn, zoomOut } from "./photo.js";
import { go, goOn } from "./queue.js";
import { item } from "./sighting.js";
import { isSign, selectSign } from "./signs.js";
import { values } from "./vocab.js";

const TYPING = "input[type=text], input:not([type]), input[type=number], select, textarea";
const ACTIONS = {
  a: approve, m: merge, e: focusForm, r: openReject, i: openInfo,
  j: () => { currentMode() === "merged" ? goOn() : go(1); }, k: () => { go(-1); },
  z: toggleZoom, x: togglePick, "+": zoomIn, "=": zoomIn, "-": zoomOut, 0: zoomFit, f: fullScreen, o: showOriginal,
};
// Keys that decide: they do nothing once the sighting on show is decided.
const DECIDING = ["a", "m", "r", "i"];

// With the reject panel open, a number picks a reason and Enter rejects; other keys do nothing.
function rejectPanelKey(event) {
  if (pickReason(Number(event.key))) { event.preventDefault(); return; }
  if (event.key === "Enter") { event.preventDefault(); submitReject(); }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing = target.closest && target.closest(TYPING);
  if (event.key === "Escape") { closePanels(); if (target.blur) target.blur(); return; }
  if (currentMode() === "reject" && !typing) { rejectPanelKey(event); return; }
  if (typing || (!item && !"jk".includes(event.key))) return;
  if (/^[1-9]$/.test(event.key) && currentMode() === "normal") {
    (isSign() ? selectSign : selectCandidate)(Number(event.key) - 1); // a sign report merges into a sign
    return;
  }
  if (item && DECIDING.includes(event.key) && !values("open_sighting_status").includes(item.status)) return;
  const action = ACTIONS[event.key];
  if (action) { event.preventDefault(); action(); }
}

export function setupKeys() {
  document.addEventListener("keydown", onKey);
}
