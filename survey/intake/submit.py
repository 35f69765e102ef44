"""The rules of intake: a volunteer's photos and fields become one pending sighting."""

import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey import vocab
from survey.accounts.volunteers import sighting_for_receipt
from survey.database import begin_write
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.intake.plausibility import plausibility_warnings
from survey.intake.position import apply_position, pin_warnings
from survey.intake.signs import apply_sign_report, check_sign_report
from survey.models import ATTRIBUTE_NAMES, Photo, Sighting
from survey.nearby import Candidate, cameras_near, likely_near
from survey.photos.exif import PhotoMeta, read_photo_meta
from survey.photos.images import (
    ImageTooLarge,
    PublicCopies,
    check_budget,
    decode_cost,
    make_public_copies,
    sniff_format,
)
from survey.photos.scrub import scrub_original
from survey.storage import photo_files

# Confirmed cameras this close to a new sighting are shown to the volunteer, who says if it is the same one.
NEARBY_RADIUS_M = 25


@dataclass
class Upload:
    data: bytes
    sha256: str
    format: str
    meta: PhotoMeta | None = None
    copies: PublicCopies | None = None


def submit_sighting(fields: dict, photos: list[bytes], volunteer_key: str | None = None) -> tuple[Sighting, bool]:
    """Store a new pending sighting; return (sighting, created). Retries return the stored one."""
    uploads = check_uploads(photos)
    check_decode_budget(uploads)
    client_id = str(fields["client_id"]) if fields.get("client_id") else None
    if client_id and (existing := find_retry(client_id, uploads, volunteer_key)):
        return existing, False
    check_sign_report(fields)
    db.session.rollback()  # end the read; the slow image work holds no transaction
    for upload in uploads:
        upload.meta = read_photo_meta(upload.data)
    sighting = build_sighting(fields, uploads)
    sighting.client_id, sighting.volunteer_key = client_id, volunteer_key
    # Plain copies, with no blur record: publish.photos serves none until faces are detected and
    # blurred, which review does when it first needs the photo (review.reblur.detect_pending), so
    # the volunteer's request does not pay for detection (bench: case 16).
    for upload in uploads:
        upload.copies = make_public_copies(
            upload.data,
            orientation=upload.meta.orientation,
            max_pixels=current_app.config["MAX_IMAGE_PIXELS"],
            max_decode_bytes=current_app.config["MAX_DECODE_BYTES"],
        )
    begin_write()
    sighting.warnings = plausibility_warnings(sighting, [u.sha256 for u in uploads], fields.get("capture"))
    sighting.warnings += pin_warnings(sighting)
    sighting.warning_count = len(sighting.warnings)
    return store_sighting(sighting, uploads)


def check_uploads(photos: list[bytes]) -> list[Upload]:
    """Count, size and content-type checks, before any expensive work."""
    config = current_app.config
    if not photos:
        raise Invalid("Attach at least one photo.", errors={"photo": ["Missing data for required field."]})
    if len(photos) > config["MAX_PHOTOS"]:
        raise Invalid(f"At most {config['MAX_PHOTOS']} photos per sighting.", errors={"photo": ["Too many files."]})
    uploads = []
    for data in photos:
        if len(data) > config["MAX_PHOTO_BYTES"]:
            raise ImageTooLarge(f"A photo may be at most {config['MAX_PHOTO_BYTES'] // (1024 * 1024)} MB.")
        uploads.append(Upload(data=data, sha256=photo_files.sha256(data), format=sniff_format(data)))
    return uploads


def check_decode_budget(uploads: list[Upload]) -> None:
    """413 before any pixel is decoded when one photo, or all of them together, would cost too much."""
    config = current_app.config
    costs = [decode_cost(u.data, max_pixels=config["MAX_IMAGE_PIXELS"]) for u in uploads]
    for cost in costs:
        check_budget(cost, config["MAX_DECODE_BYTES"])
    check_budget(sum(costs), config["MAX_REQUEST_DECODE_BYTES"])


