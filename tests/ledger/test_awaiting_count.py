"""Holds awaiting a locker count: kept open past the 24 h default until a count settles them,
listed for staff, and settled by capture or void as any other hold."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from ledger import cli
from tests.ledger.conftest import Bank, ManualClock
from tests.ledger.test_expiry import held_soap, spendable_now


def test_a_hold_awaiting_a_count_never_lapses_and_a_capture_still_charges_it(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    member, card, hold = held_soap(clocked_bank)
    r = clocked_bank.call("POST", f"/v1/holds/{hold}/await-count")
    assert (r.status_code, r.json()["state"], r.json()["awaiting_count"]) == (200, "held", True)
    clock.advance(days=30)
    assert spendable_now(clocked_bank, card) == 75  # still held a month later
    got = clocked_bank.call("GET", f"/v1/holds/{hold}").json()
    assert (got["state"], got["awaiting_count"]) == ("held", True)
    r = clocked_bank.call("POST", f"/v1/holds/{hold}/capture", idem=uuid.uuid4().hex)
    assert (r.status_code, r.json()["state"]) == (200, "captured")
    assert clocked_bank.summary(member)["posted_balance"] == 75


def test_a_count_that_finds_the_item_voids_the_waiting_hold(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    member, card, hold = held_soap(clocked_bank)
    assert clocked_bank.call("POST", f"/v1/holds/{hold}/await-count").status_code == 200
    assert clocked_bank.call("POST", f"/v1/holds/{hold}/await-count").status_code == 200  # twice
    clock.advance(days=2)
    r = clocked_bank.call("POST", f"/v1/holds/{hold}/void", {"reason": "counted"}, idem="v")
    assert (r.status_code, r.json()["state"], r.json()["balance"]) == (200, "voided", 100)


def test_only_an_open_hold_can_wait_for_a_count(clocked_bank: Bank, clock: ManualClock) -> None:
    _, _, hold = held_soap(clocked_bank)
    assert clocked_bank.call("POST", f"/v1/holds/{hold}/void", idem="v").status_code == 200
    r = clocked_bank.call("POST", f"/v1/holds/{hold}/await-count")
    assert (r.status_code, r.json()["error"]) == (409, "hold_not_open")
    _, _, late = held_soap(clocked_bank)
    clock.advance(hours=25)
    r = clocked_bank.call("POST", f"/v1/holds/{late}/await-count")
    assert (r.status_code, r.json()["error"]) == (410, "hold_expired")
    r = clocked_bank.call("POST", "/v1/holds/no-such-hold/await-count")
    assert (r.status_code, r.json()["error"]) == (404, "unknown_hold")


def test_another_kiosk_cannot_mark_a_hold_and_a_keyless_call_is_401(clocked_bank: Bank) -> None:
    _, _, hold = held_soap(clocked_bank)
    other = clocked_bank.add_kiosk("另一台")
    r = clocked_bank.call("POST", f"/v1/holds/{hold}/await-count", key=other)
    assert r.status_code == 403
    r = requests.post(f"{clocked_bank.url}/v1/holds/{hold}/await-count", timeout=30)
    assert (r.status_code, r.json()["error"]) == (401, "unauthorized")


def test_staff_list_the_holds_awaiting_a_count_until_they_are_settled(
    clocked_bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, _, hold = held_soap(clocked_bank)
    _, _, other = held_soap(clocked_bank)  # open, but not waiting: not listed
    assert clocked_bank.call("POST", f"/v1/holds/{hold}/await-count").status_code == 200
    assert cli.main(["--db", clocked_bank.db_url, "awaiting-count", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["awaiting_count"]
    assert (row["hold"], row["member"], row["sku"], row["price"], row["locker"]) == (
        hold,
        member,
        "soap",
        25,
        "0:1",
    )
    assert cli.main(["--db", clocked_bank.db_url, "awaiting-count"]) == 0
    text = capsys.readouterr().out
    assert f"hold {hold}" in text and "locker 0:1" in text and other not in text
    assert clocked_bank.call("POST", f"/v1/holds/{hold}/capture", idem="c").status_code == 200
    assert cli.main(["--db", clocked_bank.db_url, "awaiting-count"]) == 0
    assert "no vend awaits a locker count" in capsys.readouterr().out
