"""`export --csv`: a member's or the whole book's history as CSV, read back with the csv module."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ledger import cli


def test_export_writes_a_members_history_and_the_whole_book(
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
    assert [(r["kind"], r["coins"], r["balance_after"], r["memo"]) for r in rows] == [
        ("grant", "30", "30", "opening grant"),
        ("adjustment", "-5", "25", "多发了"),
    ]
    assert {r["member"] for r in rows} == {wang}

    out = run("export", "--csv", str(tmp_path / "all.csv"))
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert out["rows"] == len(rows) == 6  # three transactions of two postings
    by_tx: dict[str, int] = {}
    for r in rows:
        by_tx[r["tx"]] = by_tx.get(r["tx"], 0) + int(r["coins"])
    assert set(by_tx.values()) == {0}


def test_export_of_an_unknown_member_is_an_error_and_writes_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.csv"
    assert cli.main(["--db", db_url, "export", "--member", "m000000", "--csv", str(target)]) == 2
    assert "no member 'm000000'" in capsys.readouterr().err
    assert not target.exists()
