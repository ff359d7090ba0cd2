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
from tests.ledger.conftest import PG_URL, migrate_by_script


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


@pytest.mark.postgres
def test_the_tests_migration_script_gives_the_same_postgresql_schema_as_alembic(
    pg_url: str,
) -> None:
    """The ledger tests migrate a new PostgreSQL schema by one script (tests/ledger/conftest.py,
    `migrate_by_script`); it must build what the ledger's own migration builds, triggers too."""

    def shape(url: str) -> dict[str, object]:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                found = inspect(conn)
                schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
                triggers = conn.exec_driver_sql(
                    "SELECT event_object_table, trigger_name, event_manipulation, action_statement"
                    " FROM information_schema.triggers WHERE trigger_schema = %s",
                    (schema,),
                ).all()
                return {
                    "revision": MigrationContext.configure(conn).get_current_revision(),
                    "differences": differences(engine),
                    "indexes": {
                        t: sorted(str(sorted(i.items())) for i in found.get_indexes(t))
                        for t in found.get_table_names()
                    },
                    "triggers": sorted(tuple(map(str, row)) for row in triggers),
                }
        finally:
            engine.dispose()

    migrate_by_script(pg_url)
    scripted = shape(pg_url)
    other = pg_url.replace("search_path%3D", "search_path%3Dmig_")
    admin = make_engine(PG_URL)
    schema = other.rsplit("search_path%3D", 1)[1]
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        engine = make_engine(other)
        upgrade(engine)
        engine.dispose()
        assert scripted == shape(other)
        assert scripted["revision"] == head() and scripted["differences"] == []
        assert len(scripted["triggers"]) >= 2  # the audit log's append-only triggers
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
