"""The data version: one row every decision that changes public data raises (issue 16)

Snapshots and download validators are keyed on it; no row means version 0.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:05:08.201984

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )


def downgrade():
    op.drop_table("data_version")
