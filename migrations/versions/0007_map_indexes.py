"""The public map's indexes: a view's cameras counted, and the makers and operators offered, from indexes alone

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:20:44.155621

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


INDEXES = {
    "ix_cameras_status_lat_lon": ["status", "lat", "lon"],
    "ix_cameras_status_manufacturer": ["status", "manufacturer"],
    "ix_cameras_status_operator": ["status", "operator"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "cameras", columns, unique=False)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="cameras")
