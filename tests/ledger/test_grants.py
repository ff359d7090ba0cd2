"""The monthly grant as the office runs it: months in the office's time zone (Asia/Shanghai by
default, a setting), a preview of who gets how much and the total, a month not begun refused,
a past month or a large grant only for a manager; at the command line, local months, --past and
a confirmation (--yes) for large amounts. Settings are checked when set."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger import approval, book, cli, grants, members, settings
from ledger.cli import money, with_book
from ledger.db import utcnow
from ledger.errors import BadRequest

RULES = settings.Settings()
# 16:00 UTC on 30 November is midnight of 1 December in Shanghai.
BEFORE = datetime(2026, 11, 30, 15, 59, tzinfo=UTC)
AFTER = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_the_month_turns_at_midnight_in_the_offices_time_zone() -> None:
    assert grants.office_month(BEFORE, RULES) == "2026-11"
    assert grants.office_month(AFTER, RULES) == "2026-12"
    utc_office = settings.Settings(office_tz="UTC")
    assert grants.office_month(AFTER, utc_office) == "2026-11"
    assert [grants.month_is(m, AFTER, RULES) for m in ("2026-11", "2026-12", "2027-01")] == [
        "past",
        "current",
        "future",
    ]


def enrol(db_url: str, name: str, grant: bool = True) -> str:
    return str(with_book(db_url, lambda s: members.add_member(s, name, grant_eligible=grant).id))


def test_the_preview_lists_who_gets_what_and_writes_nothing(db_url: str) -> None:
    zhang, wu = enrol(db_url, "张三"), enrol(db_url, "吴七")
    enrol(db_url, "李四", grant=False)
    gone = enrol(db_url, "钱八")
    with_book(db_url, lambda s: members.deactivate_member(s, gone, utcnow()))
    with_book(db_url, lambda s: grants.run(s, "2026-12", 15, AFTER, RULES, manager=False))
    newcomer = enrol(db_url, "孙九")
    plan = with_book(db_url, lambda s: grants.preview(s, "2026-12", 15))
    assert (plan["to_pay"], plan["already"], plan["total"]) == (1, 2, 15)
    assert [(m["member"], m["already"]) for m in plan["members"]] == sorted(
        [(zhang, True), (wu, True), (newcomer, False)]
    )
    assert with_book(db_url, lambda s: book.spendable_balance(s, newcomer)) == 0
    assert with_book(db_url, lambda s: book.spendable_balance(s, gone)) == 0


def test_a_clerk_pays_this_month_only_a_manager_a_past_one_nobody_a_future_one(
    db_url: str,
) -> None:
    zhang = enrol(db_url, "张三")

    def pay(month: str, manager: bool, coins: int = 15) -> Any:
        return with_book(db_url, lambda s: grants.run(s, month, coins, AFTER, RULES, manager))

    with pytest.raises(approval.NeedsManager, match="2026-11 is a past month"):
        pay("2026-11", manager=False)
    with pytest.raises(BadRequest, match="2027-01 has not begun"):
        pay("2027-01", manager=True)
    with pytest.raises(approval.NeedsManager, match="301 coins is more than 300"):
        pay("2026-12", manager=False, coins=301)
    assert with_book(db_url, lambda s: book.spendable_balance(s, zhang)) == 0
    assert pay("2026-12", manager=False)["total"] == 15
    assert pay("2026-11", manager=True)["month_is"] == "past"
    assert with_book(db_url, lambda s: book.spendable_balance(s, zhang)) == 30


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("office_tz", "Mars/Olympus", "not a time zone"),
        ("office_tz", "../../etc/passwd", "not a time zone"),
        ("manager_above_coins", "0", "must be 1 to"),
        ("coins_per_hour", "ten", "whole number"),
        ("colour", "red", "no setting 'colour'"),
    ],
)
def test_a_setting_is_checked_when_set(db_url: str, key: str, value: str, says: str) -> None:
    with pytest.raises(BadRequest, match=says):
        with_book(db_url, lambda s: settings.change(s, key, value))
    assert with_book(db_url, settings.load) == settings.Settings()


def run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--db", db_url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_grant_month_at_the_command_line_uses_the_offices_month(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    zhang = enrol(db_url, "张三")
    monkeypatch.setattr(money, "utcnow", lambda: AFTER)  # 1 December, 00:00 in Shanghai
    code, out, _ = run(capsys, db_url, "grant-month", "--json")
    assert code == 0 and json.loads(out)["month"] == "2026-12"
    code, _, err = run(capsys, db_url, "grant-month", "--month", "2026-11")
    assert code == 2 and "past month" in err and "--past" in err
    # A past month is confirmed too: no terminal here, so --yes.
    code, _, err = run(capsys, db_url, "grant-month", "--month", "2026-11", "--past")
    assert code == 2 and "add --yes" in err
    assert run(capsys, db_url, "grant-month", "--month", "2026-11", "--past", "--yes")[0] == 0
    code, _, err = run(capsys, db_url, "grant-month", "--month", "2027-01", "--past", "--yes")
    assert code == 2 and "has not begun" in err
    # Set the office to UTC: it is still November there.
    assert run(capsys, db_url, "settings", "set", "office_tz", "UTC")[0] == 0
    code, out, _ = run(capsys, db_url, "grant-month", "--json")
    assert json.loads(out)["month"] == "2026-11" and json.loads(out)["already_granted"] == [zhang]
    assert with_book(db_url, lambda s: book.spendable_balance(s, zhang)) == 30


def test_large_amounts_are_confirmed_at_the_command_line(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    zhang = enrol(db_url, "张三")
    for argv in (
        ["credit-hours", zhang, "31"],
        ["adjust", zhang, "301", "--reason", "补发"],
        ["grant-month", "--coins", "301"],
    ):
        code, _, err = run(capsys, db_url, *argv)
        assert code == 2 and "300" in err and "add --yes" in err, (argv, err)
    assert with_book(db_url, lambda s: book.spendable_balance(s, zhang)) == 0
    assert run(capsys, db_url, "credit-hours", zhang, "31", "--yes")[0] == 0
    assert run(capsys, db_url, "settings", "set", "manager_above_coins", "1000")[0] == 0
    assert run(capsys, db_url, "adjust", zhang, "301", "--reason", "补发")[0] == 0
    assert with_book(db_url, lambda s: book.spendable_balance(s, zhang)) == 611
