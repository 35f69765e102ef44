"""survey.photos.images' decode budget: the memory a decode takes is known from headers, and bounded."""

import io
from functools import lru_cache

import pillow_heif
import pytest
from PIL import Image

from survey.photos.images import OverBudget, check_budget, decode_cost, make_public_copies
from tests.factories import count_decodes, photo

BOMB = (8944, 6706)  # 59.98 MP: under the 60 MP pixel limit


@lru_cache
def rgba_bomb() -> bytes:
    """The hostile afternoon's file: 240 MB of flat RGBA pixels in about 233 KB of PNG."""
    out = io.BytesIO()
    Image.new("RGBA", BOMB, (10, 200, 30, 128)).save(out, "PNG", compress_level=9)
    return out.getvalue()


def encoded(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "HEIF":
        pillow_heif.from_pillow(image).save(out, quality=50)
    else:
        image.save(out, fmt)
    return out.getvalue()


def test_the_rgba_bomb_costs_more_than_its_pixels_and_is_refused_before_decoding(monkeypatch):
    data = rgba_bomb()
    assert len(data) < 300_000
    cost = decode_cost(data)
    # 4 bytes a pixel held, and as much again for the premultiplied copy Image.reduce makes.
    assert cost == BOMB[0] * BOMB[1] * 8
    decodes = count_decodes(monkeypatch)
    with pytest.raises(OverBudget) as refused:
        make_public_copies(data, max_decode_bytes=256 * 2**20)
    assert refused.value.status == 413 and refused.value.code_name == "image_over_budget"
    assert "458 MB of memory; the limit is 256 MB" in str(refused.value)
    assert decodes == []


def test_a_jpeg_costs_what_libjpeg_decodes_after_dct_scaling():
    # 8000 px halves twice and still fills a 2048 px display: decoded at 2000x1500.
    data = photo(size=(8000, 6000))
    assert decode_cost(data) == 2000 * 1500 * 4
    assert decode_cost(photo(size=(1600, 1200))) == 1600 * 1200 * 4


@pytest.mark.parametrize(
    "mode,fmt,per_pixel",
    [("RGB", "PNG", 4), ("L", "PNG", 1), ("P", "PNG", 5), ("I;16", "PNG", 6), ("RGB", "WEBP", 16), ("RGB", "HEIF", 8)],
)
def test_cost_per_pixel_follows_mode_and_codec(mode, fmt, per_pixel):
    data = encoded(Image.new(mode, (300, 200)), fmt)
    assert decode_cost(data) == 300 * 200 * per_pixel


def test_within_budget_a_big_rgba_png_is_reduced_before_it_is_flattened(monkeypatch):
    image = Image.new("RGBA", (6000, 400), (0, 0, 255, 255))
    image.paste((0, 0, 0, 0), (0, 0, 3000, 400))  # the left half transparent
    data = encoded(image, "PNG")
    copies = make_public_copies(data, max_decode_bytes=decode_cost(data))
    display = Image.open(io.BytesIO(copies.display))
    assert display.size == (2048, 137) and (copies.width, copies.height) == (6000, 400)
    assert display.getpixel((100, 60)) == pytest.approx((255, 255, 255), abs=3)  # flattened onto white
    assert display.getpixel((1900, 60)) == pytest.approx((0, 0, 255), abs=12)


@pytest.mark.parametrize("mode", ["P", "I;16", "1"])
def test_modes_reduce_cannot_take_are_converted_first(mode):
    image = Image.new(mode, (5000, 300))
    if mode == "P":
        image.putpalette([level for level in range(256) for _ in range(3)])
    image.paste(1 if mode == "1" else 200 if mode == "P" else 40000, (2500, 0, 5000, 300))
    copies = make_public_copies(encoded(image, "PNG" if mode != "1" else "TIFF"))
    display = Image.open(io.BytesIO(copies.display)).convert("L")
    assert display.width == 2048
    assert display.getpixel((100, 50)) != display.getpixel((1900, 50))


def test_check_budget_allows_up_to_the_budget():
    check_budget(100, 100)
    with pytest.raises(OverBudget):
        check_budget(101, 100)
