"""Draw the capture page's home-screen icons (static/capture/icons/icon-{192,512}.png) with Pillow.

Run once after changing the design: `.venv/bin/python tools/capture_icons.py`.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "capture" / "icons"
BLUE, WHITE, AMBER = (10, 61, 122), (255, 255, 255), (255, 193, 7)


def icon(size: int) -> Image.Image:
    """A wall-mounted camera over a map pin, drawn inside the maskable safe zone (the middle 80%)."""
    scale = 4  # draw large, then shrink, for smooth edges
    s = size * scale
    image = Image.new("RGB", (s, s), BLUE)
    draw = ImageDraw.Draw(image)
    u = s / 100
    body = [(22 * u, 30 * u), (66 * u, 18 * u), (72 * u, 36 * u), (28 * u, 48 * u)]
    draw.polygon(body, fill=WHITE)
    draw.polygon([(66 * u, 18 * u), (78 * u, 16 * u), (82 * u, 30 * u), (72 * u, 36 * u)], fill=WHITE)
    draw.ellipse((74 * u, 21 * u, 80 * u, 27 * u), fill=BLUE)
    draw.rectangle((40 * u, 44 * u, 46 * u, 58 * u), fill=WHITE)
    draw.rectangle((30 * u, 56 * u, 56 * u, 62 * u), fill=WHITE)
    draw.ellipse((38 * u, 64 * u, 62 * u, 84 * u), fill=AMBER)
    draw.polygon([(40 * u, 78 * u), (60 * u, 78 * u), (50 * u, 92 * u)], fill=AMBER)
    draw.ellipse((46 * u, 70 * u, 54 * u, 78 * u), fill=BLUE)
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
        print(OUT / f"icon-{size}.png")
