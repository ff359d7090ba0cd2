"""Schema migrations with Alembic (ledger/migrations/): run by `init` and at server start.

New schema change: edit the models in ledger/db.py, then
`python -m ledger.migrate revision "what changed"` writes the next revision by autogenerate;
read it through before committing.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from ledger.db import Base
from ledger.errors import LegacySchema
from ledger.lot_tables import Lot  # noqa: F401  (its module's tables join Base.metadata)
from ledger.phone_tables import Pool  # noqa: F401  (its module's tables join Base.metadata)

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Any = None, url: str = "") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head() -> str | None:
    """The newest revision (read once per process: the scripts do not change while running)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision; cheap when it already is."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is not None and current == head():
            return
        if current is None and inspect(conn).has_table("members"):
            raise LegacySchema(
                f"{engine.url.render_as_string(hide_password=True)} has ledger tables made "
                "before migrations existed; move it aside and run `timebank-ledger init`"
            )
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def differences(engine: Engine) -> list[Any]:
    """What differs between the database and the models (empty when they agree)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revision":
        print('usage: python -m ledger.migrate revision "what changed"', file=sys.stderr)
        return 2
    from tempfile import TemporaryDirectory

    from ledger.db import make_engine

    # Autogenerate compares the models with a scratch database at the current head.
    with TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        command.revision(alembic_config(url=url), message=argv[1], autogenerate=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
