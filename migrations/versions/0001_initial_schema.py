"""Initial schema: cameras, sightings, photos, users, API tokens and the audit log

Revision ID: 0001
Revises:
Create Date: 2026-11-26 05:12:05.563723

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cameras",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("direction", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("last_confirmed", sa.Date(), nullable=True),
        sa.Column("sightings_count", sa.Integer(), nullable=False),
        sa.Column("volunteers_count", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("manufacturer", sa.String(length=80), nullable=True),
        sa.Column("model", sa.String(length=120), nullable=True),
        sa.Column("camera_type", sa.String(length=16), nullable=True),
        sa.Column("mount", sa.String(length=32), nullable=True),
        sa.Column("surveillance_type", sa.String(length=16), nullable=True),
        sa.Column("zone", sa.String(length=32), nullable=True),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("signage", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cameras")),
    )
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.create_index("ix_cameras_lat_lon", ["lat", "lon"], unique=False)
        batch_op.create_index("ix_cameras_status_id", ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cameras_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=True),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("location_source", sa.String(length=8), nullable=False),
        sa.Column("exif_lat", sa.Float(), nullable=True),
        sa.Column("exif_lon", sa.Float(), nullable=True),
        sa.Column("exif_accuracy_m", sa.Float(), nullable=True),
        sa.Column("exif_altitude_m", sa.Float(), nullable=True),
        sa.Column("device_lat", sa.Float(), nullable=True),
        sa.Column("device_lon", sa.Float(), nullable=True),
        sa.Column("device_accuracy_m", sa.Float(), nullable=True),
        sa.Column("manual_lat", sa.Float(), nullable=True),
        sa.Column("manual_lon", sa.Float(), nullable=True),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("heading_ref", sa.String(length=1), nullable=True),
        sa.Column("heading_source", sa.String(length=8), nullable=True),
        sa.Column("captured_at", sa.DateTime(), nullable=True),
        sa.Column("captured_at_source", sa.String(length=16), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("volunteer_key", sa.String(length=32), nullable=True),
        sa.Column("nearby_camera_id", sa.Integer(), nullable=True),
        sa.Column("nearby_answer", sa.String(length=16), nullable=True),
        sa.Column("camera_id", sa.Integer(), nullable=True),
        sa.Column("reject_reason", sa.String(length=32), nullable=True),
        sa.Column("moderator_note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("manufacturer", sa.String(length=80), nullable=True),
        sa.Column("model", sa.String(length=120), nullable=True),
        sa.Column("camera_type", sa.String(length=16), nullable=True),
        sa.Column("mount", sa.String(length=32), nullable=True),
        sa.Column("surveillance_type", sa.String(length=16), nullable=True),
        sa.Column("zone", sa.String(length=32), nullable=True),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("signage", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["camera_id"], ["cameras.id"], name=op.f("fk_sightings_camera_id_cameras")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_sightings_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["nearby_camera_id"], ["cameras.id"], name=op.f("fk_sightings_nearby_camera_id_cameras")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sightings")),
        sa.UniqueConstraint("client_id", name=op.f("uq_sightings_client_id")),
        sa.UniqueConstraint("receipt", name=op.f("uq_sightings_receipt")),
    )
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sightings_camera_id"), ["camera_id"], unique=False)
        batch_op.create_index("ix_sightings_lat_lon", ["lat", "lon"], unique=False)
        batch_op.create_index("ix_sightings_queue", ["status", "submitted_at", "id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("sighting_id", sa.Integer(), nullable=True),
        sa.Column("camera_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")),
        sa.ForeignKeyConstraint(["camera_id"], ["cameras.id"], name=op.f("fk_audit_events_camera_id_cameras")),
        sa.ForeignKeyConstraint(["sighting_id"], ["sightings.id"], name=op.f("fk_audit_events_sighting_id_sightings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_camera_id"), ["camera_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_sighting_id"), ["sighting_id"], unique=False)

    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sighting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("original_key", sa.String(length=200), nullable=False),
        sa.Column("display_key", sa.String(length=200), nullable=False),
        sa.Column("thumb_key", sa.String(length=200), nullable=False),
        sa.Column("display_sha256", sa.String(length=64), nullable=False),
        sa.Column("thumb_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["sighting_id"], ["sightings.id"], name=op.f("fk_photos_sighting_id_sightings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_sighting_id"), ["sighting_id"], unique=False)

    # cameras and photos refer to each other: this key is added once both exist.
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.create_foreign_key(op.f("fk_cameras_photo_id_photos"), "photos", ["photo_id"], ["id"])


def downgrade():
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_cameras_photo_id_photos"), type_="foreignkey")

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_sighting_id"))
        batch_op.drop_index(batch_op.f("ix_photos_sha256"))

    op.drop_table("photos")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_sighting_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_camera_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))

    op.drop_table("audit_events")
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.drop_index("ix_sightings_queue")
        batch_op.drop_index("ix_sightings_lat_lon")
        batch_op.drop_index(batch_op.f("ix_sightings_camera_id"))

    op.drop_table("sightings")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cameras_updated_at"))
        batch_op.drop_index("ix_cameras_status_id")
        batch_op.drop_index("ix_cameras_lat_lon")

    op.drop_table("cameras")
