// The cameras near the sighting: picking one (its number, its radio or its map pin) to merge into.
import { say } from "./message.js";

let selected = null;

/** The id of the picked camera, or null. */
export function selectedCamera() {
  return selected;
}

export function selectCandidate(index) {
  const radios = document.querySelectorAll('#candidates input[name="candidate"]');
  if (!radios[index]) return;
  radios[index].checked = true;
  selected = Number(radios[index].value);
  say("Camera #" + selected + " selected: press m to merge.");
}

export function setupCandidates() {
  document.querySelectorAll('#candidates input[name="candidate"]').forEach((radio, index) => {
    radio.addEventListener("change", () => { selectCandidate(index); });
  });
}
