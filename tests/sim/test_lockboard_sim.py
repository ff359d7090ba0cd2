"""The simulated Kerong board, spoken to with literal bytes through a real pty and TCP: the
older firmware that echoes every command (`echo=True`) and, by default, current CU16 firmware
(status answered with 0x35, 0x32 with 0x36, unlocks carried out and never answered)."""

import os
import select
import socket
import subprocess
import sys
import time
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.lockboard.kerong.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockerAddress, LockState
from sim.lockboard import SimKerongBoard
from sim.world import Cabinet

ROOT = Path(__file__).resolve().parents[2]
FAST = BoardProfile(command_timeout=0.3, quiet_gap=0.005, read_retries=1)


def exchange(fd: int, frame: str, expect: int = 9, wait: float = 1.0) -> bytes:
    """Write a frame to a raw pty and collect up to `expect` answer bytes."""
    os.write(fd, bytes.fromhex(frame))
    got = b""
    deadline = time.monotonic() + wait
    while len(got) < expect and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            got += os.read(fd, 64)
    return got


@pytest.fixture
def cabinet() -> Cabinet:
    return Cabinet.demo()


@pytest.fixture
def host(cabinet: Cabinet) -> Iterator[tuple[int, SimKerongBoard]]:
    """The host end of an echoing (older firmware) simulator's pty, raw."""
    with SimKerongBoard(cabinet, echo=True) as sim:
        fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        yield fd, sim
        os.close(fd)


@pytest.fixture
def current(cabinet: Cabinet) -> Iterator[tuple[int, SimKerongBoard]]:
    """The host end of a current-firmware simulator's pty (the default), raw."""
    with SimKerongBoard(cabinet) as sim:
        fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        yield fd, sim
        os.close(fd)


def test_current_firmware_answers_a_status_request_with_0x35(
    current: tuple[int, SimKerongBoard],
) -> None:
    fd, _ = current
    # every hook closed, locks 1..6 hold items; CMD 0x35, SUM 0x74 + 5
    assert exchange(fd, "02 00 30 03 35") == bytes.fromhex("02 00 35 00 00 3F 00 03 79")


def test_current_firmware_answers_status_of_all_with_0x36(
    current: tuple[int, SimKerongBoard],
) -> None:
    fd, _ = current
    assert exchange(fd, "02 00 32 03 37") == bytes.fromhex("02 00 36 00 00 3F 00 03 7A")


def test_current_firmware_carries_out_an_unlock_and_sends_nothing_back(
    current: tuple[int, SimKerongBoard], cabinet: Cabinet
) -> None:
    fd, sim = current
    assert exchange(fd, "02 00 31 03 36", wait=0.3) == b""
    assert exchange(fd, "02 00 33 03 38", wait=0.3) == b""  # unlock all: silence too
    assert cabinet.pulses(0, 1) == 2 and cabinet.locker(0, 1).hook_open
    assert [lk.pulses for lk in cabinet.lockers()][1:] == [1] * 5
    # and the state after them is read as usual: the six fitted locks' hooks open
    assert exchange(fd, "02 00 30 03 35") == bytes.fromhex("02 00 35 3F 00 3F 00 03 B8")
    assert sim.status()["echo"] is False


def test_a_status_request_gets_the_board_status(host: tuple[int, SimKerongBoard]) -> None:
    fd, _ = host
    # every hook closed, locks 1..6 hold items
    assert exchange(fd, "02 00 30 03 35") == bytes.fromhex("02 00 30 00 00 3F 00 03 74")


def test_an_unlock_releases_the_lock_and_echoes_the_status(
    host: tuple[int, SimKerongBoard], cabinet: Cabinet
) -> None:
    fd, _ = host
    # unlock 0:1 -> lock 1 hook open; ADDR and CMD echoed
    assert exchange(fd, "02 00 31 03 36") == bytes.fromhex("02 00 31 01 00 3F 00 03 76")
    assert cabinet.pulses(0, 1) == 1


def test_unlock_all_releases_every_lock(host: tuple[int, SimKerongBoard], cabinet: Cabinet) -> None:
    fd, _ = host
    assert exchange(fd, "02 00 33 03 38") == bytes.fromhex("02 00 33 3F 00 3F 00 03 B6")
    assert [lk.pulses for lk in cabinet.lockers()] == [1] * 6


def test_a_frame_split_across_writes_with_noise_before_it_is_answered(
    host: tuple[int, SimKerongBoard],
) -> None:
    fd, _ = host
    os.write(fd, bytes.fromhex("FF 13 02 00"))
    time.sleep(0.05)
    assert exchange(fd, "30 03 35") == bytes.fromhex("02 00 30 00 00 3F 00 03 74")


def test_an_unknown_board_and_a_bad_checksum_get_silence(
    host: tuple[int, SimKerongBoard], cabinet: Cabinet
) -> None:
    fd, sim = host
    assert exchange(fd, "02 50 31 03 86", wait=0.2) == b""  # board 5
    assert exchange(fd, "02 00 31 03 37", wait=0.2) == b""  # checksum off by one
    assert cabinet.pulses(0, 1) == 0
    assert len(sim.heard) == 1


def test_a_paced_board_sends_at_the_baud_rate(cabinet: Cabinet) -> None:
    with SimKerongBoard(cabinet, pace=True, baud=9600) as sim:
        fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY)
        try:
            started = time.monotonic()
            assert len(exchange(fd, "02 00 30 03 35")) == 9
            assert time.monotonic() - started >= 8 * 10 / 9600  # 8 byte times first to last
        finally:
            os.close(fd)


def test_the_tcp_board_answers_the_same_bytes(cabinet: Cabinet) -> None:
    with (
        SimKerongBoard(cabinet, tcp_port=0, echo=True) as sim,
        socket.create_connection(("127.0.0.1", sim.port), timeout=1) as conn,
    ):
        assert sim.url == f"socket://127.0.0.1:{sim.port}"
        conn.sendall(bytes.fromhex("02 00 31 03 36"))
        got = b""
        while len(got) < 9:
            got += conn.recv(64)
        assert got == bytes.fromhex("02 00 31 01 00 3F 00 03 76")


def start_cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "sim.lockboard", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_cli_prints_its_pty_and_the_driver_unlocks_through_it() -> None:
    proc = start_cli("--protocol", "kerong", "--pty")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("lockboard: /")
        path = line.removeprefix("lockboard: ")
        with KerongLockBoard(path, FAST) as board:
            assert board.read(LockerAddress(0, 1)) == LockState(False, True)
            assert board.unlock(LockerAddress(0, 1)) == LockState(True, True)
            assert board.read(LockerAddress(0, 1)) == LockState(True, True)
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
