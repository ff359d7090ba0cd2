"""Coins in: the monthly grant reaches eligible members once a month; hours become coins."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from ledger import book, cli
from ledger.cli import with_book
from ledger.db import MonthlyGrant

PAST = ("--past", "--yes")  # these months are past: a manager's decision, confirmed


def run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> Any:
    assert cli.main(["--db", db_url, *argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def add(capsys: pytest.CaptureFixture[str], db_url: str, *extra: str) -> str:
    return run(capsys, db_url, "member", "add", "--name", "居民", *extra)["member"]


def balance(capsys: pytest.CaptureFixture[str], db_url: str, member: str) -> int:
    return int(run(capsys, db_url, "member", "show", member)["balance"])


def test_grant_month_twice_grants_eligible_members_once(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    eligible = add(capsys, db_url, "--grant")
    other = add(capsys, db_url)
    first = run(capsys, db_url, "grant-month", "--month", "2026-03", *PAST)
    second = run(capsys, db_url, "grant-month", "--month", "2026-03", *PAST)
    assert first == {
        "month": "2026-03",
        "coins": 15,
        "granted": [eligible],
        "already_granted": [],
        "month_is": "past",
        "total": 15,
    }
    assert (second["granted"], second["already_granted"]) == ([], [eligible])
    assert balance(capsys, db_url, eligible) == 15
    assert balance(capsys, db_url, other) == 0
    run(capsys, db_url, "grant-month", "--month", "2026-04", *PAST, "--coins", "20")
    assert balance(capsys, db_url, eligible) == 35


def test_member_set_turns_the_grant_on_and_off(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    member = add(capsys, db_url)
    assert run(capsys, db_url, "member", "set", member, "--grant")["grant"] is True
    assert run(capsys, db_url, "grant-month", "--month", "2026-05", *PAST)["granted"] == [member]
    assert run(capsys, db_url, "member", "set", member, "--no-grant")["grant"] is False
    assert run(capsys, db_url, "grant-month", "--month", "2026-06", *PAST)["granted"] == []


def test_the_database_refuses_a_second_grant_for_the_same_month(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    member = add(capsys, db_url, "--grant")
    run(capsys, db_url, "grant-month", "--month", "2026-07", *PAST)

    def sneak_in(s: Any) -> None:  # what a racing second run would try, bypassing the check
        tx = book.grant(s, member, 15)
        s.add(MonthlyGrant(member_id=member, month="2026-07", transaction_id=tx.id))
        s.flush()

    with pytest.raises(IntegrityError):
        with_book(db_url, sneak_in)
    assert balance(capsys, db_url, member) == 15


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "March", "2026-00"])
def test_grant_month_names_a_malformed_month(
    db_url: str, month: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--db", db_url, "grant-month", "--month", month]) == 2
    assert f"month {month!r} must be YYYY-MM" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("hours", "rate", "coins"),
    [("2", "10", 20), ("1.5", "10", 15), ("0.25", "10", 2), ("3", "12", 36)],
)
def test_credit_hours_pays_the_rate_rounded_down_to_whole_coins(
    db_url: str, capsys: pytest.CaptureFixture[str], hours: str, rate: str, coins: int
) -> None:
    member = add(capsys, db_url)
    out = run(capsys, db_url, "credit-hours", member, hours, "--rate", rate, "--note", "整理图书")
    assert (out["coins"], out["kind"]) == (coins, "volunteer_hours")
    assert "整理图书" in out["memo"]
    assert balance(capsys, db_url, member) == coins


@pytest.mark.parametrize(
    ("hours", "says"),
    [
        ("0", "more than 0"),
        ("-1", "more than 0"),
        ("lots", "not a number"),
        ("0.05", "less than one coin"),
        ("5000", "split it"),
    ],
)
def test_credit_hours_refuses_nonsense_hours_and_says_why(
    db_url: str, capsys: pytest.CaptureFixture[str], hours: str, says: str
) -> None:
    member = add(capsys, db_url)
    assert cli.main(["--db", db_url, "credit-hours", member, hours]) == 2
    assert says in capsys.readouterr().err
    assert balance(capsys, db_url, member) == 0


def test_credit_hours_run_again_credits_nothing_twice_and_says_so(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same work (activity, day, member) is paid once, as the console's form pays it; the
    repeated command says it credited nothing. Another day or another activity is new work."""
    member = add(capsys, db_url)
    argv = ("credit-hours", member, "2", "--activity", "社区清洁", "--date", "2026-12-01")
    first = run(capsys, db_url, *argv)
    assert (first["status"], first["coins"], first["kind"]) == ("credited", 20, "volunteer_hours")
    assert (first["activity"], first["day"]) == ("社区清洁", "2026-12-01")
    assert "社区清洁 2026-12-01" in first["memo"]
    again = run(capsys, db_url, *argv)
    assert (again["status"], again["coins"], again["tx"]) == ("already", 0, None)
    assert again["activity_id"] == first["activity_id"]
    assert cli.main(["--db", db_url, *argv]) == 0  # as a person reads it
    said = capsys.readouterr().out
    assert "already credited for 社区清洁 on 2026-12-01" in said and "nothing credited" in said
    assert balance(capsys, db_url, member) == 20

    assert run(capsys, db_url, *argv[:-1], "2026-12-02")["coins"] == 20  # another day
    assert (
        run(capsys, db_url, *argv[:3], "--note", "整理图书", "--date", "2026-12-01")["coins"] == 20
    )
    plain = ("credit-hours", member, "1")  # no activity named: today's 志愿服务, once too
    assert run(capsys, db_url, *plain)["coins"] == 10
    assert run(capsys, db_url, *plain)["status"] == "already"
    assert balance(capsys, db_url, member) == 70


def test_credit_hours_refuses_an_unknown_member_and_a_bad_date(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--db", db_url, "credit-hours", "m999999", "2"]) == 2
    assert "no member numbered m999999" in capsys.readouterr().err
    member = add(capsys, db_url)
    assert cli.main(["--db", db_url, "credit-hours", member, "2", "--date", "1.12."]) == 2
    assert "--date '1.12.' is not a date" in capsys.readouterr().err
    assert balance(capsys, db_url, member) == 0
