"""Alembic environment: migrations run on the connection bot.store.migrate hands over, or, from
the `alembic` command line, on LECTERN_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from bot.store.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from bot.settings import Settings
    from bot.store.engine import sync_url

    with create_engine(sync_url(Settings().database_url.get_secret_value())).connect() as bound:
        _run(bound)
        bound.commit()
