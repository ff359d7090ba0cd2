"""`kiosk board status --protocol xor` shows as many locks as the board reports, through a real
pty: XOR "8A/80" boards tell their size by the length of their status reply."""

import json
import os
import pty
import subprocess
import sys
import threading
import tty
from collections.abc import Iterator

import pytest

from sim.lockboard import make_board


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], capture_output=True, text=True, timeout=60
    )


def status(port: str, *extra: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    run = kiosk("board", "status", "--port", port, "--protocol", "xor", "--json", *extra)
    assert run.returncode == 0, run.stderr
    return run, json.loads(run.stdout)["locks"]


@pytest.mark.parametrize("channels", [8, 16, 24])
def test_status_shows_every_channel_the_board_reports(channels: int) -> None:
    with make_board("xor", channels=channels) as sim:
        sim.cabinet.release(1, 2)
        _run, locks = status(sim.url)
        table = kiosk("board", "status", "--port", sim.url, "--protocol", "xor")
    assert [row["locker"] for row in locks] == [f"1:{n}" for n in range(1, channels + 1)]
    assert locks[1]["hook_open"] is True and locks[0]["hook_open"] is False
    assert table.returncode == 0 and table.stdout.splitlines()[-1].startswith(f"1:{channels} ")


def test_locks_restricts_to_the_first_n_and_says_when_the_board_has_fewer() -> None:
    with make_board("xor", channels=24) as sim:
        _run, locks = status(sim.url, "--locks", "10")
        assert len(locks) == 10
    with make_board("xor", channels=16) as sim:
        run, locks = status(sim.url, "--locks", "24")
    assert len(locks) == 16
    assert "board 1 reports 16 channels, fewer than --locks 24" in run.stderr


@pytest.fixture
def literal_board() -> Iterator[tuple[str, dict[bytes, bytes]]]:
    """A pty whose far end answers each frame from a table of literal bytes."""
    master, slave = pty.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    table: dict[bytes, bytes] = {}

    def board() -> None:
        buf = b""
        while True:
            try:
                buf += os.read(master, 64)
            except OSError:
                return
            while len(buf) >= 5:
                frame, buf = buf[:5], buf[5:]
                if frame in table:
                    os.write(master, table[frame])

    threading.Thread(target=board, daemon=True).start()
    try:
        yield os.ttyname(slave), table
    finally:
        os.close(slave)
        os.close(master)


def test_an_8_channel_board_and_one_answering_with_3_status_bytes(
    literal_board: tuple[str, dict[bytes, bytes]],
) -> None:
    """Query `80 01 00 33 B2`. An 8-channel board answers one group: `80 01 05 33 B7`; a board
    that always answers three groups, `80 01 00 00 05 33 B7`, reports 24 channels, and --locks 8
    shows only the 8 a technician knows are fitted. Inputs 1 and 3 active: closed."""
    port, table = literal_board
    query = bytes.fromhex("80 01 00 33 B2")
    table[query] = bytes.fromhex("80 01 05 33 B7")
    _run, locks = status(port)
    assert [r["hook_open"] for r in locks] == [False, True, False, True, True, True, True, True]
    table[query] = bytes.fromhex("80 01 00 00 05 33 B7")
    _run, locks = status(port)
    assert len(locks) == 24 and [r["hook_open"] for r in locks[:3]] == [False, True, False]
    _run, locks = status(port, "--locks", "8")
    assert [r["locker"] for r in locks] == [f"1:{n}" for n in range(1, 9)]


def test_the_simulator_cli_takes_a_channel_count() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.lockboard", "--protocol", "xor", "--channels", "16", "--pty"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip().removeprefix("lockboard: ")
        _run, locks = status(port)
        assert len(locks) == 16
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
    refused = subprocess.run(
        [sys.executable, "-m", "sim.lockboard", "--protocol", "xor", "--channels", "60"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "channels: 60 is outside 1..50" in refused.stderr
