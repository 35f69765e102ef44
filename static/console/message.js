// The status line under the actions: what the moderator is told, including what went wrong.
const message = document.getElementById("message");

export function say(text, kind) {
  if (!message) return;
  message.textContent = text;
  message.className = "message " + (kind || "");
}

/** Show a refused request with its field errors and the state a 409 points to; a lost session goes to login. */
export function failed(error) {
  if (error.status === 401) { window.location.assign("/console/login?next=" + encodeURIComponent(location.pathname + location.search)); return; }
  const detail = error.data && error.data.errors ? " " + JSON.stringify(error.data.errors) : "";
  const current = error.data && error.data.current ? " Now: " + error.data.current.status + " (reload to see it)." : "";
  say(error.message + detail + current, "error");
}
