// The blur tool: the regions a photo's public copies blur, drawn over the photo viewer. Drag to add
// a box, × to remove one, or blur the whole photo; saving rebuilds the public copies on the server.
// While a change is unsaved, approving waits: the moderator saves or cancels first.
import { send } from "./api.js";
import { failed, say } from "./message.js";

const MIN_PX = 4; // a drag shorter than this on screen is a click, not a box
const UNSAVED = "Save or cancel the blur first: the public copies follow the saved boxes.";
const CHANGED = "Someone else changed this photo's blur while you were editing, so yours was not saved. " +
  "Their regions are shown now: check them, and redo your change if it is still needed.";

let viewer = null;
let overlay = null;
let bar = null;
// `seen` is the public copy the moderator is editing from: a save sends it, and the server refuses the
// save (409) when someone else rebuilt the copies since.
const state = { photo: null, boxes: [], whole: false, dirty: false, open: false, info: null, seen: null };
const known = new Map(); // photo id -> its blur as the server last said

const blurUrl = (photo) => "/api/v1/moderation/photos/" + photo + "/blur";

const loading = new Map(); // photo id -> the request under way: detection runs once, not per click

function load(photo) {
  const key = String(photo);
  if (loading.has(key)) return loading.get(key);
  const request = fetch(blurUrl(photo), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => r.json().then((data) => {
      if (!r.ok) { const e = new Error(data.message || r.statusText); e.status = r.status; e.data = data; throw e; }
      known.set(key, data);
      return data;
    }))
    .finally(() => { loading.delete(key); });
  loading.set(key, request);
  return request;
}

function status(data) {
  const button = document.querySelector("button[data-blur]");
  if (!button || String(data.photo_id) !== currentPhoto()) return;
  const what = data.whole ? "whole photo" : data.boxes.length + (data.boxes.length === 1 ? " box" : " boxes");
  button.textContent = "blur: " + what + (data.state === "reviewed" ? " ✓" : "");
  button.dataset.state = data.state;
}

function currentPhoto() {
  return viewer && viewer.img.dataset.photo;
}

// The overlay lies exactly over the drawn photo, so boxes in percentages follow any zoom or pan.
function place() {
  if (!overlay || overlay.hidden) return;
  const b = viewer.box.getBoundingClientRect(), i = viewer.img.getBoundingClientRect();
  Object.assign(overlay.style, { left: i.left - b.left + "px", top: i.top - b.top + "px", width: i.width + "px", height: i.height + "px" });
}

function draw() {
  overlay.replaceChildren();
  overlay.classList.toggle("whole", state.whole);
  state.boxes.forEach((box, n) => {
    const el = document.createElement("div");
    el.className = "blur-box " + box.source;
    Object.assign(el.style, {
      left: box.x1 * 100 + "%", top: box.y1 * 100 + "%", width: (box.x2 - box.x1) * 100 + "%", height: (box.y2 - box.y1) * 100 + "%",
    });
    el.title = box.source === "detector" ? "a " + box.kind + " found by the detector (score " + box.score.toFixed(2) + ")" : "drawn by a moderator";
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "blur-remove";
    remove.textContent = "×";
    remove.title = "Not a face or plate: do not blur";
    remove.addEventListener("click", (event) => { event.stopPropagation(); state.boxes.splice(n, 1); changed(); });
    remove.addEventListener("pointerdown", (event) => { event.stopPropagation(); });
    el.appendChild(remove);
    overlay.appendChild(el);
  });
  bar.querySelector("[data-blur-count]").textContent = state.whole ? "the whole photo" : state.boxes.length + " to blur";
  bar.querySelector("input[name=whole]").checked = state.whole;
}

function changed() {
  state.dirty = true;
  draw();
}

function open() {
  const photo = currentPhoto();
  if (!photo) return;
  viewer.fit();
  say("Looking for faces…");
  load(photo).then((data) => {
    state.photo = photo;
    state.open = true;
    overlay.hidden = false;
    bar.hidden = false;
    viewer.box.classList.add("blurring");
    show(data);
    place();
    say("Drag over a face or plate to blur it; × removes a box. Save rebuilds the public copies.");
  }, failed);
}

// The blur as the server said it, drawn as the starting point of the moderator's next change.
function show(data) {
  known.set(String(data.photo_id), data);
  state.boxes = data.boxes.map((b) => Object.assign({}, b));
  state.whole = data.whole;
  state.seen = data.display_sha256;
  state.dirty = false;
  viewer.showSource(displayUrl(data));
  draw();
  status(data);
}

function close() {
  state.open = false;
  state.dirty = false;
  overlay.hidden = true;
  bar.hidden = true;
  viewer.box.classList.remove("blurring");
}

function displayUrl(data) {
  const base = viewer.img.dataset.display || viewer.img.src.split("?")[0];
  return base + "?v=" + data.display_sha256; // the moderator route's copy is cached by its address
}

