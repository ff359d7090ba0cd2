"""`kiosk sim`'s hardware panel drives a whole visit through the real kiosk."""

import json
import subprocess
import sys


def test_a_visit_made_with_the_hardware_panel_captures_the_price(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "tests.e2e.sim_panel_visit", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stdout[-2000:] + run.stderr[-4000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert result == {
        "balance_before": 120,
        "ok": True,
        "balance_after": 100,
        "pulses": 1,
        "card_screen": "pin_pad",  # the panel's printed card leads to the PIN pad
    }
