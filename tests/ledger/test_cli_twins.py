"""`timebank-ledger member add` and `member set` warn of a likely duplicate as the console's
member forms do (ledger.member_twins): the same phone (+86 or not) or the same name and address
is refused with exit 2, naming the members and why, until `--allow-duplicate`, which is audited
(duplicate_confirmed); the same name alone is said after saving. Through ledger.cli.main, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ledger.cli import main

Capture = pytest.CaptureFixture[str]


def ok(capsys: Capture, db_url: str, *argv: str) -> dict[str, Any]:
    code = main(["--db", db_url, *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    answer: dict[str, Any] = json.loads(out)
    return answer


def refused(capsys: Capture, db_url: str, *argv: str) -> str:
    """The refusal's message on stderr (exit 2, nothing on stdout)."""
    code = main(["--db", db_url, *argv])
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), (code, out, err)
    return err


def audited(capsys: Capture, db_url: str, action: str) -> list[dict[str, Any]]:
    """The audit's details of `action`, oldest first, as `timebank-ledger audit` prints them."""
    entries = ok(capsys, db_url, "audit")["entries"]
    return [e["detail"] for e in reversed(entries) if e["action"] == action]


def member_names(capsys: Capture, db_url: str) -> list[str]:
    return sorted(m["name"] for m in ok(capsys, db_url, "member", "list")["members"])


def test_member_add_refuses_a_likely_twin_until_allowed_and_audits_it(
    db_url: str, capsys: Capture
) -> None:
    wang = ok(capsys, db_url, "member", "add", "--name", "王秀英", "--phone", "13800138000")
    home = ok(capsys, db_url, "member", "add", "--name", "陈建国", "--address", "龙华路 8 号")
    # The same phone with +86 and another name; the same name and address typed otherwise.
    said = refused(capsys, db_url, "member", "add", "--name", "李四", "--phone", "+86 13800138000")
    assert f"{wang['member']} 王秀英 (the same phone)" in said
    assert "--allow-duplicate" in said and "nothing was saved" in said
    said = refused(capsys, db_url, "member", "add", "--name", "陈　建国", "--address", "龙华路8号")
    assert f"{home['member']} 陈建国 (the same name and address)" in said
    assert member_names(capsys, db_url) == ["王秀英", "陈建国"]

    again = ok(
        capsys,
        db_url,
        *("member", "add", "--name", "李四", "--phone", "+8613800138000", "--allow-duplicate"),
    )
    assert [(t["member"], t["why"]) for t in again["similar"]] == [(wang["member"], "phone")]
    assert member_names(capsys, db_url) == ["李四", "王秀英", "陈建国"]
    added = audited(capsys, db_url, "member_added")
    assert [a["duplicate_confirmed"] for a in added] == [False, False, True]
    assert added[2]["member"] == again["member"]
    assert added[2]["twins"] == [{"member": wang["member"], "why": "phone"}]


def test_member_add_names_a_namesake_without_refusing(db_url: str, capsys: Capture) -> None:
    first = ok(capsys, db_url, "member", "add", "--name", "王秀英")
    assert main(["--db", db_url, "member", "add", "--name", "王 秀英"]) == 0
    out = capsys.readouterr().out
    assert f"note: also enrolled: {first['member']} 王秀英 (the same name" in out
    assert [a["duplicate_confirmed"] for a in audited(capsys, db_url, "member_added")] == [
        False,
        False,
    ]


def test_member_set_refuses_a_likeness_the_change_brings(db_url: str, capsys: Capture) -> None:
    wang = ok(
        capsys,
        db_url,
        *("member", "add", "--name", "王秀英", "--phone", "13800138000"),
        *("--address", "龙华路 8 号"),
    )
    zhang = ok(capsys, db_url, "member", "add", "--name", "张三")["member"]

    said = refused(capsys, db_url, "member", "set", zhang, "--phone", "+86 138 0013 8000")
    assert f"{zhang} would look like a member enrolled already" in said
    assert f"{wang['member']} 王秀英 (the same phone)" in said and "--allow-duplicate" in said
    said = refused(
        capsys, db_url, "member", "set", zhang, "--name", "王秀英", "--address", "龙华路8号"
    )
    assert f"{wang['member']} 王秀英 (the same name and address)" in said
    # Nothing was changed nor audited.
    shown = ok(capsys, db_url, "member", "show", zhang)
    assert (shown["name"], shown["phone"], shown["address"]) == ("张三", None, None)
    assert audited(capsys, db_url, "member_edited") == []

    # The same name alone is saved and said.
    named = ok(capsys, db_url, "member", "set", zhang, "--name", "王秀英")
    assert [(t["member"], t["why"]) for t in named["similar"]] == [(wang["member"], "name")]
    # Confirmed: saved, and the audit says so and against whom.
    ok(capsys, db_url, "member", "set", zhang, "--address", "龙华路8号", "--allow-duplicate")
    assert ok(capsys, db_url, "member", "show", zhang)["address"] == "龙华路8号"
    edits = audited(capsys, db_url, "member_edited")
    assert [e["duplicate_confirmed"] for e in edits] == [False, True]
    assert edits[1]["twins"] == [{"member": wang["member"], "why": "name_address"}]
    # A likeness confirmed before is not refused again at a later edit.
    assert main(["--db", db_url, "member", "set", zhang, "--notes", "耳背"]) == 0
    assert "note:" not in capsys.readouterr().out
    assert main(["--db", db_url, "member", "set", zhang, "--address", "龙华路 8 号"]) == 0
    capsys.readouterr()