function save() {
  const boxes = state.boxes.map((b) => ({ x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 }));
  say("Rebuilding the public copies…");
  const body = { boxes: state.whole ? [] : boxes, whole: state.whole, display_sha256: state.seen };
  send("PUT", blurUrl(state.photo), body).then((data) => {
    show(data);
    viewer.box.dataset.blurSaved = data.display_sha256;
    say("Blur saved: the public copies are rebuilt.", "ok");
  }, (error) => {
    if (error.status !== 409) { failed(error); return; }
    // Not overwritten: the other moderator's regions replace the unsaved ones, to be checked afresh.
    const current = error.data && error.data.current;
    (current ? Promise.resolve(current) : load(state.photo)).then((data) => {
      show(data);
      say(CHANGED, "error");
    }, failed);
  });
}

// Drawing: a drag on the overlay, in fractions of the photo.
function setupDrawing() {
  let start = null, ghost = null;
  const frac = (event) => {
    const r = overlay.getBoundingClientRect();
    return [Math.min(Math.max((event.clientX - r.left) / r.width, 0), 1), Math.min(Math.max((event.clientY - r.top) / r.height, 0), 1), r];
  };
  overlay.addEventListener("pointerdown", (event) => {
    event.stopPropagation();
    if (state.whole) return;
    overlay.setPointerCapture(event.pointerId);
    start = frac(event);
    ghost = document.createElement("div");
    ghost.className = "blur-box drawing";
    overlay.appendChild(ghost);
  });
  overlay.addEventListener("pointermove", (event) => {
    event.stopPropagation();
    if (!start) return;
    const [x, y] = frac(event);
    Object.assign(ghost.style, {
      left: Math.min(x, start[0]) * 100 + "%", top: Math.min(y, start[1]) * 100 + "%",
      width: Math.abs(x - start[0]) * 100 + "%", height: Math.abs(y - start[1]) * 100 + "%",
    });
  });
  const finish = (event) => {
    event.stopPropagation();
    if (!start) return;
    const [x, y, r] = frac(event);
    const [x0, y0] = start;
    start = null;
    ghost.remove();
    if (Math.abs(x - x0) * r.width < MIN_PX || Math.abs(y - y0) * r.height < MIN_PX) return;
    state.boxes.push({ x1: Math.min(x, x0), y1: Math.min(y, y0), x2: Math.max(x, x0), y2: Math.max(y, y0), score: 1, source: "moderator" });
    changed();
  };
  overlay.addEventListener("pointerup", finish);
  overlay.addEventListener("pointercancel", finish);
  overlay.addEventListener("click", (event) => { event.stopPropagation(); }); // no zoom on a click here
}

function makeBar() {
  bar = document.createElement("span");
  bar.className = "blur-bar";
  bar.hidden = true;
  bar.innerHTML = '<span data-blur-count></span> <label><input type="checkbox" name="whole"> whole photo</label> ' +
    '<button type="button" data-blur-save class="go">Save blur</button> <button type="button" data-blur-cancel>Cancel</button>';
  bar.querySelector("input[name=whole]").addEventListener("change", (event) => { state.whole = event.target.checked; changed(); });
  bar.querySelector("[data-blur-save]").addEventListener("click", save);
  bar.querySelector("[data-blur-cancel]").addEventListener("click", () => { close(); say("Blur unchanged."); });
  return bar;
}

// Approving (button or key) waits while the moderator has an unsaved blur.
function guardDecisions() {
  const blocked = (event) => {
    if (!state.dirty) return false;
    event.preventDefault();
    event.stopImmediatePropagation();
    say(UNSAVED, "error");
    return true;
  };
  window.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button[data-action=approve], button[data-action=merge]");
    if (button) blocked(event);
  }, true);
  window.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, select, textarea");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (state.open && event.key === "Escape") { event.stopImmediatePropagation(); close(); say("Blur unchanged."); return; }
    if ("am".includes(event.key)) blocked(event);
  }, true);
}

/** Attach the tool to the main photo viewer (photo.js), and look for faces in every photo now. */
export function setupBlur(mainViewer) {
  const button = document.querySelector("button[data-blur]");
  if (!mainViewer || !button) return;
  viewer = mainViewer;
  overlay = document.createElement("div");
  overlay.className = "blur-overlay";
  overlay.hidden = true;
  viewer.box.appendChild(overlay);
  button.after(makeBar());
  setupDrawing();
  guardDecisions();
  viewer.box.addEventListener("viewchange", place);
  window.addEventListener("resize", place);
  button.addEventListener("click", () => { if (state.open) { if (!state.dirty) close(); } else open(); });
  // Detection runs when review first needs a photo: now, one photo after another, so the server's
  // answer is ready by the time the moderator approves.
  const photos = [...new Set([...document.querySelectorAll("[data-photo]")].map((el) => el.dataset.photo))];
  photos.reduce((chain, photo) => chain.then(() => load(photo).then(status, () => {})), Promise.resolve());
}

/** The main viewer switched photos: an open tool closes (unless unsaved, which keeps the photo). */
export function photoChanged() {
  if (state.open && !state.dirty) close();
  const data = known.get(currentPhoto());
  if (data) status(data);
}

export function blurUnsaved() {
  return state.dirty;
}
