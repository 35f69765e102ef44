// The photo viewer: large, zoomed where the moderator clicks, scrolls, pinches or presses z; dragged to
// pan; full screen; the original as sent on request (moderators only: the route checks it). The blur
// tool (blur.js) draws over the main viewer.
import { blurUnsaved, photoChanged, setupBlur } from "./blur.js";
import { say } from "./message.js";

const MAX_SCALE = 8; // times the photo's own pixels: enough to read a maker's name on a small label
const STEP = 1.6;

function viewer(box) {
  const img = box.querySelector("img");
  const state = { s: 1, x: 0, y: 0, fit: 1, last: null, moved: false };

  function apply() {
    img.style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.s})`;
    box.classList.toggle("zoomed", state.s > state.fit * 1.01);
    box.dispatchEvent(new CustomEvent("viewchange"));
  }
  function fit() {
    if (!img.naturalWidth) return;
    const w = box.clientWidth, h = box.clientHeight;
    state.fit = Math.min(w / img.naturalWidth, h / img.naturalHeight);
    state.s = state.fit;
    state.x = (w - img.naturalWidth * state.s) / 2;
    state.y = (h - img.naturalHeight * state.s) / 2;
    apply();
  }
  // Zoom by `factor` keeping the photo's point under (px, py) of the box where it is.
  function zoomAt(factor, px, py) {
    const s = Math.min(Math.max(state.s * factor, state.fit), MAX_SCALE);
    const k = s / state.s;
    state.x = px - k * (px - state.x);
    state.y = py - k * (py - state.y);
    state.s = s;
    if (s === state.fit) { fit(); return; }
    apply();
  }
  function centre() {
    return state.last || [box.clientWidth / 2, box.clientHeight / 2];
  }
  function local(event) {
    const r = box.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  }
  // z: a close look where the moderator last clicked (else the middle), or back to the whole photo.
  function toggle() {
    if (state.s > state.fit * 1.01) { fit(); return; }
    const [px, py] = centre();
    zoomAt(3, px, py);
    // and bring that point to the middle of the box
    state.x += box.clientWidth / 2 - px;
    state.y += box.clientHeight / 2 - py;
    apply();
  }
  function showSource(src) {
    const before = img.naturalWidth;
    img.addEventListener("load", () => {
      // the same view at the new file's resolution (the original is larger than the display copy)
      if (before && img.naturalWidth && img.naturalWidth !== before && box.classList.contains("zoomed")) {
        const k = before / img.naturalWidth;
        state.s *= k; state.fit = Math.min(box.clientWidth / img.naturalWidth, box.clientHeight / img.naturalHeight);
        apply();
      } else fit();
    }, { once: true });
    img.src = src;
  }

  const pointers = new Map();
  let pinch = null;
  box.addEventListener("pointerdown", (event) => {
    box.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, local(event));
    state.moved = false;
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]) };
    }
  });
  box.addEventListener("pointermove", (event) => {
    if (!pointers.has(event.pointerId)) return;
    const [px, py] = local(event);
    const [ox, oy] = pointers.get(event.pointerId);
    pointers.set(event.pointerId, [px, py]);
    if (pointers.size === 2 && pinch) {
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      zoomAt(d / pinch.d, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      pinch.d = d;
      state.moved = true;
      return;
    }
    if (Math.abs(px - ox) + Math.abs(py - oy) > 0 && state.s > state.fit) {
      state.x += px - ox; state.y += py - oy; state.moved = true;
      apply();
    }
  });
  const release = (event) => { pointers.delete(event.pointerId); if (pointers.size < 2) pinch = null; };
  box.addEventListener("pointerup", release);
  box.addEventListener("pointercancel", release);
  box.addEventListener("click", (event) => {
    if (state.moved) return; // the end of a drag, not a click
    const [px, py] = local(event);
    state.last = [px, py];
    zoomAt(STEP, px, py);
  });
  box.addEventListener("wheel", (event) => {
    event.preventDefault();
    const [px, py] = local(event);
    state.last = [px, py];
    zoomAt(event.deltaY < 0 ? 1.25 : 1 / 1.25, px, py);
  }, { passive: false });
  img.addEventListener("load", () => { if (!box.classList.contains("zoomed")) fit(); });
  window.addEventListener("resize", fit);
  document.addEventListener("fullscreenchange", () => { setTimeout(fit, 50); });
  if (img.complete) fit();

  return {
    box, img, state, fit, toggle, showSource,
    zoom(factor) { const [px, py] = centre(); zoomAt(factor, px, py); },
    full() { return document.fullscreenElement ? document.exitFullscreen() : box.requestFullscreen(); },
  };
}

const mainBox = document.getElementById("viewer");
const main = mainBox && mainBox.querySelector("img") ? viewer(mainBox) : null;
const compareBox = document.getElementById("compare");
const compare = compareBox ? viewer(compareBox) : null;

export function toggleZoom() { if (main) main.toggle(); }
export function zoomIn() { if (main) main.zoom(STEP); }
export function zoomOut() { if (main) main.zoom(1 / STEP); }
export function zoomFit() { if (main) main.fit(); }
export function fullScreen() { if (main) main.full(); }
export function showOriginal() {
  if (main && main.img.dataset.original) main.showSource(main.img.dataset.original);
}

// A candidate's photo beside the sighting's; the same thumbnail again puts it away.
function showCompare(button) {
  const shown = !compareBox.hidden && compareBox.dataset.camera === button.dataset.camera;
  compareBox.hidden = shown;
  document.getElementById("detail").classList.toggle("comparing", !shown);
  if (!shown) {
    compareBox.dataset.camera = button.dataset.camera;
    document.getElementById("compare-label").textContent = "Camera #" + button.dataset.camera;
    compare.showSource(button.dataset.src);
  }
  if (main) setTimeout(main.fit, 0);
}

const ZOOMS = { in: zoomIn, out: zoomOut, fit: zoomFit, original: showOriginal, full: fullScreen };

export function setupPhoto() {
  document.querySelectorAll("button.thumb").forEach((thumb) => {
    thumb.addEventListener("click", () => {
      if (!main) return;
      if (blurUnsaved()) { say("Save or cancel the blur of this photo first.", "error"); return; }
      main.img.dataset.original = thumb.dataset.original;
      main.img.dataset.photo = thumb.dataset.photo;
      main.img.dataset.display = thumb.dataset.src;
      main.showSource(thumb.dataset.src);
      photoChanged();
    });
  });
  document.querySelectorAll("button[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => { ZOOMS[button.dataset.zoom](); });
  });
  document.querySelectorAll("#candidates button.compare").forEach((button) => {
    button.addEventListener("click", (event) => { event.preventDefault(); showCompare(button); });
  });
  setupBlur(main);
}
