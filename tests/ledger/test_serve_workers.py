"""`timebank-ledger serve --workers N`: several server processes on one database stay one ledger.

The served processes are real (a subprocess on a loopback port); idempotency claims and the
no-overdraft check live in the database, so they hold across workers. SQLite and PostgreSQL.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.ledger.conftest import Bank, fresh_pg_schema

START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Bank]:
    """A ledger served by two worker processes, one per database for the module's tests (each
    test has members of its own); yields a Bank calling it over HTTP."""
    if request.param == "sqlite":
        yield from serve_two_workers(f"sqlite:///{tmp_path_factory.mktemp('ledger')}/ledger.db")
    else:
        with fresh_pg_schema() as db_url:
            yield from serve_two_workers(db_url)


def serve_two_workers(db_url: str) -> Iterator[Bank]:
    port = free_port()
    cmd = [sys.executable, "-m", "ledger.cli", "--db", db_url, "serve"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if requests.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, "serve --workers 2 exited during start-up"
            assert time.monotonic() < deadline, "serve --workers 2 did not answer in time"
            time.sleep(0.2)
        yield Bank(db_url, url)
    finally:
        proc.terminate()
        proc.wait(30)


def test_workers_never_overdraw_a_member_under_concurrent_holds(served: Bank) -> None:
    member, secret = served.add_member(coins=100)
    served.set_item("soap", 25)
    session = served.login(member, secret)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: served.hold(session, "soap", 25), range(12)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] * 4 + [402] * 8
    assert served.balance(member) == 0


def test_workers_share_idempotency_a_repeated_capture_is_replayed_once(served: Bank) -> None:
    member, secret = served.add_member(coins=100)
    served.set_item("soap", 25)
    placed = served.hold(served.login(member, secret), "soap", 25)
    assert placed.status_code == 201, placed.text
    idem, path = uuid.uuid4().hex, f"/v1/holds/{placed.json()['hold']}/capture"
    # Fresh connections each time, so the repeats may land on either worker.
    answers = [served.call("POST", path, {}, idem=idem) for _ in range(6)]
    assert {r.status_code for r in answers} == {200}
    assert [r.headers.get("Idempotent-Replayed") for r in answers[1:]] == ["true"] * 5
    assert served.summary(member)["posted_balance"] == 75


def test_concurrent_twins_across_workers_place_one_hold_and_share_its_answer(
    served: Bank,
) -> None:
    member, secret = served.add_member(coins=100)
    served.set_item("soap", 25)
    body = {"session": served.login(member, secret), "sku": "soap", "locker": "0:1", "price": 25}
    idem = uuid.uuid4().hex
    # Twins in other worker processes wait at the claim and replay; those in the same process
    # while the first is in flight get 409. None may place a second hold.
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: served.call("POST", "/v1/holds", body, idem=idem), range(16))
        )
    placed = [r.json() for r in answers if r.status_code == 201]
    refused = [r.json()["error"] for r in answers if r.status_code != 201]
    assert placed, [r.text for r in answers]
    assert all(p == placed[0] for p in placed)
    assert set(refused) <= {"request_in_progress"}
    assert served.balance(member) == 75
