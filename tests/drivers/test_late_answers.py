"""A status reply that comes later than the read's timeout, on a real pty to the simulated
Kerong board (current firmware: an unlock is never answered, a status read after it confirms).
A Kerong frame says nothing of which query it answers, so such a late reply, the lock as it was
before the unlock, must never pass for the confirming read's answer (docs/protocols.md, "Late
answers")."""

import logging
import time
from collections.abc import Iterator

import pytest

from drivers.errors import NoAnswer
from drivers.lockboard.kerong.codec import Cmd
from drivers.lockboard.kerong.device import KerongLockBoard
from drivers.lockboard.late_answers import LateAnswers
from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockerAddress, LockState
from sim.lockboard import SimKerongBoard
from sim.world import Cabinet

# The confirming read's window (0.3 s) opens as the late reply (0.45 s) is still on its way.
PROFILE = BoardProfile(command_timeout=0.3, quiet_gap=0.005, read_retries=0, unlock_settle=0.0)
LATE = 0.45
L1 = LockerAddress(0, 1)
SHUT_FULL = LockState(hook_open=False, item_present=True)
OPEN_FULL = LockState(hook_open=True, item_present=True)


@pytest.fixture
def sim() -> Iterator[SimKerongBoard]:
    with SimKerongBoard(Cabinet.demo()) as board:
        yield board


@pytest.fixture
def board(sim: SimKerongBoard) -> Iterator[KerongLockBoard]:
    with KerongLockBoard(sim.url, PROFILE) as device:
        assert device.read(L1) == SHUT_FULL  # the board's dialect is known: current firmware
        yield device


def a_reply_comes_late(sim: SimKerongBoard, board: KerongLockBoard) -> float:
    """A status read the board answers LATE s after it: the read gives up first. Returns when
    the late reply (the lock shut, as it was) goes out."""
    sim.fault("late_once", LATE)
    asked = time.monotonic()
    with pytest.raises(NoAnswer):
        board.read(L1)
    return asked + LATE


def test_a_late_reply_never_passes_for_the_read_confirming_an_unlock(
    sim: SimKerongBoard, board: KerongLockBoard, caplog: pytest.LogCaptureFixture
) -> None:
    late_at = a_reply_comes_late(sim, board)
    with caplog.at_level(logging.INFO, logger="drivers.serial_link"):
        state = board.unlock(L1)
    # The late reply was seen and dropped before the confirming read's query went out.
    assert "9 bytes came after their command's time: dropped" in caplog.text
    assert time.monotonic() > late_at  # the late reply went out while unlock() was reading
    # Not the stale "shut": the lock as the board reports it after the unlock.
    assert state == OPEN_FULL
    assert sim.cabinet.locker(0, 1).door_open and sim.cabinet.pulses(0, 1) == 1
    assert [c.cmd for c in sim.heard].count(Cmd.UNLOCK) == 1


def test_open_shows_the_lock_after_the_unlock_for_a_technician_too(
    sim: SimKerongBoard, board: KerongLockBoard
) -> None:
    a_reply_comes_late(sim, board)
    result = board.open(L1)
    assert result.accepted and not result.answered
    assert result.echoed == OPEN_FULL and result.after == OPEN_FULL


def test_a_jammed_lock_still_reads_shut_after_the_late_reply_passed(
    sim: SimKerongBoard, board: KerongLockBoard
) -> None:
    sim.cabinet.jam(0, 1)
    a_reply_comes_late(sim, board)
    assert board.unlock(L1) == SHUT_FULL  # shut because it is, not because the reply was old
    assert sim.cabinet.pulses(0, 1) == 1 and not sim.cabinet.locker(0, 1).door_open


def test_reads_after_an_unlock_wait_only_when_the_board_left_a_command_unanswered(
    sim: SimKerongBoard, board: KerongLockBoard
) -> None:
    started = time.monotonic()
    assert board.unlock(L1) == OPEN_FULL
    assert time.monotonic() - started < PROFILE.late_answer_limit / 2  # nothing was owed
    a_reply_comes_late(sim, board)
    unlocked = time.monotonic()
    board.unlock(LockerAddress(0, 2))
    # It waited for the late reply to pass: the limit counts from the timeout.
    assert time.monotonic() - unlocked >= PROFILE.late_answer_limit - 0.05


def test_the_wait_is_owed_per_board_and_only_before_a_read_after_an_unlock() -> None:
    now = [100.0]
    slept: list[float] = []
    late = LateAnswers(1.0, clock=lambda: now[0], sleep=slept.append)
    late.unanswered(0)
    assert late.wait_before_read(0) == 0.0  # no unlock since: a later read may take any frame
    now[0] = 100.4
    late.unlocking(0)
    late.unlocking(1)
    assert late.wait_before_read(1) == 0.0  # board 1 owes nothing
    assert late.wait_before_read(0) == pytest.approx(0.6) and slept == [pytest.approx(0.6)]
    now[0] = 101.0
    late.unlocking(0)  # the answer can no longer come: nothing more to wait for
    assert late.wait_before_read(0) == 0.0
