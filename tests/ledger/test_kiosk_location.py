"""`timebank-ledger kiosk add --location L` stores where the kiosk stands, and the member's phone
sees it on the pairing page (so they know they are confirming the kiosk in front of them)."""

from __future__ import annotations

import json

import pytest

from ledger import kiosks
from ledger.cli import main
from ledger.cli.base import with_book
from tests.ledger import pairing_helpers
from tests.ledger.conftest import Bank, ManualClock
from tests.ledger.pairing_helpers import Phone, otp_at, start_pairing

timed_bank = pairing_helpers.timed_bank  # the fixture, as test_pairing.py takes it


def test_kiosk_add_stores_the_location_given(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", db_url, "kiosk", "add", "--name", "北门", "--location", "幸福社区 3 号楼"]
    assert main([*argv, "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["location"] == "幸福社区 3 号楼"
    stored = with_book(db_url, lambda s: kiosks.get_kiosk(s, added["kiosk"]).location)
    assert stored == "幸福社区 3 号楼"


def test_the_pairing_page_names_the_location_stored_by_the_cli(
    timed_bank: Bank, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = timed_bank
    argv = ["--db", bank.db_url, "kiosk", "add", "--name", "东门 East gate"]
    assert main([*argv, "--location", "长乐街道 Changle street", "--json"]) == 0
    key = json.loads(capsys.readouterr().out)["key"]
    made = start_pairing(bank, key)
    member, secret = bank.add_member(coins=10)
    page = Phone(made["url"]).sign_in(method="phone", member=member, otp=otp_at(secret, clock))
    assert page.status_code == 200, page.text
    assert "东门 East gate" in page.text and "长乐街道 Changle street" in page.text
