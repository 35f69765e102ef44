"""Compose the capture page's screenshots (from the Playwright run) into one PNG for the README.

.venv/bin/python -m pytest -p no:cacheprovider tests/web/test_capture_page.py
.venv/bin/python tools/contact_sheet.py
"""

import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "artifacts"
OUT = ROOT / "docs" / "screenshots" / "capture-contact-sheet.png"
COLUMNS, SCALE, CAPTION_H, GAP = 6, 0.5, 34, 8


def caption(path: Path) -> tuple[int, str]:
    """'capture-4-nearby-camera.png' -> (4, '4. nearby camera')."""
    number, words = re.match(r"capture-(\d+)-(.+)\.png", path.name).groups()
    return int(number), f"{number}. {words.replace('-', ' ')}"


def font(size: int):
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def sheet(paths: list[Path]) -> Image.Image:
    shots = sorted((caption(p), p) for p in paths)
    width, height = int(360 * SCALE), int(640 * SCALE)
    rows = -(-len(shots) // COLUMNS)
    image = Image.new("RGB", (COLUMNS * (width + GAP) + GAP, rows * (height + CAPTION_H + GAP) + GAP), "white")
    draw, text_font = ImageDraw.Draw(image), font(13)
    for i, ((_, text), path) in enumerate(shots):
        x = GAP + (i % COLUMNS) * (width + GAP)
        y = GAP + (i // COLUMNS) * (height + CAPTION_H + GAP)
        with Image.open(path) as shot:
            image.paste(shot.convert("RGB").resize((width, height), Image.LANCZOS), (x, y + CAPTION_H))
        draw.rectangle((x - 1, y + CAPTION_H - 1, x + width, y + CAPTION_H + height), outline=(160, 160, 160))
        draw.text((x, y + 8), text, fill=(17, 17, 17), font=text_font)
    return image


if __name__ == "__main__":
    paths = sorted(SHOTS.glob("capture-*.png"))
    if not paths:
        sys.exit(f"no screenshots in {SHOTS}: run tests/web/test_capture_page.py first")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    sheet(paths).quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(OUT, optimize=True)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size // 1024} KB from {len(paths)} screenshots")
