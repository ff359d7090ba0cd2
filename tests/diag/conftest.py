"""A simulated site (real ledger over loopback, pty lock board and scanner) and the kiosk parts a
technician works on, built from the site's own config file."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from kiosk.core.config import load_config
from kiosk.wiring.parts import KioskParts
from ledger.db import make_engine, session_factory
from ledger.events import list_events, parse_kind
from sim.site import SimulatedSite


@pytest.fixture
def site(tmp_path):
    with SimulatedSite(tmp_path / "site") as s:
        yield s


@pytest.fixture
def parts(site):
    with KioskParts.from_config(load_config(site.config_path)) as p:
        yield p


def ledger_events(site: SimulatedSite, kind: str) -> list[dict[str, Any]]:
    """What staff see for this kiosk in the ledger (the same query as `timebank-ledger events`)."""
    engine = make_engine(site.ledger.db_url)
    try:
        with session_factory(engine)() as s:
            return list_events(s, site.demo["kiosk"], parse_kind(kind))
    finally:
        engine.dispose()


def kiosk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The `kiosk` command, as a technician runs it over SSH."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )
