"""The `timebank-ledger` admin command: JSON for scripts, clear errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.cli import main

REPO = Path(__file__).resolve().parents[2]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_member_add_prints_id_secret_and_funded_balance(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(
        capsys, "--db", db_url, "member", "add", "--name", "王阿姨", "--coins", "120", "--json"
    )
    keys = {"member", "secret", "name", "role", "balance", "grant", "phone", "similar"}
    assert set(out) == keys
    assert out["similar"] == []  # no member like this one yet (ledger.member_twins)
    assert out["member"].startswith("m") and ":" not in out["member"]
    assert (out["name"], out["role"], out["balance"]) == ("王阿姨", "member", 120)
    assert len(out["secret"]) >= 16


def test_member_show_reports_the_balance(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    added = run_json(
        capsys,
        "--db",
        db_url,
        "member",
        "add",
        "--name",
        "张师傅",
        "--role",
        "technician",
        "--json",
    )
    shown = run_json(capsys, "--db", db_url, "member", "show", added["member"], "--json")
    assert (shown["member"], shown["name"], shown["role"], shown["balance"]) == (
        added["member"],
        "张师傅",
        "technician",
        0,
    )
    assert main(["--db", db_url, "member", "show", added["member"]]) == 0
    assert "balance 0 coins" in capsys.readouterr().out


def test_an_unknown_member_is_a_clear_error_with_exit_2(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "member", "show", "m999999"]) == 2
    err = capsys.readouterr().err
    assert "m999999" in err and "Traceback" not in err


def test_kiosk_add_shows_the_key_once(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(
        capsys, "--db", db_url, "kiosk", "add", "--name", "北门", "--location", "A", "--json"
    )
    assert out["kiosk"].startswith("k") and out["key"].startswith("tbk_")


def test_catalog_set_adds_then_reprices(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--db", db_url, "catalog", "set", "soap", "--zh", "肥皂", "--en", "Soap"]
    assert run_json(capsys, *argv, "--price", "25", "--json")["price"] == 25
    out = run_json(capsys, *argv, "--price", "30", "--json")
    assert out == {"sku": "soap", "name": {"zh": "肥皂", "en": "Soap"}, "price": 30}
    with pytest.raises(SystemExit) as refused:  # argparse refuses it (ledger.limits.Bounded)
        main([*argv, "--price", "-1"])
    assert refused.value.code == 2
    assert "--price: -1 is outside 0..1000000" in capsys.readouterr().err


def test_the_default_database_lives_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIMEBANK_LEDGER_HOME", str(tmp_path / "home"))
    assert main(["init"]) == 0
    assert (tmp_path / "home" / "ledger.db").exists()


def test_python_dash_m_runs_the_command(db_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ledger.cli", "--db", db_url, "demo-seed", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    seeded = json.loads(done.stdout)
    assert seeded["kiosk_key"].startswith("tbk_")
    assert [m["name"] for m in seeded["members"]] == ["王阿姨", "李伯伯", "张师傅"]
    failed = subprocess.run(
        [sys.executable, "-m", "ledger.cli", "--db", db_url, "member", "show", "m000000"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert failed.returncode == 2
    assert "no member" in failed.stderr and "Traceback" not in failed.stderr


def test_member_list_and_show_history_as_text_and_json(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a = run_json(capsys, "--db", db_url, "member", "add", "--name", "甲", "--coins", "5", "--json")
    run_json(capsys, "--db", db_url, "member", "add", "--name", "乙", "--role", "staff", "--json")
    listed = run_json(capsys, "--db", db_url, "member", "list", "--json")["members"]
    assert sorted((m["name"], m["role"], m["balance"]) for m in listed) == [
        ("乙", "staff", 0),
        ("甲", "member", 5),
    ]
    staff = run_json(capsys, "--db", db_url, "member", "list", "--role", "staff", "--json")
    assert [m["name"] for m in staff["members"]] == ["乙"]
    assert main(["--db", db_url, "member", "show", a["member"]]) == 0
    text = capsys.readouterr().out
    assert "history:" in text and "grant" in text and "+5 -> 5" in text


def test_member_set_changes_name_and_role(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    a = run_json(capsys, "--db", db_url, "member", "add", "--name", "甲", "--json")
    out = run_json(
        capsys,
        "--db",
        db_url,
        "member",
        "set",
        a["member"],
        "--name",
        "甲乙",
        "--role",
        "technician",
        "--json",
    )
    assert (out["name"], out["role"]) == ("甲乙", "technician")
    assert main(["--db", db_url, "member", "set", a["member"], "--name", " "]) == 2
    assert "needs a name" in capsys.readouterr().err
