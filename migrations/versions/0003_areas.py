"""Survey areas, their streets and the walks along them (issue 13)

Walks keep the street, the day and the salted volunteer key: no track, no time of day.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:22:10.216922

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("boundary", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("centre_lat", sa.Float(), nullable=True),
        sa.Column("centre_lon", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_areas")),
        sa.UniqueConstraint("name", name=op.f("uq_survey_areas_name")),
    )
    op.create_table(
        "streets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("highway", sa.String(length=32), nullable=True),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["survey_areas.id"], name=op.f("fk_streets_area_id_survey_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streets")),
        sa.UniqueConstraint("area_id", "source_key", name="uq_streets_area_source"),
    )
    with op.batch_alter_table("streets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_streets_area_id"), ["area_id"], unique=False)

    op.create_table(
        "walks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_key", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["street_id"], ["streets.id"], name=op.f("fk_walks_street_id_streets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walks")),
        sa.UniqueConstraint("client_id", name=op.f("uq_walks_client_id")),
    )
    with op.batch_alter_table("walks", schema=None) as batch_op:
        batch_op.create_index("ix_walks_street_day", ["street_id", "day"], unique=False)


def downgrade():
    with op.batch_alter_table("walks", schema=None) as batch_op:
        batch_op.drop_index("ix_walks_street_day")

    op.drop_table("walks")
    with op.batch_alter_table("streets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_streets_area_id"))

    op.drop_table("streets")
    op.drop_table("survey_areas")
