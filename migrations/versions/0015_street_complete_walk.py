"""Each street's last walk of all of it, whole or in parts, stored so every reader reads a column

streets.last_walked: the latest day since which the street's walks, whole walks or parts together,
cover all of it (survey.areas.completion). Each walk recorded or withdrawn keeps it in the same
transaction; the streets walked so far are worked out here by that same function (derived data, like
an index, so this runs the code of today rather than a frozen copy of it).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("streets", sa.Column("last_walked", sa.Date(), nullable=True))
    from survey.areas.completion import refresh_last_walked

    connection = op.get_bind()
    walked = sa.text("SELECT DISTINCT street_id FROM walks ORDER BY street_id")
    refresh_last_walked(connection, [row[0] for row in connection.execute(walked)])


def downgrade():
    # A plain DROP COLUMN: a batch rebuild of streets on SQLite would drop the table, and with it, by
    # ON DELETE CASCADE, every walk.
    op.drop_column("streets", "last_walked")
