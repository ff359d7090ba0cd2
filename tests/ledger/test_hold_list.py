"""`timebank-ledger hold list`, and `call`: a command run in-process with its JSON as data."""

from __future__ import annotations

import pytest

from ledger import cli
from ledger.errors import LedgerError
from tests.ledger.conftest import Bank


def test_hold_list_shows_every_hold_oldest_first_and_filters_by_member_and_state(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    bank.set_item("soap", 25)
    wang, wang_secret = bank.add_member(coins=100)
    li, li_secret = bank.add_member(coins=100)
    first = bank.hold(bank.login(wang, wang_secret), "soap", 25).json()["hold"]
    second = bank.hold(bank.login(li, li_secret), "soap", 25).json()["hold"]
    assert bank.call("POST", f"/v1/holds/{first}/capture", idem="cap-1").status_code == 200

    every = cli.call(["--db", bank.db_url, "hold", "list"])["holds"]
    assert [(h["hold"], h["member"], h["state"]) for h in every] == [
        (first, wang, "captured"),
        (second, li, "held"),
    ]
    assert (every[0]["sku"], every[0]["price"], every[0]["locker"]) == ("soap", 25, "0:1")
    assert every[0]["settled_at"] is not None and every[1]["settled_at"] is None
    theirs = cli.call(["--db", bank.db_url, "hold", "list", "--member", li])["holds"]
    assert [h["hold"] for h in theirs] == [second]
    held = cli.call(["--db", bank.db_url, "hold", "list", "--state", "held"])["holds"]
    assert [h["hold"] for h in held] == [second]
    assert capsys.readouterr().out == ""  # call() answers with data, it prints nothing

    assert cli.main(["--db", bank.db_url, "hold", "list", "--state", "captured"]) == 0
    text = capsys.readouterr().out
    assert first in text and "captured" in text and second not in text


def test_hold_list_of_an_unknown_member_is_refused(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(LedgerError, match="m404"):
        cli.call(["--db", db_url, "hold", "list", "--member", "m404"])
    assert cli.main(["--db", db_url, "hold", "list", "--member", "m404"]) == 2
    assert "m404" in capsys.readouterr().err


def test_no_holds_is_said_in_words(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.call(["--db", db_url, "hold", "list"]) == {"holds": []}
    assert cli.main(["--db", db_url, "hold", "list"]) == 0
    assert capsys.readouterr().out.strip() == "no holds"
