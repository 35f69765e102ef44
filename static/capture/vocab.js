// The server's vocabularies (survey/vocab.py), embedded in the cached shell's <meta name="vocab">, so
// they work offline too. The page keeps no copy of them.
const served = JSON.parse(document.querySelector('meta[name="vocab"]').content);

/** One vocabulary as [value, label] pairs, in the server's order. */
export function terms(name) {
  return served[name].map((term) => [term.value, term.label]);
}

export function values(name) {
  return served[name].map((term) => term.value);
}

/** The human label of a value; an unknown value as it is. */
export function label(name, value) {
  return served[name].find((term) => term.value === value)?.label ?? value;
}
