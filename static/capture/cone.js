// The photo direction drawn on the pin map: a view cone from the pin towards the heading, with a round
// handle at its tip that the volunteer drags round the pin (touch or mouse). The slider below the map
// stays as the keyboard's way and follows the cone; the heading stored is the one the cone shows.
const SVG = "http://www.w3.org/2000/svg";
const HALF_ANGLE = 30; // a phone camera sees about 60° across
const RADIUS_PX = 58; // the handle's centre from the pin; shorter where the map's edge is nearer
const MIN_RADIUS_PX = 34;
const HANDLE_PX = 44; // a thumb's target
export const STEP = 5; // degrees, as the slider's step: the cone, slider and stored value agree

/** The heading (degrees from north, clockwise, in STEP steps) of screen offset (dx, dy) from the pin. */
export function headingOf(dx, dy) {
  const degrees = (Math.atan2(dx, -dy) * 180) / Math.PI;
  return (Math.round(((degrees + 360) % 360) / STEP) * STEP) % 360;
}

/** Is something else on top of the handle's centre (a control, the photo)? Off screen or hidden: no. */
function covered(handle) {
  if (!handle.offsetParent) return false;
  const box = handle.getBoundingClientRect();
  const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
  if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
  const top = document.elementFromPoint(x, y);
  return top !== null && top !== handle && !handle.contains(top);
}

function point(degrees, radius) {
  const rad = (degrees * Math.PI) / 180;
  return [Math.sin(rad) * radius, -Math.cos(rad) * radius];
}

function wedgePath(heading, radius) {
  const [x1, y1] = point(heading - HALF_ANGLE, radius);
  const [x2, y2] = point(heading + HALF_ANGLE, radius);
  return `M0 0L${x1.toFixed(1)} ${y1.toFixed(1)}A${radius} ${radius} 0 0 1 ${x2.toFixed(1)} ${y2.toFixed(1)}Z`;
}

// Two panes of the map, so the wedge lies under the pin and the handle above it.
function build(map) {
  const under = map.createPane("cone");
  under.style.zIndex = 550; // above tiles and circles (400), under the pin (600)
  const over = map.createPane("coneHandle");
  over.style.zIndex = 650; // above the pin, under the zoom buttons (800)
  const container = map.getContainer(); // carries the "cone-unset" and "cone-dragging" classes
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "cone-svg");
  svg.setAttribute("aria-hidden", "true");
  const wedge = document.createElementNS(SVG, "path");
  wedge.setAttribute("class", "cone-wedge");
  svg.append(wedge);
  const handle = document.createElement("div");
  handle.className = "cone-handle";
  handle.title = "Drag round the pin to the direction the camera was photographed in";
  handle.setAttribute("aria-hidden", "true"); // the slider below is the accessible control
  under.append(svg);
  over.append(handle);
  return { container, panes: [under, over], svg, wedge, handle };
}

/**
 * A cone on Leaflet `map` at `marker` (a Leaflet marker). `onTurn(degrees, done)` is called while the
 * handle is dragged (done=false) and when it is let go (done=true).
 */
export function createCone(map, marker, onTurn) {
  const L = window.L;
  const parts = build(map);
  let heading = null; // null: no direction yet; the cone is drawn faint at north, ready to drag
  let dragging = false;
  L.DomEvent.disableClickPropagation(parts.handle); // no pin placed, no map dragged
  L.DomEvent.disableScrollPropagation(parts.handle);

  function radius(at, size) {
    const room = Math.min(at.x, at.y, size.x - at.x, size.y - at.y) - HANDLE_PX / 2;
    return Math.max(MIN_RADIUS_PX, Math.min(RADIUS_PX, room));
  }

  function placeHandle(at, degrees, r) {
    const [hx, hy] = point(degrees, r);
    parts.handle.style.transform = `translate(${at.x + hx - HANDLE_PX / 2}px, ${at.y + hy - HANDLE_PX / 2}px)`;
  }

  function draw() {
    const shown = map.hasLayer(marker);
    for (const pane of parts.panes) pane.hidden = !shown;
    if (!shown) return;
    let r = radius(map.latLngToContainerPoint(marker.getLatLng()), map.getSize());
    const at = map.latLngToLayerPoint(marker.getLatLng()); // the panes move with the map
    const degrees = heading ?? 0;
    placeHandle(at, degrees, r);
    // The zoom buttons and the photo on the map's corner lie above the map: pull the handle in from under them.
    while (r > MIN_RADIUS_PX && covered(parts.handle)) placeHandle(at, degrees, (r = Math.max(MIN_RADIUS_PX, r - 6)));
    parts.svg.style.transform = `translate(${at.x}px, ${at.y}px)`;
    parts.wedge.setAttribute("d", wedgePath(degrees, r));
    parts.container.classList.toggle("cone-unset", heading === null);
    parts.handle.dataset.heading = heading === null ? "" : String(heading);
  }

  function turnTo(event, done) {
    const box = map.getContainer().getBoundingClientRect();
    const at = map.latLngToContainerPoint(marker.getLatLng());
    const next = headingOf(event.clientX - box.left - at.x, event.clientY - box.top - at.y);
    if (next !== heading || done) { heading = next; draw(); onTurn(next, done); }
  }

  parts.handle.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    event.stopPropagation();
    dragging = true;
    parts.handle.setPointerCapture(event.pointerId);
    parts.container.classList.add("cone-dragging");
  });
  parts.handle.addEventListener("pointermove", (event) => { if (dragging) turnTo(event, false); });
  const end = (event) => {
    if (!dragging) return;
    dragging = false;
    parts.container.classList.remove("cone-dragging");
    turnTo(event, true);
  };
  parts.handle.addEventListener("pointerup", end);
  parts.handle.addEventListener("pointercancel", end);
  map.on("move zoom viewreset resize", draw);
  marker.on("move add remove", draw);

  return {
    /** Show `degrees` (or null: not set yet); ignored mid-drag, when the finger decides. */
    show(degrees) {
      if (dragging) return;
      heading = degrees === null || degrees === undefined ? null : Math.round(degrees) % 360;
      draw();
    },
    redraw: draw,
  };
}
