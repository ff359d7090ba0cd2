"""A hold placed before the ledger restarts is settled after it: the book lives in the database."""

from __future__ import annotations

from ledger.server import EmbeddedLedger
from tests.ledger.conftest import Bank


def test_a_hold_is_captured_after_the_server_restarts(db_url: str) -> None:
    with EmbeddedLedger(db_url) as first:
        bank = Bank(db_url, first.url)
        member, secret = bank.add_member(coins=100)
        bank.set_item("soap", 25)
        session = bank.login(member, secret)
        placed = bank.hold(session, "soap", 25, idem="hold-1")
        assert placed.status_code == 201, placed.text
    assert first.status()["running"] is False

    with EmbeddedLedger(db_url) as second:
        bank.url = second.url
        # The kiosk lost the answer before the restart: its retry gets the stored first answer.
        replay = bank.hold(session, "soap", 25, idem="hold-1")
        assert (replay.status_code, replay.json()) == (201, placed.json())
        hold = placed.json()["hold"]
        captured = bank.call("POST", f"/v1/holds/{hold}/capture", idem="cap-1")
        assert (captured.status_code, captured.json()["state"]) == (200, "captured")
    assert bank.summary(member)["posted_balance"] == 75
