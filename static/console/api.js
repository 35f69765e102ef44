// Talking to the moderation API: JSON both ways, with the session's CSRF token.
const csrf = document.querySelector('meta[name="csrf-token"]').content;

/** Send `body` as JSON; resolve with the answer, or reject with an Error that carries status and data. */
export function send(method, url, body) {
  return fetch(url, {
    method: method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
    body: JSON.stringify(body || {}),
  }).then((response) => response.json().catch(() => null).then((data) => {
    if (!response.ok) {
      const error = new Error((data && data.message) || response.statusText);
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  }));
}
