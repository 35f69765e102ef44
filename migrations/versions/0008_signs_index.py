"""Signs by position (issue 17): a sign decision re-measures the cameras around it with box queries

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:09:51.169927

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("signs", schema=None) as batch_op:
        batch_op.create_index("ix_signs_lat_lon", ["lat", "lon"], unique=False)


def downgrade():
    with op.batch_alter_table("signs", schema=None) as batch_op:
        batch_op.drop_index("ix_signs_lat_lon")
