"""Faces found and blurred past recovery on real pictures; the rest of the picture left alone."""

import io
import json
import subprocess

import numpy as np
from PIL import Image, ImageFilter

from survey.photos import blur
from survey.photos.images import make_public_copies
from tests.conftest import corpus, require_tool
from tests.faces import ASTRONAUT_FACE, astronaut, astronaut_jpeg, detail, iou, scaled
from tests.factories import textured

# After blurring, the face keeps less than this share of its Laplacian variance (sharp: ~1000+).
DETAIL_LEFT = 0.02


def test_the_astronauts_face_is_found_where_it_is():
    boxes = blur.detect_faces(astronaut())
    assert len(boxes) == 1
    (box,) = boxes
    assert iou(box.pixels((512, 512)), ASTRONAUT_FACE) > 0.9
    assert box.score > 0.8


def test_detection_works_at_any_size_not_only_multiples_of_32():
    # The shipped model declares a 32x32 input; the shape rewrite is what lets other sizes through.
    image = astronaut().resize((700, 700))
    (box,) = blur.detect_faces(image, max_side=700)
    assert iou(box.pixels(image.size), scaled(ASTRONAUT_FACE, 700 / 512)) > 0.85


def test_a_picture_without_people_has_no_face():
    # A seeded street-like picture: textured()'s noise layer is unseeded, and CenterFace can score noise.
    picture = textured((1024, 768)).filter(ImageFilter.GaussianBlur(3))
    assert blur.detect_faces(picture) == []


def test_blurred_face_loses_its_detail_and_nothing_else_changes():
    image = astronaut()
    blurred, record = blur.detect_and_blur(image)
    assert record.model == blur.MODEL_NAME and record.threshold == blur.DEFAULT_THRESHOLD
    assert detail(blurred, ASTRONAUT_FACE) < DETAIL_LEFT * detail(image, ASTRONAUT_FACE)
    # Sharpening cannot bring back what pixelation threw away.
    sharpened = blurred.filter(ImageFilter.UnsharpMask(radius=4, percent=300))
    assert detail(sharpened, ASTRONAUT_FACE) < 0.1 * detail(image, ASTRONAUT_FACE)
    left, top, right, bottom = record.boxes[0].pixels(image.size, blur.GROW)
    outside = np.ones((512, 512), bool)
    outside[top:bottom, left:right] = False
    before, after = np.asarray(image), np.asarray(blurred)
    assert (before[outside] == after[outside]).all()
    assert (before[~outside] != after[~outside]).any(axis=-1).mean() > 0.9


def test_the_grown_box_covers_more_than_the_face_and_stays_inside_the_image():
    box = blur.Box(0.9, 0.4, 1.0, 0.6, 0.9)
    assert box.pixels((1000, 500)) == (900, 200, 1000, 300)
    assert box.pixels((1000, 500), grow=1.6) == (870, 170, 1000, 330)


def test_boxes_round_trip_through_the_stored_list():
    box = blur.detect_faces(astronaut())[0]
    stored = json.loads(json.dumps(box.as_list()))
    assert blur.Box.from_list(stored).pixels((512, 512)) == box.pixels((512, 512))


def test_public_copies_blur_display_and_thumbnail_and_carry_no_exif(tmp_path):
    data = astronaut_jpeg(1024)
    plain = make_public_copies(data)
    copies = make_public_copies(data, blur_threshold=blur.DEFAULT_THRESHOLD)
    assert plain.blur is None and len(copies.blur.boxes) == 1
    assert iou(copies.blur.boxes[0].pixels((1024, 1024)), scaled(ASTRONAUT_FACE, 2)) > 0.8
    display, plain_display = Image.open(io.BytesIO(copies.display)), Image.open(io.BytesIO(plain.display))
    face = scaled(ASTRONAUT_FACE, 2)
    assert detail(display, face) < DETAIL_LEFT * detail(plain_display, face)
    thumb, plain_thumb = Image.open(io.BytesIO(copies.thumbnail)), Image.open(io.BytesIO(plain.thumbnail))
    small_face = scaled(ASTRONAUT_FACE, thumb.width / 512)
    assert detail(thumb, small_face) < 0.1 * detail(plain_thumb, small_face)
    # Away from the blurred box (and its JPEG blocks) the display is what it was without blurring.
    left, top, right, bottom = copies.blur.boxes[0].pixels((1024, 1024), blur.GROW)
    far = np.ones((1024, 1024), bool)
    far[max(0, top - 16) : bottom + 16, max(0, left - 16) : right + 16] = False
    difference = np.abs(np.asarray(display, np.int16) - np.asarray(plain_display, np.int16))
    assert difference[far].max() <= 2
    for name, jpeg in (("display", copies.display), ("thumb", copies.thumbnail)):
        assert Image.open(io.BytesIO(jpeg)).getexif() == {}
        path = tmp_path / f"{name}.jpg"
        path.write_bytes(jpeg)
        exiftool = require_tool("exiftool", "libimage-exiftool-perl")
        tags = subprocess.run([exiftool, "-j", "-EXIF:all", "-XMP:all", str(path)], capture_output=True, text=True)
        found = json.loads(tags.stdout)[0]
        assert set(found) == {"SourceFile"}, found


# Photos of the corpus with people (or a picture of one) in view, sorted by eye: boxes elsewhere are false.
# At 0.35 all 9 boxes in these were faces (a woman, three priests, a man and his reflection in a train
# window, a cellist, two people in an advert); the pilot in the cockpit (0.29) is missed.
CORPUS_FACE_PHOTOS = {
    "konica-minolta-dimage-z3-no-gps.jpg",
    "nikon-d3100-north-east-altitude-zero.jpg",
    "samsung-galaxy-s-gt-i9000-gps-zero-rotated.jpg",
    "sony-cybershot-no-gps-rotated.jpg",
    "unknown-xmp-app1-no-exif.jpg",
}


def test_corpus_false_positives():
    root = corpus()
    boxes, false = {}, []
    for path in sorted(p for p in root.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".heic", ".avif", ".webp"}):
        try:
            copies = make_public_copies(path.read_bytes(), blur_threshold=blur.DEFAULT_THRESHOLD)
        except Exception:  # the corpus holds deliberately broken files; intake tests cover those
            continue
        boxes[path.name] = copies.blur.boxes
        if copies.blur.boxes and path.name not in CORPUS_FACE_PHOTOS:
            false.append(path.name)
    print(f"\ncorpus: {len(boxes)} photos, {sum(map(len, boxes.values()))} face boxes, false positives in {false}")
    for name, found in boxes.items():
        if found:
            print(f"  {name}: {[b.as_list() for b in found]}")
    assert len(boxes) > 40
    assert false == []
