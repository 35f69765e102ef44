"""A real face to detect: scikit-image's astronaut.png, read from the installed wheel's files.

scikit-image is installed with --no-deps for its sample images alone (Makefile); it is never
imported, since importing it needs scipy.
"""

import importlib.metadata
import io
from pathlib import Path

import numpy as np
from PIL import Image

# Where CenterFace finds the astronaut's face (pixels of the 512x512 image); see notes/research-blur.
ASTRONAUT_FACE = (182, 58, 270, 178)


def astronaut_path() -> Path:
    for file in importlib.metadata.files("scikit-image") or []:
        if file.name == "astronaut.png":
            return Path(file.locate())
    raise FileNotFoundError("astronaut.png is not in the installed scikit-image")


def astronaut() -> Image.Image:
    with Image.open(astronaut_path()) as image:
        return image.convert("RGB")


def astronaut_jpeg(size: int = 512) -> bytes:
    """The astronaut as a phone might send it: a JPEG with camera make, model and owner in EXIF."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "TestMaker", "TestPhone", "Volunteer Name"
    out = io.BytesIO()
    astronaut().resize((size, size), Image.Resampling.BICUBIC).save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def iou(a, b) -> float:
    inter_w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    inter_h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = inter_w * inter_h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def detail(image: Image.Image, box) -> float:
    """Variance of the Laplacian of ``box`` in grey: high for sharp edges, near zero when smoothed."""
    grey = np.asarray(image.convert("L").crop(box), dtype=np.float64)
    lap = 4 * grey[1:-1, 1:-1] - grey[:-2, 1:-1] - grey[2:, 1:-1] - grey[1:-1, :-2] - grey[1:-1, 2:]
    return float(lap.var())


def scaled(box, factor: float) -> tuple[int, int, int, int]:
    return tuple(round(v * factor) for v in box)
