"""Corrections are new transactions: refunds once, reversals once, adjustments with a reason."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from ledger import cli
from tests.ledger.conftest import Bank


def run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> Any:
    assert cli.main(["--db", db_url, *argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def fail(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> str:
    assert cli.main(["--db", db_url, *argv]) == 2
    return capsys.readouterr().err


def captured_soap(bank: Bank) -> tuple[str, str]:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    hold = bank.hold(bank.login(member, secret), "soap", 25).json()["hold"]
    assert bank.call("POST", f"/v1/holds/{hold}/capture", idem="c").status_code == 200
    return member, hold


def all_sums_zero(db_url: str) -> bool:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        sums = conn.execute(text("SELECT sum(amount) FROM postings GROUP BY transaction_id"))
        ok = all(total == 0 for (total,) in sums)
    engine.dispose()
    return ok


def test_a_refund_gives_the_coins_back_once(bank: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    member, hold = captured_soap(bank)
    out = run(capsys, bank.db_url, "refund", hold, "--reason", "soap was broken")
    assert (out["hold"], out["state"]) == (hold, "refunded")
    assert bank.balance(member) == 100
    err = fail(capsys, bank.db_url, "refund", hold, "--reason", "again")
    assert "already refunded" in err
    assert bank.balance(member) == 100
    assert bank.call("GET", f"/v1/holds/{hold}").json()["state"] == "refunded"
    assert all_sums_zero(bank.db_url)


def test_only_a_captured_hold_can_be_refunded(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    hold = bank.hold(bank.login(member, secret), "soap", 25).json()["hold"]
    assert "only a captured hold" in fail(capsys, bank.db_url, "refund", hold, "--reason", "r")
    assert "no hold" in fail(capsys, bank.db_url, "refund", "hnothing", "--reason", "r")


def test_a_reversal_is_a_new_transaction_with_reason_and_actor_and_happens_once(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, _ = bank.add_member(coins=0)
    credit = run(capsys, bank.db_url, "credit-hours", member, "3")
    staff = run(capsys, bank.db_url, "member", "add", "--name", "陈主任", "--role", "staff")
    out = run(
        capsys,
        bank.db_url,
        "reverse",
        str(credit["tx"]),
        "--reason",
        "wrong member",
        "--by",
        staff["member"],
    )
    assert (out["reverses"], out["memo"], out["actor"], out["kind"]) == (
        credit["tx"],
        "wrong member",
        staff["member"],
        "reversal",
    )
    assert bank.balance(member) == 0
    assert "already reversed" in fail(
        capsys, bank.db_url, "reverse", str(credit["tx"]), "--reason", "again"
    )
    history = run(capsys, bank.db_url, "member", "show", member)["history"]
    assert [(h["kind"], h["coins"], h["balance_after"]) for h in history] == [
        ("volunteer_hours", 30, 30),
        ("reversal", -30, 0),
    ]
    assert all_sums_zero(bank.db_url)


def test_a_reversal_that_would_overdraw_the_member_is_refused(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, secret = bank.add_member(coins=0)
    credit = run(capsys, bank.db_url, "credit-hours", member, "2")
    bank.set_item("water", 20)
    hold = bank.hold(bank.login(member, secret), "water", 20).json()["hold"]
    bank.call("POST", f"/v1/holds/{hold}/capture", idem="c")
    err = fail(capsys, bank.db_url, "reverse", str(credit["tx"]), "--reason", "typo")
    assert f"member {member}" in err and "0 spendable" in err


def test_adjust_needs_a_reason_and_a_staff_actor(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, _ = bank.add_member(coins=10)
    tech = run(capsys, bank.db_url, "member", "add", "--name", "张师傅", "--role", "technician")
    err = fail(capsys, bank.db_url, "adjust", member, "5", "--reason", "x", "--by", tech["member"])
    assert "not staff" in err
    err = fail(capsys, bank.db_url, "adjust", member, "5", "--reason", " ")
    assert "needs a reason" in err
    out = run(capsys, bank.db_url, "adjust", member, "5", "--reason", "found coins")
    assert out["actor"].startswith("os:") and out["coins"] == 5
    out = run(capsys, bank.db_url, "adjust", member, "-15", "--reason", "double grant")
    assert bank.balance(member) == 0
    assert "would take 1 coins" in fail(
        capsys, bank.db_url, "adjust", member, "-1", "--reason", "r"
    )
    assert all_sums_zero(bank.db_url)
