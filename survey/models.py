"""Database models: a Sighting is one volunteer's report, a Camera the confirmed device."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from survey import vocab
from survey.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC on every backend, returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


class CameraAttributes:
    """The attributes a sighting reports and a camera keeps, named after their OSM tags."""

    manufacturer: Mapped[str | None] = mapped_column(String(80))  # manufacturer
    model: Mapped[str | None] = mapped_column(String(120))
    camera_type: Mapped[str | None] = mapped_column(String(16))  # camera:type
    mount: Mapped[str | None] = mapped_column(String(32))  # camera:mount
    surveillance_type: Mapped[str | None] = mapped_column(String(16))  # surveillance:type
    zone: Mapped[str | None] = mapped_column(String(32))  # surveillance:zone
    operator: Mapped[str | None] = mapped_column(String(200))  # operator
    signage: Mapped[str | None] = mapped_column(String(20))  # no OSM key


ATTRIBUTE_NAMES = ("manufacturer", "model", "camera_type", "mount", "surveillance_type", "zone", "operator", "signage")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=vocab.MODERATOR)  # vocab.ROLES
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Stored in each session at login and bumped at logout, so a copied cookie dies with the session.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Camera(CameraAttributes, db.Model):
    __tablename__ = "cameras"
    __table_args__ = (Index("ix_cameras_lat_lon", "lat", "lon"), Index("ix_cameras_status_id", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    direction: Mapped[float | None] = mapped_column(Float)  # camera:direction, degrees true
    status: Mapped[str] = mapped_column(String(16), default=vocab.ACTIVE)  # vocab.CAMERA_STATUSES
    first_seen: Mapped[date | None] = mapped_column(Date)
    last_confirmed: Mapped[date | None] = mapped_column(Date)
    sightings_count: Mapped[int] = mapped_column(Integer, default=0)
    volunteers_count: Mapped[int] = mapped_column(Integer, default=0)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    photo: Mapped["Photo | None"] = relationship(foreign_keys=[photo_id], post_update=True)

    # Signage measured from the approved signs (survey.vocab.SIGNAGE_CLASSES), kept by every sign or
    # camera decision in its own transaction. operator_sign_m: the nearest sign naming this operator.
    signage_class: Mapped[str] = mapped_column(
        String(16), default=vocab.NOT_SURVEYED, server_default=vocab.NOT_SURVEYED
    )
    nearest_sign_id: Mapped[int | None] = mapped_column(ForeignKey("signs.id", use_alter=True))
    nearest_sign_m: Mapped[float | None] = mapped_column(Float)
    operator_sign_m: Mapped[float | None] = mapped_column(Float)


# The public map's queries (survey.publish.map_data), read from the index alone: a view's cameras counted, and
# the makers and operators its selects offer.
Index("ix_cameras_status_lat_lon", Camera.status, Camera.lat, Camera.lon)
Index("ix_cameras_status_manufacturer", Camera.status, Camera.manufacturer)
Index("ix_cameras_status_operator", Camera.status, Camera.operator)


class Sighting(CameraAttributes, db.Model):
    __tablename__ = "sightings"
    __table_args__ = (
        Index("ix_sightings_queue", "status", "submitted_at", "id"),
        Index("ix_sightings_lat_lon", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    receipt: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=vocab.PENDING)  # vocab.SIGHTING_STATUSES
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # The position in use, and every candidate kept for moderators.
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str] = mapped_column(String(8))  # vocab.LOCATION_SOURCES
    exif_lat: Mapped[float | None] = mapped_column(Float)
    exif_lon: Mapped[float | None] = mapped_column(Float)
    exif_accuracy_m: Mapped[float | None] = mapped_column(Float)
    exif_altitude_m: Mapped[float | None] = mapped_column(Float)
    device_lat: Mapped[float | None] = mapped_column(Float)
    device_lon: Mapped[float | None] = mapped_column(Float)
    device_accuracy_m: Mapped[float | None] = mapped_column(Float)
    manual_lat: Mapped[float | None] = mapped_column(Float)
    manual_lon: Mapped[float | None] = mapped_column(Float)

    heading: Mapped[float | None] = mapped_column(Float)
    heading_ref: Mapped[str | None] = mapped_column(String(1))  # vocab.HEADING_REFS
    heading_source: Mapped[str | None] = mapped_column(String(8))  # vocab.HEADING_SOURCES
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    captured_at_source: Mapped[str | None] = mapped_column(String(16))  # vocab.CAPTURED_AT_SOURCES

    notes: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    volunteer_key: Mapped[str | None] = mapped_column(String(32))
    nearby_camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"))
    nearby_answer: Mapped[str | None] = mapped_column(String(16))  # vocab.NEARBY_ANSWERS

    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"), index=True)
    reject_reason: Mapped[str | None] = mapped_column(String(32))  # vocab.REJECT_REASONS
    moderator_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    photos: Mapped[list["Photo"]] = relationship(
        back_populates="sighting", order_by="Photo.position", cascade="all, delete-orphan"
    )
    camera: Mapped[Camera | None] = relationship(foreign_keys=[camera_id])

    # A sign is reported like a camera: `operator` holds the operator it names.
    kind: Mapped[str] = mapped_column(
        String(8), default=vocab.CAMERA, server_default=vocab.CAMERA
    )  # vocab.SIGHTING_KINDS
    sign_purpose: Mapped[str | None] = mapped_column(String(200))
    sign_has_contact: Mapped[bool | None] = mapped_column(Boolean)
    sign_camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"))  # "fixed to this camera"
    sign_id: Mapped[int | None] = mapped_column(ForeignKey("signs.id"), index=True)  # the sign it confirmed
    # While pending: its best merge candidate's likelihood (0 with none), kept by survey.nearby.keep_repeat_scores.
    repeat_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


# The fields only a sign report carries; a camera report refuses them, and a sign report the camera-only ones.
SIGN_REPORT_FIELDS = ("sign_purpose", "sign_has_contact", "sign_camera_id")
CAMERA_ONLY_ATTRIBUTES = tuple(name for name in ATTRIBUTE_NAMES if name != "operator")
# The findings group the cameras by these columns (survey/findings/figures.py): read from a covering index
# in its own order, a GROUP BY needs no sort, the most of its cost (six times faster at 100,000 cameras on SQLite).
Index(
    "ix_cameras_findings",
    Camera.status,
    Camera.manufacturer,
    Camera.operator,
    Camera.camera_type,
    Camera.zone,
    Camera.signage_class,
)
Index("ix_cameras_status_first_seen", Camera.status, Camera.first_seen)
# Nearby cameras by band of latitude, then longitude: survey.nearby reads a box's bands (LAT_CELLS a degree).
Index("ix_cameras_lat_cell", text("CAST(lat * 1000 AS INTEGER)"), Camera.lon)


# "Most warnings first" reads this index in order instead of sorting every pending sighting
# (130 ms a page at a million rows on PostgreSQL without it).
Index("ix_sightings_warnings", Sighting.status, Sighting.warning_count.desc(), Sighting.submitted_at, Sighting.id)
# "Likely repeats first" pages by this index, as the other sorts by theirs.
Index("ix_sightings_repeat", Sighting.status, Sighting.repeat_score.desc(), Sighting.id)


class Sign(db.Model):
    """A confirmed sign: who it says runs the cameras, why, and whether it gives a contact."""

    __tablename__ = "signs"

    id: Mapped[int] = mapped_column(primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    operator: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(200))
    has_contact: Mapped[bool | None] = mapped_column(Boolean)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"), index=True)  # fixed to this camera
    status: Mapped[str] = mapped_column(String(16), default=vocab.ACTIVE)  # vocab.CAMERA_STATUSES
    first_seen: Mapped[date | None] = mapped_column(Date)
    last_confirmed: Mapped[date | None] = mapped_column(Date)
    sightings_count: Mapped[int] = mapped_column(Integer, default=0)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    photo: Mapped["Photo | None"] = relationship(foreign_keys=[photo_id], post_update=True)


# A sign decision re-measures the cameras around it, and a camera looks for the signs around it: box queries.
Index("ix_signs_lat_lon", Sign.lat, Sign.lon)


class Photo(db.Model):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    sighting_id: Mapped[int] = mapped_column(ForeignKey("sightings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(8))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    original_key: Mapped[str] = mapped_column(String(200))
    display_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    display_sha256: Mapped[str] = mapped_column(String(64))
    thumb_sha256: Mapped[str] = mapped_column(String(64))
    # How the public copies were blurred (survey.photos.blur); a null model means never, and
    # `flask photos reblur` redoes such photos and those of an older model.
    blur_model: Mapped[str | None] = mapped_column(String(64))
    blur_threshold: Mapped[float | None] = mapped_column(Float)
    blur_boxes: Mapped[list[Any] | None] = mapped_column(JSON)  # [[x1, y1, x2, y2, score]], fractions of the image
    # Set when a moderator saved the blur tool: the boxes are then theirs, exact, and reblur keeps them.
    blur_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    plate_model: Mapped[str | None] = mapped_column(String(64))  # the number-plate detector, as blur_model
    plate_threshold: Mapped[float | None] = mapped_column(Float)

    sighting: Mapped[Sighting] = relationship(back_populates="photos")


class AuditEvent(db.Model):
    """Append-only record of every moderation change."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    sighting_id: Mapped[int | None] = mapped_column(ForeignKey("sightings.id"), index=True)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"), index=True)
    sign_id: Mapped[int | None] = mapped_column(ForeignKey("signs.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


class BoxColumns:
    """A geometry's bounding box, so a box query or a nearest-street search skips far shapes in SQL."""

    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)


class SurveyArea(BoxColumns, db.Model):
    """A campaign's area: its boundary (GeoJSON Polygon or MultiPolygon text) and its streets."""

    __tablename__ = "survey_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    boundary: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    centre_lat: Mapped[float | None] = mapped_column(Float)
    centre_lon: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Street(BoxColumns, db.Model):
    """One named street of an area (its OSM ways merged), or one unnamed way on its own."""

    __tablename__ = "streets"
    __table_args__ = (UniqueConstraint("area_id", "source_key", name="uq_streets_area_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("survey_areas.id", ondelete="CASCADE"), index=True)
    source_key: Mapped[str] = mapped_column(String(300))  # "name:<name>" or "way:<osm id>": what re-imports match
    name: Mapped[str | None] = mapped_column(String(255))
    highway: Mapped[str | None] = mapped_column(String(32))
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON MultiLineString
    length_m: Mapped[float] = mapped_column(Float)
    # Every metre walked since this day, by whole walks or parts (survey.areas.completion); None: never all.
    last_walked: Mapped[date | None] = mapped_column(Date)


class Walk(db.Model):
    """A volunteer walked a street on a day. No track, no time of day: the street, the day, the salted key."""

    __tablename__ = "walks"
    __table_args__ = (Index("ix_walks_street_day", "street_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    volunteer_key: Mapped[str | None] = mapped_column(String(32))
    # Part of the street only: where it starts and ends along the stored geometry, 0..1. Both None: all of it.
    from_fraction: Mapped[float | None] = mapped_column(Float)
    to_fraction: Mapped[float | None] = mapped_column(Float)


class DataVersion(db.Model):
    """One row whose number every decision that changes public data raises (survey.dataset_version)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How many cameras and signs are active, kept by database triggers (migration 0016); NULL: count afresh.
    active_cameras: Mapped[int | None] = mapped_column(Integer)
    active_signs: Mapped[int | None] = mapped_column(Integer)
