// Quick taps: each question is a row of radio "chips", all optional, "unknown" by default.
// The chips are the server's vocabularies; "unknown" is the page's own "no answer", which is never sent.
import { label, terms, values } from "./vocab.js";

const chips = (name) => terms(name).filter(([value]) => value !== "unknown");
const CHOICES = {
  maker: [["unknown", "Unknown"], ...chips("manufacturer"), ["other", "Other"]],
  type: [["unknown", "Unknown"], ...chips("camera_type"), ["anpr", label("surveillance_type", "ALPR")]],
  mount: [["unknown", "Unknown"], ...chips("mount")],
  operator: [["unknown", "Unknown"], ...chips("operator_suggestion")],
  signage: [["unknown", "Not checked"], ...chips("signage")],
};
// The page's camera types as the API's OSM-aligned pair (camera:type, surveillance:type); ANPR is its one
// composite answer: a fixed camera that reads number plates.
const TYPES = {
  ...Object.fromEntries(values("camera_type").map((type) => [type, [type, "camera"]])), anpr: ["fixed", "ALPR"],
};
const LAST_KEY = "cctv-last-answers";

/** Build the chip rows inside each <fieldset data-name>. */
export function renderChoices(form) {
  for (const fieldset of form.querySelectorAll("fieldset[data-name]")) {
    const name = fieldset.dataset.name;
    const row = document.createElement("div");
    row.className = "chip-row";
    for (const [value, text] of CHOICES[name]) {
      const id = `${name}-${value}`;
      const input = Object.assign(document.createElement("input"), { type: "radio", name, value, id });
      // "Unknown" is the default and takes no room: tapping the chosen chip again goes back to it.
      const className = value === "unknown" ? "chip chip-unknown" : "chip";
      const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: text, className });
      if (value !== "unknown") label.addEventListener("click", (event) => untick(event, input, form, name));
      row.append(input, label);
    }
    fieldset.append(row);
  }
}

function untick(event, input, form, name) {
  if (!input.checked) return;
  event.preventDefault();
  form.elements[name].value = "unknown";
  form.dispatchEvent(new Event("change"));
}

export function readAnswers(form) {
  const answers = { notes: form.elements.notes.value.trim(), maker_other: form.elements.maker_other.value.trim() };
  for (const name of Object.keys(CHOICES)) answers[name] = form.elements[name].value || "unknown";
  return answers;
}

export function writeAnswers(form, answers = {}) {
  for (const name of Object.keys(CHOICES)) form.elements[name].value = answers[name] || "unknown";
  form.elements.maker_other.value = answers.maker_other || "";
  form.elements.notes.value = answers.notes || "";
}

/** The API's form fields for these answers; "unknown" is left out rather than sent. */
export function apiFields(answers) {
  const fields = {};
  const maker = answers.maker === "other" ? answers.maker_other : answers.maker;
  if (maker && maker !== "unknown") fields.manufacturer = maker;
  if (TYPES[answers.type]) [fields.camera_type, fields.surveillance_type] = TYPES[answers.type];
  for (const name of ["mount", "operator", "signage"]) {
    if (answers[name] && answers[name] !== "unknown") fields[name] = answers[name];
  }
  if (answers.notes) fields.notes = answers.notes;
  return fields;
}

export function describe(answers) {
  const parts = Object.keys(CHOICES)
    .filter((name) => answers[name] && answers[name] !== "unknown")
    .map((name) => (name === "maker" && answers.maker === "other" ? answers.maker_other || "Other"
      : CHOICES[name].find(([value]) => value === answers[name])[1]));
  return parts.join(" · ");
}

/** The answers to offer again for the next camera (notes are about one camera, so they stay behind). */
export function rememberAnswers(answers) {
  const { notes, ...kept } = answers;
  localStorage.setItem(LAST_KEY, JSON.stringify(kept));
}

export function lastAnswers() {
  try { return JSON.parse(localStorage.getItem(LAST_KEY)); } catch { return null; }
}
