"""Findings (issue 17): covering indexes the findings' GROUP BYs read in order, so they need no sort

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:59:41.594187

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FINDINGS_COLUMNS = ["status", "manufacturer", "operator", "camera_type", "zone", "signage_class"]


def upgrade():
    op.create_index("ix_cameras_findings", "cameras", FINDINGS_COLUMNS)
    op.create_index("ix_cameras_status_first_seen", "cameras", ["status", "first_seen"])


def downgrade():
    op.drop_index("ix_cameras_status_first_seen", table_name="cameras")
    op.drop_index("ix_cameras_findings", table_name="cameras")
