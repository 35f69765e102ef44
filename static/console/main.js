// The moderator console: keyboard-first review. Volunteer text is only ever set with textContent.
import { bulk, setupBulk } from "./bulk.js";
import { setupCandidates } from "./candidates.js";
import { approve, closePanels, merge, openInfo, openReject, reopen, setupDecisions } from "./decisions.js";
import { setupForm } from "./form.js";
import { setupKeys } from "./keys.js";
import { setupMap } from "./map.js";
import { setupPhoto } from "./photo.js";
import { goOn } from "./queue.js";
import { setupSign } from "./signs.js";

// The buttons' data-action names; submit buttons belong to their forms.
const CLICKS = {
  approve: approve, merge: merge, reject: openReject, info: openInfo, close: closePanels, reopen: reopen, next: goOn,
  "bulk-approve": () => { bulk("approve"); }, "bulk-reject": () => { bulk("reject"); },
};

function onClick(event) {
  const button = event.target.closest("button[data-action]");
  if (!button || button.type === "submit") return;
  if (CLICKS[button.dataset.action]) CLICKS[button.dataset.action]();
}

setupBulk();
setupKeys();
document.addEventListener("click", onClick);
setupForm();
setupDecisions();
setupSign(); // before the camera pickers: a sign report's cameras are what it may be fixed to
setupCandidates();
setupPhoto();
setupMap();
