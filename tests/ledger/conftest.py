"""Fixtures: a real ledger on a loopback port, over SQLite and over PostgreSQL, and a kiosk for it.

Every test that takes `db_url` (or `bank`) runs twice: on a temporary SQLite file and on a fresh
PostgreSQL schema.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import io
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import pytest
import requests
from alembic import command
from sqlalchemy import create_engine, inspect, text

from ledger import cards, catalog, kiosks, members
from ledger.cli import with_book
from ledger.db import Role, create_schema, make_engine
from ledger.migrate import alembic_config
from ledger.server import EmbeddedLedger

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def phone_code(member_id: str, secret: str) -> str:
    """What the member's phone shows now, computed by pyotp itself (not by the ledger's code)."""
    otp = pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30).now()
    return f"tb1:{member_id}:{otp}"


class Bank:
    """Test-side staff and kiosk: sets up data in the ledger's database, calls its HTTP API."""

    def __init__(self, db_url: str, url: str) -> None:
        self.db_url = db_url
        self.url = url
        self.key = self.add_kiosk("Test kiosk")

    def add_kiosk(self, name: str) -> str:
        return with_book(self.db_url, lambda s: kiosks.add_kiosk(s, name)[1])

    def add_member(
        self, coins: int, role: Role = Role.MEMBER, grant: bool = False
    ) -> tuple[str, str]:
        def work(s: Any) -> tuple[str, str]:
            m = members.add_member(s, "测试 Test", role, coins, grant)
            assert m.totp_secret is not None
            return m.id, m.totp_secret

        return with_book(self.db_url, work)

    def issue_card(self, member_id: str, pin: str) -> str:
        """The printed card's code, as `card issue` makes it."""
        return with_book(
            self.db_url, lambda s: cards.issue_card(s, members.get_member(s, member_id), pin)[1]
        )

    def set_item(self, sku: str, price: int) -> None:
        with_book(self.db_url, lambda s: catalog.set_item(s, sku, price, sku + "中", sku))

    def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        key: str | None = None,
        idem: str | None = None,
        **kw: Any,
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {key or self.key}"}
        if idem is not None:
            headers["Idempotency-Key"] = idem
        return requests.request(
            method, self.url + path, json=json, headers=headers, timeout=30, **kw
        )

    def login(self, member_id: str, secret: str, key: str | None = None) -> str:
        r = self.call("POST", "/v1/sessions", {"code": phone_code(member_id, secret)}, key=key)
        assert r.status_code == 201, r.text
        return r.json()["session"]

    def card_login(self, card_code: str, pin: str, key: str | None = None) -> str:
        r = self.call("POST", "/v1/sessions", {"code": card_code, "pin": pin}, key=key)
        assert r.status_code == 201, r.text
        return r.json()["session"]

    def hold(self, session: str, sku: str, price: int, idem: str | None = None) -> Any:
        body = {"session": session, "sku": sku, "locker": "0:1", "price": price}
        return self.call("POST", "/v1/holds", body, idem=idem or uuid.uuid4().hex)

    def summary(self, member_id: str) -> dict[str, Any]:
        """What `member show` says (by the real clock)."""
        return with_book(self.db_url, lambda s: members.member_summary(s, member_id))

    def balance(self, member_id: str) -> int:
        return int(self.summary(member_id)["balance"])


class ManualClock:
    """The ledger's clock in tests: it moves only when told, so nothing waits on real time."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def clocked_bank(db_url: str, clock: ManualClock) -> Iterator[Bank]:
    """A ledger whose clock is `clock` (phone codes then only work until it is moved)."""
    yield from start_bank(db_url, clock=clock)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@functools.cache
def migrated_sqlite_ledger() -> Path:
    """One SQLite ledger migrated to head per test process, copied for each bank (a copy is
    a file copy; migrating is Alembic's whole run). Removed when the process ends."""
    folder = tempfile.mkdtemp(prefix="ledger-template-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "ledger.db"
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    engine.dispose()  # the last connection closed: the WAL is checkpointed into the file
    assert not Path(f"{path}-wal").exists(), "the template's WAL was not folded into it"
    return path


@functools.cache
def migration_sql_for_postgresql() -> str:
    """The migrations to head as one PostgreSQL script (Alembic's offline mode), made once per
    test process: run into a new schema it is the whole migration in one round trip, where
    Alembic online takes a round trip a step. tests/ledger/test_migrations.py still migrates
    empty databases the ledger's own way, and checks that this script gives the same schema."""
    out = io.StringIO()
    config = alembic_config(url=PG_URL)
    config.output_buffer = out
    command.upgrade(config, "head", sql=True)
    return out.getvalue()


def migrate_by_script(db_url: str) -> None:
    """An empty PostgreSQL schema migrated to head by `migration_sql_for_postgresql`."""
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                conn.exec_driver_sql(migration_sql_for_postgresql())  # its own BEGIN ... COMMIT
    finally:
        engine.dispose()


def start_bank(db_url: str, **kw: Any) -> Iterator[Bank]:
    # A new SQLite ledger starts as a copy of the migrated template, a new PostgreSQL schema by
    # the migration script; the ledger's own start-up still runs its migration check (at head:
    # nothing to do).
    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).exists():
        shutil.copyfile(migrated_sqlite_ledger(), db_url.removeprefix("sqlite:///"))
    elif db_url.startswith("postgresql"):
        migrate_by_script(db_url)
    with EmbeddedLedger(db_url, **kw) as ledger:
        yield Bank(db_url, ledger.url)


@pytest.fixture
def bank(db_url: str) -> Iterator[Bank]:
    yield from start_bank(db_url)


WATER_PRICE = 30


@pytest.fixture
def shop(db_url: str, clock: ManualClock) -> Iterator[Bank]:
    """A ledger on the test's clock selling water at WATER_PRICE (reservations, pools)."""
    for bank in start_bank(db_url, clock=clock):
        bank.set_item("water", WATER_PRICE)
        yield bank


@contextlib.contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """A fresh schema in the test PostgreSQL, dropped after; skips the test when there is none
    (fails under CI)."""
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure)")
        pytest.skip(reason)
    schema = "tb_test_" + uuid.uuid4().hex[:12]
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema in the test PostgreSQL (`fresh_pg_schema`)."""
    with fresh_pg_schema() as url:
        yield url


def office_today() -> date:
    """Today at the office (the default office_tz, Asia/Shanghai), by which the ledger dates
    lots: from 16:00 UTC it is already tomorrow there, so tests must not use date.today()."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()
