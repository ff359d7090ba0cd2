"""The simulated board stamps each command it hears with the monotonic time its last byte was
read (`heard_at`), which bench/scan_to_unlock.py uses as the end of "scan to unlock"."""

import os
import select
import time
import tty

from sim.lockboard import SimKerongBoard
from sim.world import Cabinet


def read_answer(fd: int, size: int) -> bytes:
    got = b""
    deadline = time.monotonic() + 2.0
    while len(got) < size and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.05)[0]:
            got += os.read(fd, 64)
    return got


def test_each_heard_command_gets_the_time_it_arrived_between_send_and_answer() -> None:
    # The echoing firmware, so that the unlock has an answer to time as well.
    with SimKerongBoard(Cabinet.demo(), pace=True, echo=True) as sim:
        fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        try:
            stamps = []
            for frame in ("02 00 30 03 35", "02 00 31 03 36"):  # status, then unlock lock 1
                sent = time.monotonic()
                os.write(fd, bytes.fromhex(frame))
                assert len(read_answer(fd, 9)) == 9
                stamps.append((sent, time.monotonic()))
        finally:
            os.close(fd)
    assert len(sim.heard_at) == len(sim.heard) == 2
    for at, (sent, answered) in zip(sim.heard_at, stamps, strict=True):
        # heard after it was sent, and before the paced answer (9 bytes at 19200 baud) was in
        assert sent <= at <= answered - 8 * 10 / sim.baud
    assert sim.heard_unlocks(0, 1) == 1
