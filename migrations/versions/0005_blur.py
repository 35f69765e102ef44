"""Blur settings on each photo: the face model, its threshold and the boxes it blurred

Null on photos stored before faces were blurred; `flask photos reblur` rebuilds their public
copies and fills these in.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photos") as batch:
        batch.add_column(sa.Column("blur_model", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("blur_threshold", sa.Float(), nullable=True))
        batch.add_column(sa.Column("blur_boxes", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("photos") as batch:
        batch.drop_column("blur_boxes")
        batch.drop_column("blur_threshold")
        batch.drop_column("blur_model")
