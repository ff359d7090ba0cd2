"""Alembic migrations build exactly the models' schema, so drift between them is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ledger import cli
from ledger.db import Base, make_engine
from ledger.errors import LegacySchema
from ledger.migrate import differences, head, upgrade


def test_upgrade_to_head_on_an_empty_database_gives_exactly_the_models_schema(
    db_url: str,
) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        assert differences(engine) == []
        tables = set(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_init_migrates_and_running_it_again_changes_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--db", db_url, "init"]) == 0
    assert cli.main(["--db", db_url, "init"]) == 0
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head()
    engine.dispose()


def test_a_database_made_before_migrations_is_named_not_silently_reused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    Base.metadata.create_all(engine)
    with pytest.raises(LegacySchema, match="before migrations"):
        upgrade(engine)
    engine.dispose()
