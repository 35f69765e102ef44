"""How many cameras and signs are active, kept on the data-version row by triggers

data_version.active_cameras and data_version.active_signs: what the OGC API's unfiltered items
pages report as numberMatched, read with the version instead of counted after every decision.
Triggers rather than an ORM hook, so every writer keeps them exact: a review through the ORM, a
Core bulk insert, a raw executemany or a COPY. They see the rows the database really changed,
so two decisions at once on one camera cannot both count it. PostgreSQL counts inserts and deletes
once a statement from their transition tables (a COPY of a million rows is one update) and status
changes by a row trigger that other updates skip in its WHEN; SQLite has row triggers only.
NULL means unknown (a TRUNCATE, or a row that did not exist yet): survey.dataset_version.bump
counts afresh then, and readers count with SQL meanwhile.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COUNTED = {"cameras": "active_cameras", "signs": "active_signs"}

_PG_FUNCTIONS = {
    # Inserts and deletes: once a statement, from its transition table (a COPY of a million rows is one update).
    "count_active_rows": """
    DECLARE
        delta bigint;
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            delta := NULL;  -- unknown from here: the sum below stores NULL, and bump() counts afresh
        ELSIF TG_OP = 'INSERT' THEN
            delta := (SELECT count(*) FROM new_rows WHERE status = 'active');
        ELSE
            delta := -(SELECT count(*) FROM old_rows WHERE status = 'active');
        END IF;
        IF delta = 0 THEN
            RETURN NULL;  -- no lock taken on the data-version row
        END IF;
        IF TG_TABLE_NAME = 'cameras' THEN
            UPDATE data_version SET active_cameras = active_cameras + delta WHERE id = 1;
        ELSE
            UPDATE data_version SET active_signs = active_signs + delta WHERE id = 1;
        END IF;
        RETURN NULL;
    END""",
    # A status change: a row trigger whose WHEN skips every other update without calling a function.
    "count_active_status": """
    BEGIN
        IF TG_TABLE_NAME = 'cameras' THEN
            UPDATE data_version SET active_cameras = active_cameras + CASE WHEN NEW.status = 'active' THEN 1 ELSE -1 END
            WHERE id = 1;
        ELSE
            UPDATE data_version SET active_signs = active_signs + CASE WHEN NEW.status = 'active' THEN 1 ELSE -1 END
            WHERE id = 1;
        END IF;
        RETURN NULL;
    END""",
}

_PG_TRIGGERS = {
    "insert": ("AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT", "count_active_rows"),
    "delete": ("AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT", "count_active_rows"),
    "truncate": ("AFTER TRUNCATE ON {table} FOR EACH STATEMENT", "count_active_rows"),
    "update": (
        "AFTER UPDATE OF status ON {table} FOR EACH ROW "
        "WHEN ((OLD.status = 'active') IS DISTINCT FROM (NEW.status = 'active'))",
        "count_active_status",
    ),
}

_SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT ON {table} WHEN NEW.status = 'active'", "+ 1"),
    "delete": ("AFTER DELETE ON {table} WHEN OLD.status = 'active'", "- 1"),
    "update": (
        "AFTER UPDATE OF status ON {table} WHEN (OLD.status = 'active') <> (NEW.status = 'active')",
        "+ CASE WHEN NEW.status = 'active' THEN 1 ELSE -1 END",
    ),
}


def upgrade():
    with op.batch_alter_table("data_version") as batch:
        batch.add_column(sa.Column("active_cameras", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("active_signs", sa.Integer(), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for name, body in _PG_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$")
    for table, column in COUNTED.items():
        if postgres:
            for event, (when, function) in _PG_TRIGGERS.items():
                op.execute(
                    f"CREATE TRIGGER {table}_active_{event} {when.format(table=table)} EXECUTE FUNCTION {function}()"
                )
        else:
            for event, (when, change) in _SQLITE_TRIGGERS.items():
                op.execute(
                    f"CREATE TRIGGER {table}_active_{event} {when.format(table=table)} BEGIN "
                    f"UPDATE data_version SET {column} = {column} {change} WHERE id = 1; END"
                )
        # Backfilled in this transaction, after the triggers exist: no write is missed in between.
        op.execute(f"UPDATE data_version SET {column} = (SELECT count(*) FROM {table} WHERE status = 'active')")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in COUNTED:
        for event in _PG_TRIGGERS if postgres else _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {table}_active_{event}" + (f" ON {table}" if postgres else ""))
    if postgres:
        for name in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    with op.batch_alter_table("data_version") as batch:
        batch.drop_column("active_signs")
        batch.drop_column("active_cameras")
