"""`export --csv|--xlsx`: one row per business event (not per posting), in the office's local
time, with names; read back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from ledger import cli, exports, members


def test_export_writes_a_members_events_and_the_whole_book(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> dict:
        assert cli.main(["--db", db_url, *argv, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    wang = run("member", "add", "--name", "王阿姨", "--coins", "30")["member"]
    li = run("member", "add", "--name", "李伯伯")["member"]
    run("credit-hours", li, "1.5")
    run("adjust", wang, "-5", "--reason", "多发了")

    out = run("export", "--member", wang, "--csv", str(tmp_path / "wang.csv"))
    assert out["rows"] == 2
    with (tmp_path / "wang.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["事项"], r["币（收入为正）"], r["余额"], r["备注"], r["姓名"]) for r in rows] == [
        ("补贴", "30", "30", "入会时的补贴", "王阿姨"),  # the clerk's words, not the book's
        ("调整", "-5", "25", "工作人员更正：多发了", "王阿姨"),
    ]
    assert {r["会员号"] for r in rows} == {wang}

    before = datetime.now(UTC)
    out = run("export", "--csv", str(tmp_path / "all.csv"), "--lang", "en")
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # Three transactions, three rows: not one per posting (which listed each twice).
    assert out["rows"] == len(rows) == 3
    assert [r["Event no."] for r in rows] == ["1", "2", "3"]
    assert [(r["Kind"], r["Hours"]) for r in rows] == [
        ("Grant", ""),
        ("Volunteer hours", "1.5"),
        ("Adjustment", ""),
    ]
    # The note as the member page says it: the activity the hours were for (credit-hours
    # names it 志愿服务 and the day when not told) after the English sentence.
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert [r["Note"] for r in rows] == [
        "Welcome grant",
        f"1.5 hours of volunteering: 志愿服务 {day}",
        "Correction by staff: 多发了",
    ]
    for row in rows:  # Asia/Shanghai, eight hours ahead of UTC
        local = datetime.strptime(row["Time"], "%Y-%m-%d %H:%M:%S")
        assert abs(local - before.replace(tzinfo=None) - timedelta(hours=8)) < timedelta(minutes=5)

    out = run("export", "--xlsx", str(tmp_path / "all.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "all.xlsx").active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == exports.headings("zh")
    assert [(v[2], v[4], v[5]) for v in values[1:]] == [
        ("补贴", "王阿姨", 30),
        ("志愿服务", "李伯伯", 15),
        ("调整", "王阿姨", -5),
    ]
    assert out["rows"] == 3
    assert [v[10] for v in values[1:]] == [
        "入会时的补贴",
        f"志愿服务 1.5 小时：志愿服务 {day}",
        "工作人员更正：多发了",
    ]


def test_the_note_tells_a_gift_from_the_givers_side_with_both_names(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gift moves two members' coins: its one row names the receiver in the giver's words;
    an event between the time bank's own accounts keeps the book's memo."""
    from ledger import book, gifts
    from ledger.cli import with_book

    def work(s: Any) -> None:
        wang = members.add_member(s, "王阿姨", coins=30)
        li = members.add_member(s, "李伯伯")
        gifts.give(s, wang.id, li.id, 7, datetime.now(UTC))
        book.ensure_system_accounts(s)

    with_book(db_url, work)
    for lang, said in (("zh", "转给 李伯伯"), ("en", "Given to 李伯伯")):
        target = tmp_path / f"{lang}.csv"
        assert cli.main(["--db", db_url, "export", "--csv", str(target), "--lang", lang]) == 0
        with target.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        assert [r[10] for r in rows[1:]] == [
            "入会时的补贴" if lang == "zh" else "Welcome grant",
            said,
        ]
    capsys.readouterr()


def test_export_of_an_unknown_member_is_an_error_and_writes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.csv"
    assert cli.main(["--db", db_url, "export", "--member", "m000000", "--csv", str(target)]) == 2
    assert "no member 'm000000'" in capsys.readouterr().err
    assert not target.exists()


def test_export_refuses_a_bad_month_or_time_zone_and_writes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.csv"
    assert cli.main(["--db", db_url, "export", "--from", "2026-13", "--csv", str(target)]) == 2
    assert "not a month written like 2026-01" in capsys.readouterr().err
    assert cli.main(["--db", db_url, "export", "--tz", "Mars/Base", "--csv", str(target)]) == 2
    assert "unknown time zone 'Mars/Base'" in capsys.readouterr().err
    assert not target.exists()


def test_export_follows_the_offices_time_zone_setting(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> dict:
        assert cli.main(["--db", db_url, *argv, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    run("member", "add", "--name", "王阿姨", "--coins", "30")
    run("settings", "set", "office_tz", "America/New_York")
    run("export", "--csv", str(tmp_path / "ny.csv"))
    run("export", "--csv", str(tmp_path / "sh.csv"), "--tz", "Asia/Shanghai")

    def shown(name: str) -> datetime:
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as f:
            (row,) = list(csv.DictReader(f))
        return datetime.strptime(row["时间"], "%Y-%m-%d %H:%M:%S")

    # New York is 12 or 13 hours behind Shanghai (summer or winter time there)
    assert shown("sh.csv") - shown("ny.csv") in (timedelta(hours=12), timedelta(hours=13))
