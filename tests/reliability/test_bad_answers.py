"""The ledger answers nonsense: the kiosk's real LedgerClient, over loopback HTTP, against a
server that answers each call with a generated status, headers and body. Every call either
returns a value that keeps to the contract or raises a LedgerError subclass whose message says
what was wrong; no KeyError, TypeError or ValueError escapes. A hold answer that is nonsense is
never taken for a hold: the real vend transaction opens no locker and queues a void by its key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from drivers.lockboard.kerong.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.errors import LedgerError, LedgerProtocolError
from kiosk.core.interfaces import CatalogItem, Hold, LockerAddress, MemberSession, Pairing
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.settlement import Settler
from kiosk.core.steps import VendStep
from kiosk.core.vend import VendTimings, VendTransaction
from kiosk.ledger_client import LedgerClient
from sim.lockboard import SimKerongBoard
from sim.world import Cabinet
from tests.reliability.nonsense_ledger import CONTRACT, Answer, NonsenseLedger, answers
from tests.reliability.scale import examples

QUICK = settings(
    max_examples=examples(300),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
CALLS: dict[str, Callable[[LedgerClient], Any]] = {
    "open_session": lambda c: c.open_session("tb1:m000001:12345678", None),
    "end_session": lambda c: c.end_session("s1"),
    "catalog": lambda c: c.catalog(),
    "hold": lambda c: c.hold("s1", "water", "0:2", 20, key="k1"),
    "capture": lambda c: c.capture("h1", key="k1:capture"),
    "void": lambda c: c.void("h1", "not_taken", key="k1:void"),
    "get_hold": lambda c: c.get_hold("h1"),
    "create_pairing": lambda c: c.create_pairing(),
    "poll_pairing": lambda c: c.poll_pairing("p1"),
    "send_events": lambda c: c.send_events([{"kind": "fault", "at": "2026-01-01T08:00:00Z"}]),
    "health": lambda c: c.health(),
}
SETTLED_AS = {"hold": "held", "capture": "captured", "void": "voided"}
IN_FLIGHT = ("request_in_progress", "slow_down")  # 4xx codes that do not mean "no hold"


@pytest.fixture(scope="module")
def ledger() -> Iterator[NonsenseLedger]:
    with NonsenseLedger() as server:
        yield server


@pytest.fixture(scope="module")
def client(ledger: NonsenseLedger) -> Iterator[LedgerClient]:
    c = LedgerClient(ledger.url, "kiosk-key", timeout=5.0, retries=0, backoff=0.0)
    yield c
    c.close()


def keeps_to_the_contract(call: str, answer: Answer, value: Any) -> None:
    """What a returned value may be: only a success, and nothing the ledger can never say."""
    assert 200 <= answer.status < 300, f"{call} took a {answer.status} for a success"
    if isinstance(value, Hold):
        body = answer.json()
        assert value.hold == body["hold"] and value.hold.strip(), value
        assert value.state == SETTLED_AS.get(call, value.state), value
        assert value.state in ("held", "captured", "voided", "expired", "refunded"), value
        assert value.balance is None or (type(value.balance) is int and value.balance >= 0)
    if isinstance(value, MemberSession):
        assert type(value.balance) is int and value.balance >= 0, value
    if isinstance(value, list):
        assert all(isinstance(i, CatalogItem) and i.price >= 0 for i in value), value
    if isinstance(value, Pairing):
        assert value.url.startswith(("http://", "https://")), value
        assert 0 < value.interval <= 86_400 and 0 < value.expires_in <= 86_400, value
    if isinstance(value, datetime):
        assert value.tzinfo is not None


@QUICK
@given(call=st.sampled_from(sorted(CALLS)), answer=answers)
@example(call="hold", answer=Answer(201, b'{"hold": "h1", "state": "voided"}'))  # was a hold
@example(call="hold", answer=Answer(201, b'{"hold": null, "state": "held"}'))  # hold "None"
@example(call="hold", answer=Answer(302, b'{"hold": "h1", "state": "held"}'))  # a portal
@example(call="open_session", answer=Answer(201, b'{"session": "s", "member": {"id": "m",'
         b' "name": "n", "role": "member"}, "balance": -5, "expires_at": "x"}'))  # fmt: skip
@example(call="create_pairing", answer=Answer(201, b'{"pairing": "p", "url": "http://x",'
         b' "expires_in": 120, "interval": 1e308}'))  # fmt: skip  # overflowed the poll timer
@example(call="catalog", answer=Answer(200, b"[" * 50_000 + b"]" * 50_000))  # RecursionError
@example(call="hold", answer=Answer(429, b'{"error": "slow_down"}', {"Retry-After": "²"}))
@example(call="health", answer=Answer(200, b'{"status": "ok", "time": "2026-01-01T08:00:00Z"}'))
def test_every_call_returns_a_contract_value_or_raises_a_ledger_error(
    client: LedgerClient, ledger: NonsenseLedger, call: str, answer: Answer
) -> None:
    ledger.answer = answer
    try:
        value = CALLS[call](client)
    except LedgerError as e:
        assert e.code and str(e).strip(), repr(e)
        if isinstance(e, LedgerProtocolError):
            assert len(e.message) > 10, e.message  # says what was wrong, not just "bad"
        return
    keeps_to_the_contract(call, answer, value)


def test_the_contract_answers_themselves_are_taken(
    client: LedgerClient, ledger: NonsenseLedger
) -> None:
    # The other side of the property: a correct answer is not refused as nonsense.
    for call, doc in CONTRACT.items():
        if call in CALLS:
            ledger.answer = Answer(201 if call == "hold" else 200, json.dumps(doc).encode())
            keeps_to_the_contract(call, ledger.answer, CALLS[call](client))


def sane_hold(answer: Answer) -> bool:
    doc = answer.json()
    return (
        200 <= answer.status < 300
        and isinstance(doc, dict)
        and isinstance(doc.get("hold"), str)
        and bool(doc["hold"].strip())
        and doc.get("state") == "held"
        and (doc.get("balance") is None or (type(doc["balance"]) is int and doc["balance"] >= 0))
    )


@pytest.fixture
def vends(ledger: NonsenseLedger, client: LedgerClient, tmp_path: Any) -> Iterator[Any]:
    cabinet = Cabinet.demo()
    with SimKerongBoard(cabinet) as board_sim:
        board = KerongLockBoard(board_sim.url, BoardProfile(command_timeout=0.2))
        journal = VendJournal(tmp_path / "journal.db")
        journal.seed_lockers([LockerStock("0:2", "water", 5, None, None)])
        settler = Settler(journal, client)
        timings = VendTimings(door_open_timeout=0.5, door_close_timeout=0.5, poll_interval=0.02)
        yield VendTransaction(journal, client, board, settler, timings), cabinet
        board.close()


def test_a_nonsense_hold_answer_opens_no_locker_and_leaves_a_void_queued(
    ledger: NonsenseLedger, vends: Any
) -> None:
    transaction, cabinet = vends

    @settings(QUICK, max_examples=examples(60))
    @given(answer=answers)
    @example(answer=Answer(201, b'{"hold": "h1", "state": "voided"}'))
    @example(answer=Answer(201, b'{"hold": "h1", "state": "held", "balance": -20}'))
    @example(answer=Answer(409, b'{"error": "request_in_progress"}'))  # was marked voided
    def refused(answer: Answer) -> None:
        assume(not sane_hold(answer))
        ledger.answer = answer
        outcome = transaction.run(
            "s1", "m000001", "water", 20, LockerAddress(0, 2), lambda step: None
        )
        assert not outcome.handed_out
        record, doc = outcome.record, answer.json()
        code = doc.get("error") if isinstance(doc, dict) else None
        if 400 <= answer.status < 500 and isinstance(code, str) and code not in IN_FLIGHT:
            assert record.state is VendStep.VOIDED, record  # refused in the contract's words
        else:  # garbled, lost or still in flight: a hold may exist, so a void by key is owed
            assert record.settlement == "void" and not record.state.final, record

    refused()
    assert cabinet.pulses(0, 2) == 0
