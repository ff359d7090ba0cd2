"""Stale holds expire: their coins come back, a late capture is 410, and the sweep records it."""

from __future__ import annotations

import json
import uuid

import pytest

from ledger import cli
from ledger.expiry import DEFAULT_HOLD_TTL_S
from tests.ledger.conftest import Bank, ManualClock, start_bank

PIN = "1357"


def held_soap(bank: Bank) -> tuple[str, str, str]:
    """(member, card code, hold id): a member with 100 coins holding soap at 25."""
    member, _ = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    card = bank.issue_card(member, PIN)
    r = bank.hold(bank.card_login(card, PIN), "soap", 25)
    assert (r.status_code, r.json()["balance"]) == (201, 75), r.text
    return member, card, r.json()["hold"]


def spendable_now(bank: Bank, card: str) -> int:
    """The balance the ledger reports at sign-in, by its own (moved) clock."""
    r = bank.call("POST", "/v1/sessions", {"code": card, "pin": PIN})
    assert r.status_code == 201, r.text
    return int(r.json()["balance"])


def test_a_hold_expires_after_24_hours_by_default(clocked_bank: Bank, clock: ManualClock) -> None:
    _, card, hold = held_soap(clocked_bank)
    clock.advance(seconds=DEFAULT_HOLD_TTL_S - 60)
    assert spendable_now(clocked_bank, card) == 75
    assert clocked_bank.call("GET", f"/v1/holds/{hold}").json()["state"] == "held"
    clock.advance(seconds=61)
    assert spendable_now(clocked_bank, card) == 100
    assert clocked_bank.call("GET", f"/v1/holds/{hold}").json()["state"] == "expired"


def test_capturing_an_expired_hold_is_410_hold_expired(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    member, card, hold = held_soap(clocked_bank)
    clock.advance(hours=25)
    r = clocked_bank.call("POST", f"/v1/holds/{hold}/capture", idem=uuid.uuid4().hex)
    assert (r.status_code, r.json()["error"]) == (410, "hold_expired")
    assert "expired" in r.json()["message"]
    assert spendable_now(clocked_bank, card) == 100
    assert clocked_bank.summary(member)["posted_balance"] == 100  # nothing was debited


def test_voiding_an_expired_hold_is_harmless(clocked_bank: Bank, clock: ManualClock) -> None:
    _, card, hold = held_soap(clocked_bank)
    clock.advance(hours=25)
    r = clocked_bank.call("POST", f"/v1/holds/{hold}/void", {"reason": "late"}, idem="v")
    assert (r.status_code, r.json()["state"], r.json()["balance"]) == (200, "expired", 100)


def test_the_server_sweep_marks_lapsed_holds_expired(db_url: str, clock: ManualClock) -> None:
    from ledger.server import EmbeddedLedger
    from tests.ledger.conftest import Bank as TestBank

    with EmbeddedLedger(db_url, clock=clock, hold_ttl_seconds=600, sweep_interval=3600) as ledger:
        bank = TestBank(db_url, ledger.url)
        member, _, hold = held_soap(bank)
        sweeper = ledger._app.state.sweeper if ledger._app else None
        assert sweeper is not None and ledger.status()["sweeper"]["state"] == "running"
        assert sweeper.sweep() == []
        clock.advance(seconds=601)
        assert sweeper.sweep() == [hold]
        assert ledger.status()["sweeper"]["expired_total"] == 1
        # member show uses the real clock: the hold is expired in the book, not only by time.
        assert bank.balance(member) == 100
    assert ledger.status()["running"] is False


def test_expire_holds_by_hand_prints_what_it_expired(
    db_url: str, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    # A ledger whose clock runs two days behind: its holds are already stale in real time.
    clock.advance(days=-2)
    for bank in start_bank(db_url, clock=clock):
        _, _, hold = held_soap(bank)
        assert cli.main(["--db", db_url, "expire-holds", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == {"expired": [hold]}
        assert cli.main(["--db", db_url, "expire-holds"]) == 0
        assert capsys.readouterr().out.strip() == "0 stale holds expired"
        assert bank.call("GET", f"/v1/holds/{hold}").json()["state"] == "expired"
