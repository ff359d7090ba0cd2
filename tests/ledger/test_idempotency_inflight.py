"""A twin of a money call that arrives while the first is still being processed gets 409.

The first request is held inside the book (a gate in front of `book.place_hold`) so that the
twin really arrives mid-flight; the idempotency code itself is the real one. Every test runs on
SQLite and on PostgreSQL (the `bank` fixture).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
import requests

from ledger import book
from ledger.errors import InsufficientFunds
from tests.ledger.conftest import Bank, ManualClock

GATE_TIMEOUT_S = 30


class Gate:
    """Holds the first call of the wrapped book function until `release()`."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.calls = 0

    def __call__(self, *args: Any, **kw: Any) -> Any:
        self.calls += 1
        if self.calls == 1:
            self.entered.set()
            assert self.opened.wait(GATE_TIMEOUT_S), "the test never released the gate"
        return self.real(*args, **kw)

    def release(self) -> None:
        self.opened.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate(book.place_hold)
    monkeypatch.setattr(book, "place_hold", g)
    yield g
    g.release()


def first_hold_in_flight(
    bank: Bank, gate: Gate, pool: ThreadPoolExecutor, body: dict[str, Any], idem: str
) -> Future[requests.Response]:
    first = pool.submit(bank.call, "POST", "/v1/holds", body, idem=idem)
    assert gate.entered.wait(GATE_TIMEOUT_S), "the first request never reached the book"
    return first


def shopper(bank: Bank, coins: int) -> dict[str, Any]:
    member, secret = bank.add_member(coins=coins)
    bank.set_item("soap", 25)
    return {"session": bank.login(member, secret), "sku": "soap", "locker": "0:1", "price": 25}


def test_a_twin_arriving_mid_flight_gets_409_and_later_the_first_answer(
    bank: Bank, gate: Gate
) -> None:
    body = shopper(bank, coins=100)
    with ThreadPoolExecutor(1) as pool:
        first = first_hold_in_flight(bank, gate, pool, body, "twin-1")
        twin = bank.call("POST", "/v1/holds", body, idem="twin-1")
        assert (twin.status_code, twin.json()["error"]) == (409, "request_in_progress")
        gate.release()
        answer = first.result(GATE_TIMEOUT_S)
    assert answer.status_code == 201, answer.text
    after = bank.call("POST", "/v1/holds", body, idem="twin-1")
    assert (after.status_code, after.json()) == (201, answer.json())
    assert after.headers["Idempotent-Replayed"] == "true"
    assert gate.calls == 1  # the twin never reached the book


def test_a_different_body_mid_flight_is_still_a_mismatch(bank: Bank, gate: Gate) -> None:
    body = shopper(bank, coins=100)
    with ThreadPoolExecutor(1) as pool:
        first = first_hold_in_flight(bank, gate, pool, body, "twin-2")
        other = bank.call("POST", "/v1/holds", {**body, "locker": "0:2"}, idem="twin-2")
        assert (other.status_code, other.json()["error"]) == (422, "idempotency_mismatch")
        gate.release()
        assert first.result(GATE_TIMEOUT_S).status_code == 201


def test_a_failed_first_request_releases_its_claim_so_a_retry_runs_again(
    bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = shopper(bank, coins=100)
    real = book.place_hold
    failures = iter([InsufficientFunds("injected refusal")])

    def refuse_once(*args: Any, **kw: Any) -> Any:
        for exc in failures:
            raise exc
        return real(*args, **kw)

    monkeypatch.setattr(book, "place_hold", refuse_once)
    refused = bank.call("POST", "/v1/holds", body, idem="retry-1")
    assert (refused.status_code, refused.json()["error"]) == (402, "insufficient_funds")
    retried = bank.call("POST", "/v1/holds", body, idem="retry-1")
    assert retried.status_code == 201, retried.text
    assert "Idempotent-Replayed" not in retried.headers


def test_a_key_is_answered_long_after_its_hold_lapsed(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    """Records are never deleted: a kiosk back after the hold's lifetime (24 h) plus a week
    away (docs/deploy-ledger.md, "Idempotency records") still gets its first answer."""
    body = shopper(clocked_bank, coins=100)
    first = clocked_bank.call("POST", "/v1/holds", body, idem="back-after-a-week")
    assert first.status_code == 201, first.text
    clock.advance(days=1 + 7, minutes=1)
    again = clocked_bank.call("POST", "/v1/holds", body, idem="back-after-a-week")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
