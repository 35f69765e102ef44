"""Alembic environment: the app's engine and models, online migrations only."""

import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")
migrate_ext = current_app.extensions["migrate"]
target_metadata = migrate_ext.db.metadata


def _skip_empty(context_, revision, directives):
    """Autogenerate writes no file when nothing changed."""
    if getattr(context.config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations_online() -> None:
    options = dict(migrate_ext.configure_args)
    options.setdefault("process_revision_directives", _skip_empty)
    options.setdefault("compare_type", True)
    with migrate_ext.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `flask db upgrade`.")
run_migrations_online()
