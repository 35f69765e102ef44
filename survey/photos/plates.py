"""Find number plates in a public copy. Pure: a Pillow image in, boxes out.

The only plate detector that ships inside a registry package (nothing downloaded at run time) is
OpenCV's Haar cascade haarcascade_russian_plate_number.xml, in opencv-python-headless 4.x's cv2/data
(the headless build needs no libGL; OpenCV 5 wheels no longer ship the cascades). The ALPR packages
(fast-alpr, open-image-models, hyperlpr3, egoblur) fetch their models on first use, so do not qualify.

What it finds: a plate seen roughly head-on, level, at least ~60 px wide on the 1024 px copy, dark
characters on a light (white or yellow) ground; the box covers the whole plate. What it misses: plates
seen at an angle or tilted, small or distant ones, dirty or partly hidden ones, and plates whose
lettering differs much from the Russian ones it was trained on. Moderators check vehicles by eye.
"""

from __future__ import annotations

import importlib.resources
import threading

import numpy as np
from PIL import Image

from survey.photos.blur import Box

CASCADE_FILE = "haarcascade_russian_plate_number.xml"
# minNeighbors: how many overlapping windows must agree. 5 found every rendered plate in the tests and
# nothing on the photo corpus; 3 fired twice on it (bench/blur.py measures both).
DEFAULT_NEIGHBOURS = 5
DETECT_PX = 1024
_MIN_SIZE = (36, 12)  # pixels of the 1024 px copy: smaller plates cannot be told from texture
# A plate wider than this share of the photo is not in a photo of a camera on a pole; the one false
# box on the corpus was a half-width patch of railings.
_MAX_WIDTH = 0.35

_cascade = None
_lock = threading.Lock()


def model_name() -> str:
    import cv2

    return f"haar russian_plate_number (opencv {cv2.__version__})"


def _get_cascade():
    """One classifier per process, read from the installed wheel's data folder."""
    global _cascade
    if _cascade is None:
        with _lock:
            if _cascade is None:
                import cv2  # only processes that detect pay for importing it

                path = importlib.resources.files("cv2").joinpath("data", CASCADE_FILE)
                classifier = cv2.CascadeClassifier(str(path))
                if classifier.empty():
                    raise RuntimeError(f"{CASCADE_FILE} is not in the installed opencv-python-headless")
                _cascade = classifier
    return _cascade


def detect_plates(image: Image.Image, neighbours: int = DEFAULT_NEIGHBOURS, max_side: int = DETECT_PX) -> list[Box]:
    """Plates in ``image``, detected on a grey copy at most ``max_side`` px long, as fractions of it."""
    grey = image.convert("L")
    factor = min(1.0, max_side / max(grey.size))
    if factor < 1.0:
        grey = grey.resize((max(1, round(grey.width * factor)), max(1, round(grey.height * factor))))
    pixels = np.asarray(grey)
    largest = (round(grey.width * _MAX_WIDTH), round(grey.width * _MAX_WIDTH / 2))
    found = _get_cascade().detectMultiScale(
        pixels, scaleFactor=1.1, minNeighbors=neighbours, minSize=_MIN_SIZE, maxSize=largest
    )
    w, h = grey.size
    boxes = np.asarray(found, dtype=float).reshape(-1, 4).tolist()
    return [Box(x / w, y / h, (x + bw) / w, (y + bh) / h, 1.0, "plate") for x, y, bw, bh in boxes]
