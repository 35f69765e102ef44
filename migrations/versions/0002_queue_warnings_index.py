"""Index for the queue's "most warnings first" sort

Without it both databases sorted every pending sighting for each page (130 ms at a
million rows on PostgreSQL); with it a page is read in index order like the other sorts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 08:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_sightings_warnings",
        "sightings",
        ["status", sa.text("warning_count DESC"), "submitted_at", "id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_sightings_warnings", table_name="sightings")
