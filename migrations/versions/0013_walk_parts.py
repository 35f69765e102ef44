"""A walk may cover part of a street: two fractions along it (issue 13)

Still no track: the part is where it starts and ends along the stored street, 0..1. A whole walk
leaves both empty.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("walks", sa.Column("from_fraction", sa.Float(), nullable=True))
    op.add_column("walks", sa.Column("to_fraction", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("walks", schema=None) as batch_op:
        batch_op.drop_column("to_fraction")
        batch_op.drop_column("from_fraction")
