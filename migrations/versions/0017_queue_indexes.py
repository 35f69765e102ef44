"""Cameras indexed by band of latitude, then longitude, for the queue's nearby candidates

ix_cameras_lat_cell (CAST(lat * 1000 AS INTEGER), lon): a candidate box reads its one to four
bands of 111 m, each by a range of longitude, where ix_cameras_lat_lon read the box's whole strip
of latitude across the city (600 index entries a box at a million cameras) to keep a few.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cameras_lat_cell", "cameras", [sa.text("CAST(lat * 1000 AS INTEGER)"), "lon"], unique=False)


def downgrade():
    op.drop_index("ix_cameras_lat_cell", table_name="cameras")
