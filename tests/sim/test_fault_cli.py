"""`python -m sim.lockboard --control` plus `python -m sim.fault`: faults from another shell,
seen by the real driver."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.errors import NoAnswer, PortUnavailable
from drivers.lockboard import open_board
from sim.fault import FaultControl
from sim.lockboard import make_board
from sim.scanner import SimScanner
from tests.drivers.board_rigs import fast_profile, locker

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def fault(port: int, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim.fault", "--control", str(port), *words],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def served() -> Iterator[dict[str, str]]:
    """The simulator CLI on a pty with a control port and a scanner; its `name: where` lines."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.lockboard",
            "--protocol",
            "xor",
            "--pty",
            "--control",
            "0",
            "--scanner",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    where = dict(proc.stdout.readline().strip().split(": ", 1) for _ in range(3))
    yield where
    proc.terminate()
    assert proc.wait(timeout=10) == 0


def test_a_lock_jammed_from_the_cli_stays_shut_when_the_driver_opens_it(served) -> None:
    port = int(served["control"].rsplit(":", 1)[1])
    run = fault(port, "jam", "1:3")
    assert run.returncode == 0 and run.stdout.startswith("ok jam 1:3")
    with open_board(served["lockboard"], fast_profile("xor")) as board:
        result = board.open(locker("xor", 3))
        assert result.accepted and result.after is not None
        assert result.after.hook_open is False


def test_silence_set_from_the_cli_makes_the_driver_report_no_answer(served) -> None:
    port = int(served["control"].rsplit(":", 1)[1])
    assert fault(port, "silent", "on").returncode == 0
    with open_board(served["lockboard"], fast_profile("xor")) as board:
        with pytest.raises(NoAnswer):
            board.read(locker("xor"))
        assert fault(port, "clear").returncode == 0
        assert board.read(locker("xor")).hook_open is False


def test_an_unplug_from_the_cli_is_seen_and_survived(served) -> None:
    port = int(served["control"].rsplit(":", 1)[1])
    with open_board(served["lockboard"], fast_profile("xor")) as board:
        board.read(locker("xor"))
        assert fault(port, "unplug", "1").returncode == 0
        with pytest.raises(PortUnavailable):
            board.read(locker("xor"))
        assert board.wait_connected(15)
        assert board.read(locker("xor")).hook_open is False


def test_swapped_wires_from_the_cli_silence_the_board_until_they_are_put_right(served) -> None:
    port = int(served["control"].rsplit(":", 1)[1])
    assert fault(port, "swapped", "on").stdout.startswith("ok swapped on")
    with open_board(served["lockboard"], fast_profile("xor")) as board:
        with pytest.raises(NoAnswer):
            board.read(locker("xor"))
        assert '"swapped": true' in fault(port, "status").stdout
        assert fault(port, "swapped", "off").returncode == 0
        assert board.read(locker("xor")).hook_open is False


def test_a_bad_command_exits_non_zero_naming_what_was_wrong(served) -> None:
    port = int(served["control"].rsplit(":", 1)[1])
    run = fault(port, "jam", "three")
    assert run.returncode == 2
    assert "BOARD:LOCK" in run.stderr
    assert "unknown command" in fault(port, "explode").stderr


def test_an_unreachable_control_port_is_reported_plainly() -> None:
    run = fault(1, "status")
    assert run.returncode == 1 and "cannot reach the simulator" in run.stderr


def test_the_python_api_sends_scanner_noise_and_reports_status() -> None:
    with make_board("kerong") as sim, SimScanner() as scanner:
        control = FaultControl(sim, scanner)
        assert control.apply("noise ff 00 13") == "ok noise ff 00 13"
        assert scanner.sent == 1
        assert control.apply("corrupt 2") == "ok corrupt 2" and sim.corrupt == 2
        assert control.apply("split off") == "ok split off" and sim.split == 0
        assert control.apply("status").startswith('ok {"protocol": "kerong"')
        assert control.apply("delay -1").startswith("error: delay:")
