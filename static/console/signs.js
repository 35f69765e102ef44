// A sign report on show: what the sign says (corrected here, carried into the approval), the known signs
// nearby to merge it into (numbers pick one), and the nearby cameras it may be fixed to.
import { send } from "./api.js";
import { positionChange } from "./form.js";
import { failed, say } from "./message.js";
import { goOn } from "./queue.js";
import { api, item } from "./sighting.js";

const form = document.getElementById("attributes");
const CONTACT = { "": null, yes: true, no: false };
let picked = null; // the sign to merge into

function getJson(url) {
  return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((response) => {
    if (response.ok) return response.json();
    return response.json().catch(() => null).then((data) => {
      throw Object.assign(new Error((data && data.message) || response.statusText), { status: response.status, data });
    });
  });
}

export function isSign() {
  return Boolean(item && item.kind === "sign");
}

function el(tag, attributes, ...children) {
  const node = Object.assign(document.createElement(tag), attributes || {});
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function field(labelText, input) {
  return el("label", { className: "sign-field" }, labelText + " ", input);
}

/** The sign's own fields in the attribute form, in place of a camera's. */
function drawFields() {
  form.querySelectorAll("label").forEach((label) => {
    const input = label.querySelector("input, select");
    if (input && !["operator", "lat", "lon"].includes(input.name)) label.hidden = true;
  });
  form.querySelector("h2").textContent = "What the sign says";
  const contact = el("select", { name: "sign_has_contact" },
    el("option", { value: "", textContent: "not known" }), el("option", { value: "yes", textContent: "yes" }),
    el("option", { value: "no", textContent: "no" }));
  contact.value = item.sign_has_contact === true ? "yes" : item.sign_has_contact === false ? "no" : "";
  const purpose = el("input", { name: "sign_purpose", maxLength: 200, value: item.sign_purpose || "" });
  const camera = el("input", { name: "sign_camera_id", type: "number", min: 1, step: 1, value: item.sign_camera_id ?? "" });
  const operator = form.elements.operator.closest("label");
  operator.firstChild.textContent = "operator named ";
  operator.after(field("purpose stated", purpose), field("gives a contact", contact), field("fixed to camera #", camera));
  const save = form.querySelector('button[data-action="save"]');
  save.hidden = true; // a sign report's corrections go with its approval
  save.after(el("p", { className: "hint", textContent: "Corrections here go with the approval (a or m)." }));
}

/** What the moderator changed in the sign's fields, as approve-sign takes it. */
export function signCorrections() {
  const out = {};
  const text = (name) => form.elements[name].value.trim() || null;
  if (text("operator") !== (item.attributes.operator || null)) out.operator = text("operator");
  if (text("sign_purpose") !== (item.sign_purpose || null)) out.purpose = text("sign_purpose");
  const contact = CONTACT[form.elements.sign_has_contact.value];
  if (contact !== (item.sign_has_contact ?? null)) out.has_contact = contact;
  const camera = form.elements.sign_camera_id.value ? Number(form.elements.sign_camera_id.value) : null;
  if (camera !== (item.sign_camera_id ?? null)) out.camera_id = camera;
  return out;
}

function decided(result, verb) {
  say(verb + " sign #" + result.sign.id + "." + (result.cameras_changed.length
    ? " Signage re-measured for camera" + (result.cameras_changed.length > 1 ? "s " : " ") + result.cameras_changed.map((id) => "#" + id).join(", ") + "."
    : ""), "ok");
  goOn();
}

/** Approve the report as a new sign, with the corrections. */
export function approveSign() {
  const body = Object.assign({ version: item.version }, signCorrections(), positionChange());
  say("Approving…");
  send("POST", api("/approve-sign"), body).then((result) => { decided(result, "Approved as"); }, failed);
}

/** Merge the report into the picked known sign: one more confirmation of it. */
export function mergeSign() {
  if (picked === null) { say("Pick a sign first: click it or press its number.", "error"); return; }
  const body = Object.assign({ version: item.version, sign_id: picked }, signCorrections());
  say("Merging…");
  send("POST", api("/approve-sign"), body).then((result) => { decided(result, "Merged into"); }, failed);
}

/** Pick the known sign number `index` (0-based) to merge into. */
export function selectSign(index) {
  const radios = document.querySelectorAll('#sign-candidates input[name="sign-candidate"]');
  if (!radios[index]) return;
  radios[index].checked = true;
  picked = Number(radios[index].value);
  say("Sign #" + picked + " selected: press m to merge.");
}

/** Fix the sign to a nearby camera (its row in the camera list, or its pin on the map). */
export function fixToCamera(cameraId) {
  form.elements.sign_camera_id.value = String(cameraId);
  say("Fixed to camera #" + cameraId + ": approving keeps it.");
}

function candidateRow(sign, index) {
  const radio = el("input", { type: "radio", name: "sign-candidate", value: String(sign.id) });
  radio.addEventListener("change", () => { selectSign(index); });
  const photo = sign.photo_id === null ? el("span", { className: "nophoto" })
    : el("img", { src: "/api/v1/moderation/photos/" + sign.photo_id + "/thumb", alt: "Sign #" + sign.id + "'s photo" });
  const said = [sign.operator || "no operator named", sign.purpose, sign.has_contact === true ? "gives a contact"
    : sign.has_contact === false ? "no contact" : null, sign.camera_id ? "on camera #" + sign.camera_id : null];
  return el("li", {}, el("label", {}, radio, photo, el("span", { className: "about" },
    el("kbd", { textContent: String(index + 1) }), " ", el("b", { textContent: "sign #" + sign.id }), " ",
    el("span", { className: "reasons", textContent: said.filter(Boolean).join(" · ") }), " ",
    el("span", { className: "attrs", textContent: sign.distance_m + " m, " + sign.sightings_count + " sightings, last " + (sign.last_confirmed || "?") }))));
}

/** The known signs within 50 m, nearest first, from the review API. */
function drawCandidates(box) {
  const list = el("ol", { id: "sign-candidates" });
  const none = el("p", { id: "sign-candidates-none", textContent: "Looking for known signs nearby…" });
  box.prepend(el("h2", { textContent: "Signs nearby, nearest first" }), list, none);
  getJson(api("/sign-candidates")).then((signs) => {
    signs.forEach((sign, index) => {
      const row = candidateRow(sign, index);
      row.dataset.sign = String(sign.id);
      list.append(row);
    });
    none.textContent = signs.length ? "" : "None within 50 m: approve as a new sign.";
    none.hidden = signs.length > 0;
    const merge = document.querySelector('#actions button[data-action="merge"]');
    if (merge) { merge.disabled = !signs.length; merge.firstChild.textContent = "Merge into selected sign "; }
  }, failed);
}

/** The nearby cameras become what the sign may be fixed to; their number keys pick signs instead. */
function cameraList(box) {
  const cameras = box.querySelector("#candidates");
  const heading = box.querySelector("h2");
  if (heading) heading.textContent = "Cameras nearby: click one to fix the sign to it";
  if (!cameras) return;
  cameras.id = "sign-cameras";
  cameras.querySelectorAll('input[name="candidate"]').forEach((radio) => {
    radio.name = "fixed-camera";
    radio.addEventListener("change", () => { fixToCamera(Number(radio.value)); });
  });
  cameras.querySelectorAll("kbd").forEach((key) => { key.remove(); });
}

/** Turn the camera report's page into a sign report's, before the camera pickers are wired. */
export function setupSign() {
  if (!isSign() || !form) return;
  document.getElementById("detail").classList.add("sign-report");
  document.querySelector("#detail h1").firstChild.textContent = "Sign report #" + item.id + " ";
  drawFields();
  const box = document.querySelector(".candidates");
  cameraList(box);
  drawCandidates(box);
  const hint = document.querySelector("#actions .hint");
  hint?.childNodes.forEach((node) => {
    if (node.nodeType === Node.TEXT_NODE) node.textContent = node.textContent.replace("pick a camera", "pick a sign");
  });
  const approve = document.querySelector('#actions button[data-action="approve"]');
  if (approve) approve.firstChild.textContent = "Approve as new sign ";
}
