// The photo viewer: click or z zooms to full size; a thumbnail shows that photo.
const zoombox = document.getElementById("zoombox");

export function toggleZoom() {
  if (zoombox) zoombox.classList.toggle("zoomed");
}

export function setupPhoto() {
  if (zoombox) zoombox.addEventListener("click", toggleZoom);
  document.querySelectorAll("button.thumb").forEach((thumb) => {
    thumb.addEventListener("click", () => { document.getElementById("photo").src = thumb.dataset.src; });
  });
}
