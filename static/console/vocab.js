// The server's vocabularies (survey/vocab.py) as the page embeds them in <meta name="vocab">: no copies here.
const served = JSON.parse(document.querySelector('meta[name="vocab"]').content);

/** The values of one vocabulary, e.g. values("open_sighting_status"). */
export function values(name) {
  return served[name].map((term) => term.value);
}

/** The human label of a value; an unknown value as it is. */
export function label(name, value) {
  return served[name].find((term) => term.value === value)?.label ?? value;
}
