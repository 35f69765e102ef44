// Quick taps: each question is a row of radio "chips", all optional, "unknown" by default.
const CHOICES = {
  maker: [["unknown", "Unknown"], ["Hikvision", "Hikvision"], ["Dahua", "Dahua"], ["Hanwha", "Hanwha"],
    ["Axis", "Axis"], ["Bosch", "Bosch"], ["Avigilon", "Avigilon"], ["Uniview", "Uniview"], ["other", "Other"]],
  type: [["unknown", "Unknown"], ["dome", "Dome"], ["fixed", "Fixed / bullet"], ["panning", "PTZ / panning"],
    ["anpr", "ANPR"]],
  mount: [["unknown", "Unknown"], ["pole", "Pole"], ["wall", "Wall"], ["street_lamp", "Street lamp"],
    ["traffic_signal", "Traffic signal"], ["building", "Building"], ["ceiling", "Ceiling"]],
  operator: [["unknown", "Unknown"], ["council", "Council"], ["police", "Police"], ["transport", "Transport"],
    ["private", "Private"]],
  signage: [["unknown", "Not checked"], ["same_structure", "On the same structure"], ["within_50m", "Within 50 m"],
    ["further", "Further away"], ["none", "None seen"]],
};
// The page's camera types as the API's OSM-aligned pair (camera:type, surveillance:type).
const TYPES = {
  dome: ["dome", "camera"], fixed: ["fixed", "camera"], panning: ["panning", "camera"], anpr: ["fixed", "ALPR"],
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
      const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: text, className: "chip" });
      row.append(input, label);
    }
    fieldset.append(row);
  }
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
