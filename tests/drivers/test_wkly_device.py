"""WklyLockBoard against the simulated WKLY board on a real pty, and against a board that only
knows frames written down in junerver/LockDemo: answers, the board's own size, door events
sent unasked (kept, never taken for an answer), refusals and the per-board counters."""

import os
import pty
import threading
import time
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from drivers.errors import BoardRefused, NoAnswer, UnknownLocker
from drivers.lockboard.profile import BoardProfile
from drivers.lockboard.wkly.device import WklyLockBoard
from kiosk.core.interfaces import LockBoard, LockerAddress, LockState
from sim.lockboard.wkly import SimWklyBoard
from sim.world import Cabinet
from tests.drivers.board_rigs import fast_profile, rig

CLOSED = LockState(hook_open=False, item_present=True, item_sensed=False)
OPEN = LockState(hook_open=True, item_present=True, item_sensed=False)
L1 = LockerAddress(0, 1)


def wait_until(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@contextmanager
def wkly() -> Iterator[tuple[SimWklyBoard, WklyLockBoard]]:
    """The WKLY simulator and driver of board_rigs.rig, typed as what they are."""
    with rig("wkly") as (sim, board):
        assert isinstance(sim, SimWklyBoard) and isinstance(board, WklyLockBoard)
        yield sim, board


def test_the_factory_gives_a_wkly_device_that_is_a_lock_board() -> None:
    with rig("wkly") as (_, board):
        assert isinstance(board, WklyLockBoard)
        as_core: LockBoard = board  # mypy holds it to the core's LockBoard protocol
        assert as_core.read(L1) == CLOSED


def test_the_status_shows_every_channel_the_board_reports() -> None:
    cabinet = Cabinet.demo(0)
    with (
        SimWklyBoard(cabinet, channels=12) as sim,
        WklyLockBoard(sim.url, fast_profile("wkly", locks=48)) as board,
    ):
        states = board.status()
        assert sorted(states) == list(range(1, 13))
        assert all(not s.item_sensed for s in states.values())
        with pytest.raises(UnknownLocker, match="reports 12 channels"):
            board.read(LockerAddress(0, 13))


def test_an_unlock_answers_with_the_door_and_its_door_event_is_kept() -> None:
    with wkly() as (sim, board):
        lk = LockerAddress(0, 3)
        assert board.unlock(lk, vend="v1") == OPEN
        # The simulator sent 0x85 before the answer: the driver read past it, and kept it.
        pushed = board.pushed(lk)
        assert pushed is not None and pushed.state == OPEN
        assert sim.heard_unlocks(0, 3) == 1
        sim.cabinet.close_door(0, 3)
        assert wait_until(lambda: sim.pushed == 2)  # the close event is on the line, unasked
        # Between commands it is read, not flushed unread, and the answer is still this read's.
        assert board.read(lk) == CLOSED
        closed = board.pushed(lk)
        assert closed is not None and closed.state == CLOSED and closed.at > pushed.at
        assert board.status_report()["door_events"] == 2


def test_door_events_of_other_locks_never_pass_for_an_answer() -> None:
    with wkly() as (sim, board):
        for lock in (1, 2, 3, 4):
            sim.cabinet.release(0, lock)  # four doors swing open: four events on the line
        assert board.unlock(LockerAddress(0, 5)) == OPEN
        assert board.read(LockerAddress(0, 1)) == OPEN
        assert wait_until(lambda: board.status_report()["door_events"] == 5)
        assert board.counters()["0"] == {"replies": 2, "checksum_errors": 0, "timeouts": 0}


def test_events_switched_off_leave_nothing_pushed() -> None:
    with wkly() as (sim, board):
        sim.events = False
        board.unlock(L1)
        assert board.pushed(L1) is None


def test_a_lock_the_board_does_not_have_is_answered_with_failure_and_not_resent() -> None:
    cabinet = Cabinet.demo(0)
    with (
        SimWklyBoard(cabinet, channels=8) as sim,
        WklyLockBoard(sim.url, fast_profile("wkly")) as board,
    ):
        assert board.unlock(LockerAddress(0, 9)) is None  # STATUS FF: no state to give
        assert len(sim.heard) == 1
        assert board.counters()["0"]["replies"] == 1


def test_counters_tell_replies_checksum_errors_and_timeouts_apart() -> None:
    with wkly() as (sim, board):
        board.read(L1)
        sim.fault("corrupt", 1)
        board.read(L1)  # one garbled answer, then a good one
        sim.fault("silent")
        with pytest.raises(NoAnswer):
            board.read(L1)
        assert board.counters() == {"0": {"replies": 2, "checksum_errors": 1, "timeouts": 2}}
        assert board.status_report()["boards"] == board.counters()


# -- the driver against a board that only knows LockDemo's bytes -------------------------------

# junerver/LockDemo, ExampleUnitTest.kt: the query of board 0, its 4-channel answer with locks
# 2 and 3 closed, and a door event (lock 2 open) that arrives unasked before it.
QUERY_ALL = bytes.fromhex("57 4B 4C 59 08 00 84 85")
FOUR_DOORS = bytes.fromhex("57 4B 4C 59 0E 00 84 00 04 00 01 01 00 87")
LOCK_2_OPENED = bytes.fromhex("57 4B 4C 59 0A 00 85 02 00 84")
OPEN_1 = bytes.fromhex("57 4B 4C 59 09 00 82 01 83")
OPEN_1_REPLY = bytes.fromhex("57 4B 4C 59 0B 00 82 00 01 00 81")
FAILED_QUERY = bytes.fromhex("57 4B 4C 59 09 00 84 FF 7B")


Literal = tuple[str, list[bytes], dict[bytes, bytes]]


@pytest.fixture
def literal_board() -> Iterator[Literal]:
    """A pty whose far end answers a heard frame with the bytes `answers` maps it to (and
    nothing else); yields its path, the frames heard and the answers table."""
    master, slave = pty.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    heard: list[bytes] = []
    answers: dict[bytes, bytes] = {}
    stop = threading.Event()

    def board() -> None:
        buf = b""
        while not stop.is_set():
            try:
                buf += os.read(master, 64)
            except OSError:
                return
            while len(buf) >= 5 and len(buf) >= buf[4]:
                frame, buf = buf[: buf[4]], buf[buf[4] :]
                heard.append(frame)
                if frame in answers:
                    os.write(master, answers[frame])

    thread = threading.Thread(target=board, daemon=True)
    thread.start()
    try:
        yield os.ttyname(slave), heard, answers
    finally:
        stop.set()
        os.close(slave)
        os.close(master)


FAST = BoardProfile.for_protocol(
    "wkly", command_timeout=0.25, quiet_gap=0.005, read_retries=1, unlock_settle=0.0
)


def test_lockdemo_status_answer_with_an_event_before_it(literal_board: Literal) -> None:
    """junerver/LockDemo, ExampleUnitTest.kt (testParseGetAllStatusResponse,
    testParseStatusUploadResponse): DOOR 0x00 is open, 0x01 closed; the board tells its size."""
    path, heard, answers = literal_board
    answers[QUERY_ALL] = LOCK_2_OPENED + FOUR_DOORS
    with WklyLockBoard(path, FAST) as device:
        assert device.status(0) == {1: OPEN, 2: CLOSED, 3: CLOSED, 4: OPEN}
        pushed = device.pushed(LockerAddress(0, 2))
        assert pushed is not None and pushed.state == OPEN
    assert heard == [QUERY_ALL]


def test_lockdemo_open_answer(literal_board: Literal) -> None:
    """junerver/LockDemo, ExampleUnitTest.kt (testOpenSingleLock, testDocDemo): `57 4B 4C 59
    09 00 82 01 83` opens lock 1 of board 0, answered `... 0B 00 82 00 01 00 81` (door open)."""
    path, heard, answers = literal_board
    answers[OPEN_1] = OPEN_1_REPLY
    with WklyLockBoard(path, FAST) as device:
        assert device.unlock(L1) == OPEN
    assert heard == [OPEN_1]


def test_a_status_answered_with_failure_is_retried_then_reported(literal_board: Literal) -> None:
    path, heard, answers = literal_board
    answers[QUERY_ALL] = FAILED_QUERY
    with WklyLockBoard(path, FAST) as device, pytest.raises(BoardRefused, match="0xff") as e:
        device.status(0)
    assert heard == [QUERY_ALL, QUERY_ALL]
    assert "heard the command but reports a failure" in e.value.hint
