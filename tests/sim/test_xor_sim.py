"""The simulated XOR board, spoken to with literal bytes through a real pty."""

import os
import select
import time
import tty
from collections.abc import Iterator

import pytest

from sim.lockboard.xor import SimXorBoard
from sim.world import Cabinet


def exchange(fd: int, frame: str, wait: float = 0.5) -> bytes:
    """Write a frame to a raw pty and collect what comes back until the line is quiet."""
    os.write(fd, bytes.fromhex(frame))
    got = b""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            got += os.read(fd, 64)
        elif got:
            break
    return got


@pytest.fixture
def host() -> Iterator[tuple[int, SimXorBoard]]:
    with SimXorBoard(Cabinet.demo(1)) as sim:
        fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        yield fd, sim
        os.close(fd)


def test_a_query_gets_every_channel_with_closed_locks_active(host) -> None:
    fd, _ = host
    # 24 channels, all closed (bit 1); G3 G2 G1 = FF FF FF
    assert exchange(fd, "80 01 00 33 B2") == bytes.fromhex("80 01 FF FF FF 33 4D")


def test_an_unlock_releases_the_lock_and_answers_with_its_feedback(host) -> None:
    fd, sim = host
    assert exchange(fd, "8A 01 01 11 9B") == bytes.fromhex("8A 01 01 00 8A")  # now open
    assert sim.cabinet.pulses(1, 1) == 1
    assert exchange(fd, "80 01 00 33 B2") == bytes.fromhex("80 01 FF FF FE 33 4C")


def test_a_jammed_lock_answers_still_closed(host) -> None:
    fd, sim = host
    sim.cabinet.jam(1, 2)
    assert exchange(fd, "8A 01 02 11 98") == bytes.fromhex("8A 01 02 11 98")


def test_another_board_address_and_a_bad_checksum_get_silence(host) -> None:
    fd, sim = host
    assert exchange(fd, "8A 02 01 11 98", wait=0.2) == b""
    assert exchange(fd, "8A 01 01 11 9C", wait=0.2) == b""
    assert sim.cabinet.pulses(1, 1) == 0
    assert len(sim.heard) == 1


def test_a_corrupt_fault_flips_the_checksum_of_the_next_answer(host) -> None:
    fd, sim = host
    sim.fault("corrupt", 1)
    assert exchange(fd, "80 01 00 33 B2") == bytes.fromhex("80 01 FF FF FF 33 B2")
    assert exchange(fd, "80 01 00 33 B2") == bytes.fromhex("80 01 FF FF FF 33 4D")


def test_an_unknown_fault_name_is_refused() -> None:
    with SimXorBoard(Cabinet.demo(1)) as sim, pytest.raises(ValueError, match="unknown fault"):
        sim.fault("gremlins")
