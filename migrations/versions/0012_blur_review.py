"""When a moderator settled a photo's blur by hand, and the plate detector used on it

Null while the boxes are the detector's own. Once a moderator saves the blur tool, the stored
boxes are theirs (exact regions, not grown) and `flask photos reblur` leaves the photo alone.
Who did it is in the audit trail (action "blur_reviewed"). plate_model and plate_threshold record the
number-plate cascade and its minNeighbors, as blur_model and blur_threshold do for faces.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photos") as batch:
        batch.add_column(sa.Column("blur_reviewed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("plate_model", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("plate_threshold", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("photos") as batch:
        batch.drop_column("plate_threshold")
        batch.drop_column("plate_model")
        batch.drop_column("blur_reviewed_at")