def find_retry(client_id: str, uploads: list[Upload], volunteer_key: str | None) -> Sighting | None:
    """The stored sighting for a retry: same client_id, same photos, same device; else 409, naming nothing."""
    sighting = db.session.scalar(select(Sighting).where(Sighting.client_id == client_id))
    if sighting is None:
        return None
    if not is_same_sender(sighting, uploads, volunteer_key):
        # One answer for every mismatch: the id may be another volunteer's, and neither its photos
        # nor its device may be confirmed to whoever guessed or copied it.
        raise Conflict("This client_id was already used: make a new one.")
    return sighting


def is_same_sender(sighting: Sighting, uploads: list[Upload], volunteer_key: str | None) -> bool:
    """A replay only when the photos and the device (its key; none for a script without one) match."""
    same_photos = sorted(p.sha256 for p in sighting.photos) == sorted(u.sha256 for u in uploads)
    return same_photos and sighting.volunteer_key == volunteer_key


def build_sighting(fields: dict, uploads: list[Upload]) -> Sighting:
    sighting = Sighting(status=vocab.PENDING, receipt=secrets.token_urlsafe(24), notes=fields.get("notes"))
    for name in ATTRIBUTE_NAMES:
        setattr(sighting, name, fields.get(name))
    sighting.manufacturer = vocab.canonical_manufacturer(fields.get("manufacturer"))
    apply_sign_report(sighting, fields)
    meta = next((u.meta for u in uploads if u.meta.has_position), uploads[0].meta)
    apply_position(sighting, meta, fields)
    apply_heading(sighting, meta, fields)
    apply_time(sighting, meta, fields)
    return sighting


def apply_heading(sighting: Sighting, meta: PhotoMeta, fields: dict) -> None:
    """A heading the volunteer set by hand beats the compass, in the photo or the page."""
    sent = fields.get("heading")
    if sent is not None and fields["heading_source"] == vocab.MANUAL:
        sighting.heading, sighting.heading_ref, sighting.heading_source = sent % 360, "T", vocab.MANUAL
    elif meta.heading is not None:
        sighting.heading, sighting.heading_ref, sighting.heading_source = meta.heading, meta.heading_ref, vocab.EXIF
    elif sent is not None:
        # Browsers' deviceorientation reports compass (magnetic) headings.
        sighting.heading, sighting.heading_ref, sighting.heading_source = sent % 360, "M", vocab.DEVICE


def apply_time(sighting: Sighting, meta: PhotoMeta, fields: dict) -> None:
    """The photo's own UTC time, else the device clock; never the server's."""
    if meta.taken_at is not None:
        source = "gps" if meta.taken_at_source == "gps" else vocab.EXIF
        sighting.captured_at, sighting.captured_at_source = meta.taken_at, source
    elif fields.get("captured_at") is not None:
        sighting.captured_at, sighting.captured_at_source = fields["captured_at"], vocab.DEVICE


def store_sighting(sighting: Sighting, uploads: list[Upload]) -> tuple[Sighting, bool]:
    """Write the files, then commit; on any failure remove the files this call created."""
    store, created = photo_files.get_storage(), []
    try:
        with store.lock():
            for position, upload in enumerate(uploads):
                sighting.photos.append(_store_photo(store, upload, position, created))
            db.session.add(sighting)
            db.session.commit()
        return sighting, True
    except IntegrityError:
        db.session.rollback()
        _remove(store, created)
        existing = find_retry(sighting.client_id, uploads, sighting.volunteer_key) if sighting.client_id else None
        if existing is None:
            raise
        return existing, False
    except BaseException:
        db.session.rollback()
        _remove(store, created)
        raise


