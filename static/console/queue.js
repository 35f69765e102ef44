// Moving along the queue: the next or previous sighting, and on past one just decided.
import { item } from "./sighting.js";

const queueLinks = Array.from(document.querySelectorAll("#queue a[data-id]"));

function currentIndex() {
  if (!item) return -1;
  return queueLinks.findIndex((link) => Number(link.dataset.id) === item.id);
}

export function go(step) {
  const target = queueLinks[currentIndex() + step];
  if (target) window.location.assign(target.href);
}

export function goOn() {
  // The decided sighting leaves the queue: show the one after it, else the queue afresh.
  const i = currentIndex();
  const target = queueLinks[i + 1] || queueLinks[i - 1];
  if (target && i >= 0) { window.location.assign(target.href); return; }
  const params = new URLSearchParams(location.search);
  params.delete("id");
  params.delete("cursor");
  window.location.assign(location.pathname + "?" + params.toString());
}
