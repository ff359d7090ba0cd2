"""The CLI's side of the catalog, kiosks, fleet and reports (the console calls the same
functions): `catalog list|retire|restore`, `kiosk rename`, `fleet`, `report`, `idle`,
`ranking`, each change in the audit log as cli:USER."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ledger import audit, cli
from ledger.cli import with_book


def test_catalog_kiosks_fleet_and_reports_from_the_command_line(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> Any:
        assert cli.main(["--db", db_url, *argv, "--json"]) == 0, capsys.readouterr().err
        return json.loads(capsys.readouterr().out)

    run("catalog", "set", "tea", "--price", "5", "--zh", "茶叶", "--en", "Tea")
    run("catalog", "set", "rice", "--price", "20", "--zh", "大米", "--en", "Rice")
    assert run("catalog", "retire", "tea")["retired"] is True
    listed = run("catalog", "list")["items"]
    assert [(i["sku"], i["name"]["zh"], i["retired"]) for i in listed] == [
        ("rice", "大米", False),
        ("tea", "茶叶", True),
    ]
    assert run("catalog", "restore", "tea")["retired"] is False

    kiosk = run("kiosk", "add", "--name", "一号机")["kiosk"]
    renamed = run("kiosk", "rename", kiosk, "--name", "社区一号机", "--location", "服务站")
    assert (renamed["name"], renamed["location"]) == ("社区一号机", "服务站")
    shown = run("fleet")
    assert [(k["kiosk"], k["name"], k["silent"]) for k in shown["kiosks"]] == [
        (kiosk, "社区一号机", True)
    ]

    member = run("member", "add", "--name", "王阿姨", "--coins", "30")["member"]
    run("credit-hours", member, "2")
    assert run("ranking", member, "yes") == {"member": member, "opt_in": True, "changed": True}
    report = run("report")
    assert len(report["months"]) == 12
    assert report["coins"][-1]["outstanding"] == 50
    assert report["ranking"]["listed"][0]["hours"] == "2"
    assert [m["member"] for m in run("idle", "--months", "2")["members"]] == [member]

    actions = with_book(
        db_url, lambda s: [e["action"] for e in audit.entries(s, audit.AuditQuery(), 0, 50)]
    )
    for action in ("catalog_saved", "catalog_retired", "catalog_restored", "kiosk_added"):
        assert action in actions
    assert {"kiosk_renamed", "ranking_consent"} <= set(actions)


def test_bad_input_is_named_and_changes_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--db", db_url, "catalog", "retire", "nothing"]) == 2
    assert "no item 'nothing'" in capsys.readouterr().err
    assert cli.main(["--db", db_url, "kiosk", "rename", "k000000", "--name", "x"]) == 2
    assert "no kiosk 'k000000'" in capsys.readouterr().err
    assert (
        cli.main(["--db", db_url, "catalog", "set", "x", "--price", "1", "--zh", " ", "--en", "X"])
        == 2
    )
    assert "needs a Chinese name" in capsys.readouterr().err
    assert cli.main(["--db", db_url, "ranking", "m000000", "yes"]) == 2
    assert "no member 'm000000'" in capsys.readouterr().err
    assert cli.main(["--db", db_url, "report", "--from", "2026-05", "--to", "2026-04"]) == 2
    assert "comes before" in capsys.readouterr().err
