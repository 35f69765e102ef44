"""Take the capture page's manifest screenshots (static/capture/screenshots/) with Playwright and chromium.

Run after a visible change to the page: `.venv/bin/python tools/manifest_screenshots.py`. Browsers show
them in the install dialog; manifest.webmanifest names each with its size, and
tests/web/capture/test_manifest_images.py checks that every declared size is the file's.

The app runs in-process on a scratch SQLite database; map tiles are drawn here, so nothing is fetched
from a tile server. CHROME_PATH picks the browser (default: Debian's /usr/bin/chromium).
"""

import io
import os
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from survey import create_app  # noqa: E402
from survey.web.security import tile_origin  # noqa: E402

OUT = ROOT / "static" / "capture" / "screenshots"
PHOTO = ROOT.parent / "shared" / "photos" / "nikon-d750-no-gps.jpg"
LONDON = {"latitude": 51.5033, "longitude": -0.1196, "accuracy": 6}
NARROW = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
WIDE = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}


def tile() -> bytes:
    """A plain map-like tile: streets on a pale ground."""
    image = Image.new("RGB", (256, 256), (242, 239, 233))
    draw = ImageDraw.Draw(image)
    draw.line((0, 96, 256, 110), fill=(255, 255, 255), width=14)
    draw.line((150, 0, 130, 256), fill=(255, 255, 255), width=10)
    draw.rectangle((20, 130, 110, 230), fill=(222, 218, 210))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def photo() -> dict:
    """A corpus photo if the corpus is there, else a drawn one."""
    if PHOTO.is_file():
        return {"name": PHOTO.name, "mimeType": "image/jpeg", "buffer": PHOTO.read_bytes()}
    image = Image.new("RGB", (640, 480), (150, 160, 170))
    ImageDraw.Draw(image).rectangle((260, 180, 400, 260), fill=(240, 240, 240))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return {"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def serve(workdir: Path):
    from flask_migrate import upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'shots.db'}",
            "DATA_DIR": str(workdir / "photos"),
            "SECRET_KEY": "screenshots",
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "BASEMAP_PMTILES": "",
        }
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


def save(page, name: str) -> None:
    image = Image.open(io.BytesIO(page.screenshot()))
    image.save(OUT / name, optimize=True)
    print(f"{OUT / name}: {image.width}x{image.height}")


def details(page, url: str) -> None:
    """The details screen of a fresh sighting: a photo, the pin and its view cone, a few taps."""
    page.set_input_files("#camera-input", photo())
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    page.locator("#photo-strip img").first.evaluate("(img) => img.decode().catch(() => null)")
    page.locator("#heading-input").fill("60")
    for group, value in (("maker", "Hikvision"), ("type", "dome"), ("mount", "wall")):
        page.click(f"label[for='{group}-{value}']")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(400)  # the map's fade-in


def shoot(browser, app, url: str) -> None:
    tiles = f"{tile_origin(app.config['TILE_URL'])}/**"
    body = tile()
    fulfil = lambda route: route.fulfill(body=body, content_type="image/png")  # noqa: E731

    for name, device in (("narrow", NARROW), ("wide", WIDE)):
        context = browser.new_context(**device, permissions=["geolocation"], geolocation=LONDON)
        context.route(tiles, fulfil)
        page = context.new_page()
        page.goto(url + "/")
        expect(page.locator("#fix-text")).to_have_text("Position ±6 m", timeout=15_000)
        if name == "narrow":
            save(page, "narrow-capture.png")
        details(page, url)
        save(page, f"{name}-details.png")
        context.close()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        app, server, url = serve(Path(workdir))
        with sync_playwright() as playwright:
            chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
            browser = playwright.chromium.launch(executable_path=chrome, args=["--no-sandbox", "--disable-gpu"])
            try:
                shoot(browser, app, url)
            finally:
                browser.close()
                server.shutdown()


if __name__ == "__main__":
    main()
