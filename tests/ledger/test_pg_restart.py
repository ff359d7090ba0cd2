"""Kiosks on three ledger processes ride out a real restart of their PostgreSQL (issue 19).

The outage test in test_many_ledgers.py cuts the ledgers' connections on the shared server;
here a server of the test's own (tests/ledger/pg_cluster.py) is stopped mid-load, stays down a
few seconds and starts again. For the last second before the stop, the holds table is locked
against writes, so holds and captures are certainly under way inside the server when it stops
(their transactions roll back; their kiosks get no answer or a 503). The kiosks retry with the
same Idempotency-Keys; afterwards the reliability audit must find nothing lost and nothing done
twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.ledger import city
from tests.ledger.pg_cluster import PgCluster, pg_cluster
from tests.ledger.test_many_ledgers import balances, redemptions_per_hold, stored_events
from tests.reliability.audit import ledger_disagreements

pytestmark = [pytest.mark.postgres, pytest.mark.chaos]

PROCESSES = 3
KIOSKS = 90
RATE = 6  # six times a city's peak: a visit every 10 s and a health check every 2.5 s a kiosk
RUN_S = 30
RESTART_AFTER_S = 10
DOWN_S = 3
# A phone code is taken once per 30 s step: with a visit every 10 s, a kiosk's members take
# turns over more than a step.
MEMBERS = 4
STALL_S = 1  # the holds table is locked this long before the stop
# After the server is back, a ledger must answer again within this long (its pooled
# connections are dead; the engine must replace them). Generous for a loaded CI machine.
BACK_WITHIN_S = 10


@dataclass
class Call:
    at: float  # time.monotonic() when the answer (or the failure) came
    url: str
    path: str
    status: int  # 0: no HTTP answer at all

    @property
    def money(self) -> bool:
        return self.path == "/v1/holds" or self.path.endswith("/capture")


@dataclass
class Restart:
    """When the server went down and came back, by time.monotonic(), and its start times."""

    down_at: float = 0.0
    back_at: float = 0.0
    started: list[datetime] = field(default_factory=list)  # before, after
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def cluster() -> Iterator[PgCluster]:
    with pg_cluster() as c:
        yield c


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Every call the simulated kiosks make, with its answer's status and time."""
    seen: list[Call] = []
    call_once = city.call_once

    def recorded(url: str, method: str, path: str, *args: Any, **kw: Any) -> tuple[int, Any]:
        status, body = call_once(url, method, path, *args, **kw)
        seen.append(Call(time.monotonic(), url, path, status))  # list.append: thread-safe
        return status, body

    monkeypatch.setattr(city, "call_once", recorded)
    return seen


def restart_later(
    cluster: PgCluster, after_s: float, stall_s: float, down_s: float
) -> tuple[threading.Thread, Restart]:
    """After `after_s`, lock the holds table for `stall_s` (holds and captures wait inside the
    server), then stop the server for `down_s` and start it again."""
    restart = Restart()

    def run() -> None:
        engine = create_engine(cluster.url)
        try:
            time.sleep(after_s)
            restart.started.append(cluster.started_at())
            conn = engine.connect()
            conn.execute(text("LOCK TABLE holds IN EXCLUSIVE MODE"))  # reads pass, writes wait
            time.sleep(stall_s)
            restart.down_at = time.monotonic()
            cluster.restart(down_s)  # ends the locking connection too
            restart.back_at = time.monotonic()
            restart.started.append(cluster.started_at())
            conn.invalidate()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            restart.errors.append(exc)
        finally:
            engine.dispose()

    thread = threading.Thread(target=run, name="pg-restart", daemon=True)
    thread.start()
    return thread, restart


def test_kiosks_on_three_ledgers_ride_out_a_restart_of_postgresql(
    cluster: PgCluster, calls: list[Call]
) -> None:
    db_url = cluster.url
    plans = city.seed_city(db_url, kiosk_count=KIOSKS, members_per_kiosk=MEMBERS)
    before = balances(db_url, plans)
    with city.ledgers(db_url, PROCESSES) as urls:
        del calls[:]  # the ledgers' start-up polls
        thread, restart = restart_later(cluster, RESTART_AFTER_S, STALL_S, DOWN_S)
        tally = city.run_city(plans, urls, rate=RATE, seconds=RUN_S, threads=24)
        thread.join(60)
        # Each process still answers, from the database (its health check reads it).
        health_after = {url: city.call_once(url, "GET", "/v1/health")[0] for url in urls}
    failed = [c for c in calls if not city.is_final(c.status, None)]
    late = [c for c in failed if c.at > restart.back_at + BACK_WITHIN_S]
    statuses = sorted({c.status for c in failed})
    money = [c for c in failed if c.money]
    print(
        f"restart: down {restart.back_at - restart.down_at:.1f} s, start times {restart.started};"
        f" city: {len(tally.sales)} visits, {tally.sessions} sessions, {tally.events_sent} events,"
        f" {tally.health_ok} health checks ok and {tally.health_failed} not, {tally.retries}"
        f" retries; {len(failed)} of {len(calls)} calls unanswered or 5xx (statuses {statuses},"
        f" {len(money)} of them holds or captures),"
        f" {len(late)} of them later than {BACK_WITHIN_S} s after the server was back"
    )
    assert not restart.errors, restart.errors
    assert not thread.is_alive(), "the restart did not finish"
    # The server really restarted, and the kiosks felt it.
    assert len(restart.started) == 2 and restart.started[1] > restart.started[0], restart.started
    during = [c for c in failed if restart.down_at <= c.at <= restart.back_at + BACK_WITHIN_S]
    assert any(c.money for c in during), "no hold or capture failed while the server was down"
    assert tally.retries > 0 and tally.health_failed > 0, "the kiosks did not feel the restart"
    # Every ledger process rode it out: it answers again, from the database, soon after.
    assert health_after == dict.fromkeys(urls, 200), health_after
    assert late == [], [(round(c.at - restart.back_at, 1), c.url, c.status) for c in late[:20]]
    for url in urls:
        assert any(
            c.url == url and c.at > restart.back_at and c.status in (200, 201, 202, 204)
            for c in calls
        ), f"the ledger at {url} answered no call after the server was back"
    # Nothing lost, nothing doubled.
    assert tally.refused == [], tally.refused[:10]
    assert len(tally.sales) >= KIOSKS, len(tally.sales)  # at least a visit a kiosk
    assert ledger_disagreements(db_url, tally.sales, before, set()) == []
    captured = {s.hold for s in tally.sales if s.hold is not None}
    assert redemptions_per_hold(db_url) == dict.fromkeys(captured, 1)
    after = balances(db_url, plans)
    assert min(after.values()) >= 0, "a member is overdrawn"
    assert stored_events(db_url) == tally.events_sent
