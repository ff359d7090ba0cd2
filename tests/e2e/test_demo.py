"""The scripted visit, end to end: the real kiosk, drivers and UI on the simulator and ledger."""

import json
import os
import subprocess
import sys

from PIL import Image


def test_the_demo_visit_takes_the_price_from_the_balance_and_captures_the_vend(tmp_path):
    out = tmp_path / "shots"
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen")
    run = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "demo", "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["sku"] == "water" and summary["price"] == 20 and summary["locker"] == "0:2"
    assert summary["balance_after"] == summary["balance_before"] - summary["price"]
    assert summary["journal_state"] == "captured"
    names = [os.path.basename(p) for p in summary["screenshots"]]
    assert names == [
        "01-attract.png",
        "02-catalog.png",
        "03-confirm.png",
        "04-vending.png",
        "05-result.png",
    ]
    for path in summary["screenshots"]:
        with Image.open(path) as img:
            assert img.size == (800, 480)
            assert len(img.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 8


def test_the_demo_prints_each_step_and_the_balances(tmp_path):
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen")
    run = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "balance 120 -> 100 coins" in run.stdout
    assert run.stdout.strip().endswith("visit completed")


def test_the_demo_removes_its_data_folder_unless_asked_to_keep_it(tmp_path):
    # The demo's folder holds a ledger with member secrets and a config with a kiosk key.
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", TMPDIR=str(temp))
    demo = [sys.executable, "-m", "kiosk.cli", "demo", "--out", str(tmp_path / "shots")]
    run = subprocess.run(demo, capture_output=True, text=True, timeout=180, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert [p.name for p in temp.iterdir() if p.name.startswith("kiosk-demo-")] == []

    run = subprocess.run(
        [*demo, "--keep", "--json"], capture_output=True, text=True, timeout=180, env=env
    )
    assert run.returncode == 0, run.stdout + run.stderr
    kept = json.loads(run.stdout.strip().splitlines()[-1])["data"]
    assert os.path.dirname(kept) == str(temp)
    assert any(name.endswith(".db") for name in os.listdir(kept)), os.listdir(kept)
