"""`kiosk board status|open --protocol wkly` against `python -m sim.lockboard --protocol wkly
--pty`, as a technician would run them: the board's own size, door events on the line between
the commands, and a board that listens at another speed."""

import json
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    procs: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> str:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim.lockboard", "--protocol", "wkly", "--pty", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        return proc.stdout.readline().strip().removeprefix("lockboard: ")

    yield start
    for proc in procs:
        proc.terminate()
        assert proc.wait(timeout=5) == 0


def test_status_lists_every_channel_of_board_0_without_item_sensors(
    serve: Callable[..., str],
) -> None:
    port = serve()
    run = kiosk("board", "status", "--port", port, "--protocol", "wkly", "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["board"] == 0 and doc["protocol"] == "wkly" and len(doc["locks"]) == 24
    assert doc["locks"][0] == {"locker": "0:1", "hook_open": False, "item_present": None}
    table = kiosk("board", "status", "--port", port, "--protocol", "wkly")
    assert table.stdout.splitlines()[0].split() == ["locker", "hook", "item"]
    assert "0:24    closed  no sensor" in table.stdout


def test_open_then_status_shows_the_door_open_despite_its_pushed_event(
    serve: Callable[..., str],
) -> None:
    port = serve("--channels", "12")
    run = kiosk("board", "open", "0:5", "--port", port, "--protocol", "wkly")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "locker 0:5: unlock accepted by the board",
        "  now: hook open, item no sensor",
    ]
    status = kiosk("board", "status", "--port", port, "--protocol", "wkly", "--json")
    locks = json.loads(status.stdout)["locks"]
    assert len(locks) == 12 and [r["locker"] for r in locks if r["hook_open"]] == ["0:5"]


def test_a_board_at_another_speed_is_silent_with_a_wiring_hint(serve: Callable[..., str]) -> None:
    port = serve("--baud", "38400")
    run = kiosk("board", "status", "--port", port, "--protocol", "wkly")
    assert run.returncode == 1
    assert "board 0: 3 status reads failed" in run.stderr and "no answer" in run.stderr
    assert "`kiosk diag bus` tries every usual speed" in run.stderr  # the hint says what next
    assert "Traceback" not in run.stderr
    right = kiosk("board", "status", "--port", port, "--protocol", "wkly", "--baud", "38400")
    assert right.returncode == 0, right.stderr


def test_the_simulator_refuses_a_speed_no_board_uses() -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "sim.lockboard", "--protocol", "wkly", "--baud", "12345"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "--baud: 12345 is not a standard rate" in refused.stderr


def test_an_unlock_the_board_answers_with_failure_is_said_and_the_read_explains(
    serve: Callable[..., str],
) -> None:
    port = serve("--channels", "8")
    run = kiosk("board", "open", "0:9", "--port", port, "--protocol", "wkly")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "locker 0:9: unlock accepted by the board (its answer gave no state: garbled or failed)",
        "  now: sensors unreadable: locker 0:9: board 0 reports 8 channels, so lock 9 is not on it",
    ]
    assert "the board answered status 0xff" in run.stderr
