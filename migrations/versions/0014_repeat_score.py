"""Each pending sighting's best candidate's likelihood, stored so the queue can sort and page by it

sightings.repeat_score and ix_sightings_repeat (status, repeat_score DESC, id). The scores of the
sightings pending now are worked out here, by the same function that keeps them afterwards
(survey.nearby.rescore, in the transaction of every change that moves one): they are derived data,
like an index, so this runs the code of today rather than a frozen copy of it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    # A plain ADD COLUMN: a batch rebuild on SQLite would lose the DESC of ix_sightings_warnings (see 0011).
    op.add_column("sightings", sa.Column("repeat_score", sa.Float(), nullable=False, server_default="0"))
    op.create_index("ix_sightings_repeat", "sightings", ["status", sa.text("repeat_score DESC"), "id"], unique=False)
    from survey.nearby import rescore

    connection = op.get_bind()
    pending = sa.text("SELECT id FROM sightings WHERE status = 'pending' AND kind = 'camera' ORDER BY id")
    ids = [row[0] for row in connection.execute(pending)]
    for start in range(0, len(ids), BATCH):
        rescore(connection, ids=ids[start : start + BATCH])


def downgrade():
    op.drop_index("ix_sightings_repeat", table_name="sightings")
    with op.batch_alter_table("sightings") as batch:
        batch.drop_column("repeat_score")
