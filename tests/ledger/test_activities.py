"""An activity's sign-in sheet: read as Excel saves it (UTF-8 with or without a BOM, GBK, tabs),
every row judged with a reason before anything is written, the commit idempotent per (activity,
member) even under two concurrent imports, large rows kept for a manager; the same at the
command line (`activity-import`), which confirms large amounts."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ledger import activities, activity_list, book, cli, members, settings, sheet
from ledger.cli import with_book
from ledger.db import ActivityCredit, AuditEntry, make_engine, session_factory
from ledger.errors import BadRequest

RULES = settings.Settings()
DAY = date(2026, 12, 5)


def draft(name: str = "社区清洁日", hours: str = "2") -> activities.Draft:
    return activities.Draft(name, DAY, hours, RULES.coins_per_hour)


def enrol(db_url: str, name: str, phone: str | None = None) -> str:
    contact = members.Contact(phone=phone)
    return str(with_book(db_url, lambda s: members.add_member(s, name, contact=contact).id))


def balance(db_url: str, member: str) -> int:
    return int(with_book(db_url, lambda s: book.spendable_balance(s, member)))


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("gbk"),
        lambda text: text.replace(",", "\t").encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030-tabs"],
)
def test_a_sheet_reads_the_same_whatever_excel_saved_it_as(encode: Any) -> None:
    text = (
        "序号,会员号,姓名,电话,时长（小时）,签名\r\n"
        "1,m000001,张三,,2,张三\r\n\r\n"
        "2,,李四,138 0000 0002,1.5,\r\n"
    )
    rows = sheet.parse_csv(sheet.decode(encode(text)))
    assert rows == [
        sheet.SheetRow(2, "m000001", "张三", "", "2"),
        sheet.SheetRow(4, "", "李四", "138 0000 0002", "1.5"),
    ]


def test_english_headers_and_a_typed_list_are_read_too() -> None:
    rows = sheet.parse_csv("Member No., Hours\nm000001,3\n")
    assert rows == [sheet.SheetRow(2, "m000001", "", "", "3")]
    typed = sheet.parse_list("m000001\n\nm000002, 1.5\nm000003 4\n")
    assert [(r.number, r.member, r.hours) for r in typed] == [
        (1, "m000001", ""),
        (3, "m000002", "1.5"),
        (4, "m000003", "4"),
    ]


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"PK\x03\x04rest of a zip", "Excel workbook, not CSV"),
        (b"", "empty"),
        ("姓名,备注\n张三,好\n".encode(), "must name its columns"),
        (b"\xff\xfe\x00\xd8garbage\x81", "neither UTF-8 nor GBK"),
        (b"x" * (sheet.MAX_SHEET_BYTES + 1), "larger than"),
    ],
)
def test_a_sheet_that_cannot_be_read_is_refused_with_the_reason(raw: bytes, says: str) -> None:
    with pytest.raises(BadRequest, match=says):
        sheet.parse_csv(sheet.decode(raw))


def test_every_row_is_judged_and_nothing_written_until_the_commit(db_url: str) -> None:
    zhang = enrol(db_url, "张三", "13800000001")
    li = enrol(db_url, "李四", "13800000002")
    gone = enrol(db_url, "钱八", "13800000008")
    with_book(db_url, lambda s: members.deactivate_member(s, gone, book_now()))
    rows = sheet.parse_csv(
        "会员号,姓名,电话,时长\n"
        f"{zhang},张三,,2\n"  # 2: credited, 20 coins
        ",李四,138-0000-0002,\n"  # 3: by name and phone, the activity's 2 hours
        "m999999,,,1\n"  # 4: unknown
        f"{zhang},,,1\n"  # 5: the same member again
        f"{li},王五,,1\n"  # 6: the number's member has another name
        f"{gone},,,1\n"  # 7: deactivated
        ",赵六,,1\n"  # 8: a name without a phone
        f"{zhang.upper()}x,,,1\n"  # 9: unknown
        ",李四,12ab,1\n"  # 10: not a phone
    )
    rows += sheet.parse_csv(f"会员号,时长\n{enrol(db_url, '孙九')},lots\n")
    found = with_book(db_url, lambda s: activities.judge(s, draft(), rows, RULES, False))
    got = [(r.number, r.status, r.coins, r.reason.code if r.reason else None) for r in found.rows]
    assert got == [
        (2, "credit", 20, None),
        (3, "credit", 20, None),
        (4, "refused", 0, "unknown_member"),
        (5, "refused", 0, "repeated"),
        (6, "refused", 0, "name_differs"),
        (7, "refused", 0, "deactivated"),
        (8, "refused", 0, "no_member"),
        (9, "refused", 0, "unknown_member"),
        (10, "refused", 0, "bad_phone"),
        (2, "refused", 0, "bad_hours"),
    ]
    assert found.rows[3].reason is not None and found.rows[3].reason.text("zh") == (
        "与第 2 行是同一位会员"
    )
    assert with_book(db_url, lambda s: s.scalar(select(func.count(ActivityCredit.member_id)))) == 0
    assert balance(db_url, zhang) == 0


def book_now() -> Any:
    from ledger.db import utcnow

    return utcnow()


def test_the_commit_credits_each_member_once_per_activity(db_url: str) -> None:
    zhang, li = enrol(db_url, "张三"), enrol(db_url, "李四")
    rows = sheet.parse_list(f"{zhang}\n{li},1.5\n")

    def commit(s: Any, name: str = "社区清洁日") -> activities.Outcome:
        return activities.commit(s, draft(name), rows, RULES, False, "li")

    first = with_book(db_url, commit)
    assert (first.count("credit"), first.coins) == (2, 35)
    again = with_book(db_url, commit)
    assert (again.count("credit"), again.count("already"), again.coins) == (0, 2, 0)
    assert (balance(db_url, zhang), balance(db_url, li)) == (20, 15)
    # Another activity (or the same name on another day) is another credit.
    other = with_book(db_url, lambda s: commit(s, "敬老院探访"))
    assert other.count("credit") == 2 and other.activity_id != first.activity_id
    assert (balance(db_url, zhang), balance(db_url, li)) == (40, 30)


def test_two_imports_at_once_credit_nobody_twice(db_url: str) -> None:
    people = [enrol(db_url, f"居民{i}") for i in range(6)]
    rows = sheet.parse_list("\n".join(people))
    engine = make_engine(db_url)
    outcomes: list[activities.Outcome] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def one() -> None:
        try:
            start.wait()
            with session_factory(engine)() as s, s.begin():
                outcomes.append(activities.commit(s, draft(), rows, RULES, False, "li"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    engine.dispose()
    # Neither fails: on PostgreSQL the second to add the activity's row (its name and day are
    # unique) takes the first one's instead.
    assert errors == [] and len(outcomes) == 2
    assert outcomes[0].activity_id == outcomes[1].activity_id
    assert sum(o.count("credit") for o in outcomes) == 6
    assert [balance(db_url, m) for m in people] == [20] * 6


def test_a_row_over_the_threshold_waits_for_a_manager(db_url: str) -> None:
    zhang, li = enrol(db_url, "张三"), enrol(db_url, "李四")
    rows = sheet.parse_list(f"{zhang},40\n{li},2\n")
    clerk = with_book(db_url, lambda s: activities.commit(s, draft(), rows, RULES, False, "li"))
    assert [(r.status, r.coins) for r in clerk.rows] == [("needs_manager", 400), ("credit", 20)]
    assert clerk.rows[0].reason is not None
    assert clerk.rows[0].reason.text("zh") == "400 币超过 300 币，请主管来记"
    manager = with_book(db_url, lambda s: activities.commit(s, draft(), rows, RULES, True, "wang"))
    assert [r.status for r in manager.rows] == ["credit", "already"]
    assert (balance(db_url, zhang), balance(db_url, li)) == (400, 20)


def cli_run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--db", db_url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_activity_import_at_the_command_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zhang = enrol(db_url, "张三", "13800000001")
    li = enrol(db_url, "李四", "13800000002")
    file = tmp_path / "签到表.csv"
    file.write_bytes(
        f"会员号,姓名,电话,时长\n{zhang},,,2\n,李四,13800000002,40\nm1,,,1\n".encode("gbk")
    )
    what = [
        "activity-import",
        str(file),
        "--name",
        "社区清洁日",
        "--day",
        "2026-12-05",
        "--hours",
        "2",
    ]
    code, out, _ = cli_run(capsys, db_url, *what, "--dry-run")
    assert code == 0 and "nothing written" in out
    assert "row 4: m1 refused (no member numbered m1)" in out
    assert balance(db_url, zhang) == 0
    # 400 coins for Li is over the threshold: no terminal here, so --yes is needed.
    code, _, err = cli_run(capsys, db_url, *what)
    assert code == 2 and "add --yes" in err and balance(db_url, li) == 0
    code, out, _ = cli_run(capsys, db_url, *what, "--yes", "--json")
    done = json.loads(out)
    assert code == 0 and (done["credit"], done["coins"], done["refused"]) == (2, 420, 1)
    assert (balance(db_url, zhang), balance(db_url, li)) == (20, 400)
    code, out, _ = cli_run(capsys, db_url, *what, "--yes", "--json")
    assert json.loads(out)["already"] == 2 and balance(db_url, li) == 400
    logged = with_book(
        db_url,
        lambda s: [
            (e.staff, e.detail["credited"])
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "activity_credited"))
        ],
    )
    # The second import had nothing to credit: it wrote nothing, not even an audit row.
    assert [n for _, n in logged] == [2] and all(who.startswith("cli") for who, _ in logged)


def test_a_commit_with_nothing_to_credit_makes_no_activity(db_url: str) -> None:
    zhang = enrol(db_url, "张三")
    rows = sheet.parse_list(f"{zhang},40\nm999999\n")
    done = with_book(db_url, lambda s: activities.commit(s, draft(), rows, RULES, False, "li"))
    assert done.activity_id is None and [r.status for r in done.rows] == [
        "needs_manager",
        "refused",
    ]
    assert with_book(db_url, activity_list.count) == 0
