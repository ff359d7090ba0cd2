"""Alembic environment of the ledger: the models in ledger.db are the target schema.

Run through `ledger.migrate` (which `timebank-ledger init` and the server call at start), so
the URL comes from the caller's connection, not from an alembic.ini.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import create_engine

from ledger.db import Base, UTCDateTime
from ledger.lot_tables import Lot  # noqa: F401  (its module's tables join Base.metadata)
from ledger.phone_tables import Pool  # noqa: F401  (its module's tables join Base.metadata)


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Revisions must not import ledger.db's types (they change over time): UTCDateTime is
    # stored as a plain timezone-aware DateTime.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