def _store_photo(store, upload: Upload, position: int, created: list[str]) -> Photo:
    ext = {"jpeg": "jpg", "heif": "heic"}.get(upload.format, upload.format)
    copies = upload.copies
    display_sha, thumb_sha = photo_files.sha256(copies.display), photo_files.sha256(copies.thumbnail)
    # The original is kept as evidence, but not the camera's serial numbers or owner's name.
    original = scrub_original(upload.data, upload.format)
    keys = {
        photo_files.key_for(photo_files.PRIVATE, photo_files.sha256(original), ext): original,
        photo_files.key_for(photo_files.DISPLAY, display_sha, "jpg"): copies.display,
        photo_files.key_for(photo_files.THUMB, thumb_sha, "jpg"): copies.thumbnail,
    }
    for key, data in keys.items():
        if store.put(key, data):
            created.append(key)
    original_key, display_key, thumb_key = keys
    return Photo(
        position=position,
        sha256=upload.sha256,
        format=upload.format,
        size_bytes=len(upload.data),
        width=copies.width,
        height=copies.height,
        original_key=original_key,
        display_key=display_key,
        thumb_key=thumb_key,
        display_sha256=display_sha,
        thumb_sha256=thumb_sha,
        **blur_columns(copies),
    )


def blur_columns(copies: PublicCopies) -> dict:
    """The Photo columns recording how these copies were blurred."""
    record = copies.blur
    if record is None:
        return {"blur_model": None, "blur_threshold": None, "blur_boxes": None}
    return {
        "blur_model": record.model,
        "blur_threshold": record.threshold,
        "blur_boxes": [box.as_list() for box in record.boxes],
        "plate_model": record.plate_model,
        "plate_threshold": record.plate_threshold,
    }


def _remove(store, keys: list[str]) -> None:
    """Delete files this call wrote, unless a committed row (a concurrent winner) uses them."""
    if not keys:
        return
    columns = (Photo.original_key, Photo.display_key, Photo.thumb_key)
    with store.lock(exclusive=True):  # every upload that found these files has committed or failed
        used = set()
        for column in columns:
            used.update(db.session.scalars(select(column).where(column.in_(keys))))
        db.session.rollback()
        for key in set(keys) - used:
            store.delete(key)


@dataclass
class Receipt:
    """A sighting as the volunteer holding its receipt sees it; just after sending, with the cameras near it."""

    sighting: Sighting
    nearby_cameras: list[Candidate] = field(default_factory=list)  # most likely the same camera first

    @classmethod
    def with_nearby(cls, sighting: Sighting) -> "Receipt":
        return cls(sighting, likely_near(sighting, NEARBY_RADIUS_M))

    @property
    def warnings(self) -> list[dict]:
        """The sighting's warnings less those about other volunteers' sightings (vocab.MODERATOR_ONLY_WARNINGS)."""
        return [w for w in self.sighting.warnings or [] if w.get("code") not in vocab.MODERATOR_ONLY_WARNINGS]

    @property
    def moderator_note(self) -> str | None:
        """A moderator's note is for the volunteer only when it explains a rejection or asks for more."""
        return self.sighting.moderator_note if self.sighting.status in (vocab.REJECTED, vocab.NEEDS_INFO) else None


def record_nearby_answer(sighting_id: int, receipt: str | None, camera_id: int, answer: str) -> Sighting:
    """Record the volunteer's 'same camera' or 'a different camera here'. It only records: nothing merges."""
    begin_write()
    sighting = sighting_for_receipt(sighting_id, receipt)
    if sighting is None:
        db.session.rollback()
        raise NotFound("No sighting with that id and receipt.")
    if (sighting.nearby_camera_id, sighting.nearby_answer) == (camera_id, answer):
        db.session.rollback()
        return sighting  # a retry from the page's outbox
    near = {n.camera.id for n in cameras_near(sighting.lat, sighting.lon, NEARBY_RADIUS_M)}
    if camera_id not in near:
        db.session.rollback()
        raise Invalid(
            f"Camera {camera_id} is not a confirmed camera within {NEARBY_RADIUS_M} m of this sighting.",
            errors={"camera_id": ["Not a confirmed camera near this sighting."]},
        )
    if sighting.status != vocab.PENDING:
        db.session.rollback()
        raise Conflict("This sighting has already been reviewed, so the answer can no longer be recorded.")
    sighting.nearby_camera_id, sighting.nearby_answer = camera_id, answer
    sighting.version += 1  # a moderator holding the old version must look again
    db.session.commit()
    return sighting
