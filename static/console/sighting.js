// The sighting on show, as the page embeds it (null when nothing matches), and its moderation address.
const dataEl = document.getElementById("item-data");

export const item = dataEl ? JSON.parse(dataEl.textContent) : null;

export function api(suffix) {
  return "/api/v1/moderation/sightings/" + item.id + suffix;
}
