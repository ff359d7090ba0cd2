"""A crash at every journal step: the kiosk process is SIGKILLed right after the journal wrote the
step, restarted, recovers and settles; then the ledger, the journal and the cabinet agree.
"""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.journal import VendJournal
from kiosk.core.view import VendStep
from sim.site import SimulatedSite
from tests.core.conftest import visitor

ROOT = Path(__file__).parents[2]
PRICE = 20  # water, locker 0:2, two bottles

# The step the process dies after, and whether the item ends handed out (and so captured).
STEPS = [
    ("intent", False),
    ("held", False),
    ("unlocking", False),  # the pulse never went out: the board shows it closed, item inside
    ("unlocked", True),
    ("door_opened", True),
    ("door_closed", True),
    ("decided", True),  # capture decided and journalled, the ledger not yet told
    ("captured", True),
]


def run(*args, timeout=90):
    return subprocess.run(
        [sys.executable, "-m", "tests.core.crash_kiosk", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(("crash_at", "handed_out"), STEPS)
def test_a_crash_after_each_journal_step_is_recovered_without_double_charge_or_open_hold(
    tmp_path, crash_at, handed_out
):
    with SimulatedSite(tmp_path / "site") as site:
        member = site.member("王阿姨")
        before = site.balance(member["member"])
        visitor(site, "0:2", patience=60)  # takes a bottle once the door springs open

        died = run("vend", str(site.config_path), site.phone_code("王阿姨"), "water", crash_at)
        assert died.returncode == -signal.SIGKILL, died.stderr[-3000:]

        again = run("recover", str(site.config_path))
        assert again.returncode == 0, again.stderr[-3000:]
        report = json.loads(again.stdout.strip().splitlines()[-1])
        assert report["pending"] == 0 and report["undecided"] == []

        journal = VendJournal(site.data_dir / "kiosk-data" / "journal.db")
        try:
            [vend] = journal.all_vends()
            expected = VendStep.CAPTURED if handed_out else VendStep.VOIDED
            assert vend.state is expected
            stock = {s.locker: s.count for s in journal.lockers()}
        finally:
            journal.close()
        holds = site.holds()
        assert [h["state"] for h in holds if h["state"] == "held"] == []  # no hold left open
        captured = [h for h in holds if h["state"] == "captured"]
        assert len(captured) == (1 if handed_out else 0)  # never charged twice
        assert site.balance(member["member"]) == before - (PRICE if handed_out else 0)
        # No item handed out without a capture, and the journal's stock says the same.
        taken = 2 - site.cabinet.locker(0, 2).items
        assert taken == (1 if handed_out else 0)
        assert stock["0:2"] == 2 - taken
        if crash_at == "unlocking":
            assert site.cabinet.pulses(0, 2) == 0  # never pulsed by the recovery either
