"""Signs as data (issue 17): the signs table, a sighting's kind and sign fields, a camera's measured signage

Existing cameras start as not_surveyed; existing sightings are cameras.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:57:03.294548

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=True),
        sa.Column("has_contact", sa.Boolean(), nullable=True),
        sa.Column("camera_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("last_confirmed", sa.Date(), nullable=True),
        sa.Column("sightings_count", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["camera_id"], ["cameras.id"], name=op.f("fk_signs_camera_id_cameras")),
        sa.ForeignKeyConstraint(["photo_id"], ["photos.id"], name=op.f("fk_signs_photo_id_photos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signs")),
    )
    with op.batch_alter_table("signs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signs_camera_id"), ["camera_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signs_updated_at"), ["updated_at"], unique=False)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sign_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_sign_id"), ["sign_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_audit_events_sign_id_signs"), "signs", ["sign_id"], ["id"])

    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signage_class", sa.String(length=16), server_default="not_surveyed", nullable=False)
        )
        batch_op.add_column(sa.Column("nearest_sign_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("nearest_sign_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("operator_sign_m", sa.Float(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cameras_nearest_sign_id_signs"), "signs", ["nearest_sign_id"], ["id"], use_alter=True
        )

    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=8), server_default="camera", nullable=False))
        batch_op.add_column(sa.Column("sign_purpose", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("sign_has_contact", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("sign_camera_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sign_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_sightings_sign_id"), ["sign_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_sightings_sign_id_signs"), "signs", ["sign_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_sightings_sign_camera_id_cameras"), "cameras", ["sign_camera_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sightings_sign_camera_id_cameras"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_sightings_sign_id_signs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_sightings_sign_id"))
        batch_op.drop_column("sign_id")
        batch_op.drop_column("sign_camera_id")
        batch_op.drop_column("sign_has_contact")
        batch_op.drop_column("sign_purpose")
        batch_op.drop_column("kind")

    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cameras_nearest_sign_id_signs"), type_="foreignkey")
        batch_op.drop_column("operator_sign_m")
        batch_op.drop_column("nearest_sign_m")
        batch_op.drop_column("nearest_sign_id")
        batch_op.drop_column("signage_class")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_events_sign_id_signs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_events_sign_id"))
        batch_op.drop_column("sign_id")

    with op.batch_alter_table("signs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signs_updated_at"))
        batch_op.drop_index(batch_op.f("ix_signs_camera_id"))

    op.drop_table("signs")
