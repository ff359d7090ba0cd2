"""The monthly grant paid unattended: timebank-ledger-grant.timer starts the service's own
command line (read from the unit, the venv's path swapped for this one's), with the database
URL in the environment as the unit's EnvironmentFile gives it. Run twice, it pays each
grant-eligible member once; a grant over the manager threshold is not paid at all."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.deploy.conftest import DEPLOY

BIN = Path(sys.executable).parent
INSTALLED_BIN = "/opt/timebank-ledger/venv/bin/"


def unit_command() -> list[str]:
    service = (DEPLOY / "systemd/timebank-ledger-grant.service").read_text().splitlines()
    (exec_start,) = [line for line in service if line.startswith("ExecStart=")]
    argv = shlex.split(exec_start.removeprefix("ExecStart="))
    assert argv[0].startswith(INSTALLED_BIN) and "--db" not in argv and "--yes" not in argv
    return [str(BIN / argv[0].removeprefix(INSTALLED_BIN)), *argv[1:]]


def ledger(db_url: str, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIMEBANK_LEDGER_DB": db_url}
    run = subprocess.run(
        [str(BIN / "timebank-ledger"), *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 or not check, run.stderr
    return run


def as_the_timer(db_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIMEBANK_LEDGER_DB": db_url}
    return subprocess.run(unit_command(), env=env, capture_output=True, text=True, timeout=120)


def balance(db_url: str, member: str) -> int:
    return int(json.loads(ledger(db_url, "member", "show", member, "--json").stdout)["balance"])


def test_the_timer_pays_each_eligible_member_once_a_month_and_nobody_else(tmp_path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger(db_url, "init")

    def add(*extra: str) -> str:
        made = ledger(db_url, "member", "add", "--name", "居民", *extra, "--json")
        return str(json.loads(made.stdout)["member"])

    eligible, also, volunteer = add("--grant"), add("--grant"), add()
    first = as_the_timer(db_url)
    assert first.returncode == 0, first.stderr
    assert "15 coins to 2 members (0 already had this month's grant)" in first.stdout
    assert [balance(db_url, m) for m in (eligible, also, volunteer)] == [15, 15, 0]

    again = as_the_timer(db_url)  # Persistent=true may start it again the same month
    assert again.returncode == 0, again.stderr
    assert "to 0 members (2 already had this month's grant)" in again.stdout
    assert [balance(db_url, m) for m in (eligible, also, volunteer)] == [15, 15, 0]
    audit = json.loads(ledger(db_url, "audit", "--json").stdout)
    assert sum(1 for row in audit["entries"] if row["action"] == "grant_paid") == 2


def test_a_grant_over_the_manager_threshold_is_not_paid_unattended(tmp_path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger(db_url, "init")
    made = ledger(db_url, "member", "add", "--name", "居民", "--grant", "--json")
    member = json.loads(made.stdout)
    ledger(db_url, "settings", "set", "manager_above_coins", "10")
    refused = as_the_timer(db_url)
    assert refused.returncode == 2  # the unit fails: `systemctl --failed` shows it
    assert "Not confirmed: add --yes to confirm; nothing was done" in refused.stderr
    assert balance(db_url, str(member["member"])) == 0
