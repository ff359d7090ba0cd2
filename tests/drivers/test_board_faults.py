"""Every lock-board fault the simulator can inject, against the real driver on a real pty:
the error is reported, an unlock is never sent twice, and the link recovers by itself."""

import threading
from collections.abc import Iterator

import pytest

from drivers.errors import AlreadyUnlocked, CorruptReply, NoAnswer, PortUnavailable
from drivers.lockboard.base import BusLockBoard
from kiosk.core.errors import LockBoardError
from sim.lockboard.base import SimBoard
from tests.drivers.board_rigs import ANSWERING, PROTOCOLS, locker, rig

Bus = tuple[SimBoard, BusLockBoard, str]


@pytest.fixture(params=PROTOCOLS)
def bus(request: pytest.FixtureRequest) -> Iterator[Bus]:
    with rig(request.param) as (sim, board):
        yield sim, board, request.param


def settle() -> None:
    """Long enough for anything still in flight on the line to have arrived."""
    threading.Event().wait(0.3)


def test_a_jammed_lock_accepts_the_unlock_but_stays_shut(bus: Bus) -> None:
    sim, board, protocol = bus
    lk = locker(protocol, 2)
    sim.cabinet.jam(lk.board, lk.lock)
    result = board.open(lk)
    assert result.accepted and result.after is not None
    assert result.after.hook_open is False
    assert sim.heard_unlocks(lk.board, lk.lock) == 1


def test_a_silent_board_fails_the_unlock_which_is_never_resent(bus: Bus) -> None:
    sim, board, protocol = bus
    sim.fault("silent")
    with pytest.raises(NoAnswer, match="NOT re-sent"):
        board.unlock(locker(protocol))
    settle()
    assert sim.heard_unlocks(locker(protocol).board, 1) == 1
    assert sim.cabinet.pulses(locker(protocol).board, 1) == 1  # the lock did move
    assert board.status_report()["state"] == "connected"  # silence is not an unplug


def test_a_silent_board_fails_a_read_after_its_retries(bus: Bus) -> None:
    sim, board, protocol = bus
    sim.fault("silent")
    with pytest.raises(LockBoardError, match="2 status reads failed"):
        board.read(locker(protocol))
    assert len(sim.heard) == 2


def test_a_late_answer_within_the_timeout_still_counts(bus: Bus) -> None:
    sim, board, protocol = bus
    sim.fault("delay", 0.1)
    assert board.read(locker(protocol)).hook_open is False


def test_an_answer_later_than_the_timeout_fails_and_never_poisons_the_next_command(
    bus: Bus,
) -> None:
    sim, board, protocol = bus
    lk = locker(protocol)
    sim.fault("delay", 0.4)
    with pytest.raises(NoAnswer):
        board.unlock(lk)
    settle()  # the late unlock answer (hook open) is now waiting in the input buffer
    sim.cabinet.close_door(lk.board, lk.lock)
    sim.fault("delay", 0)
    assert board.read(lk).hook_open is False  # flushed: the stale "open" answer was dropped
    assert sim.heard_unlocks(lk.board, lk.lock) == 1


def test_one_corrupt_answer_is_retried_for_a_read(bus: Bus) -> None:
    sim, board, protocol = bus
    sim.fault("corrupt", 1)
    assert board.read(locker(protocol)).hook_open is False
    assert len(sim.heard) == 2


@pytest.mark.parametrize("family", ANSWERING)
def test_a_corrupt_answer_to_an_unlock_returns_none_and_is_not_resent(family: str) -> None:
    with rig(family) as (sim, board):
        lk = locker(family.removesuffix("-echo"))
        board.read(lk)  # heard from once, as the kiosk's first health check does
        sim.fault("corrupt", 1)
        assert board.unlock(lk) is None
        settle()
        assert sim.heard_unlocks(lk.board, lk.lock) == 1
        assert board.read(lk).hook_open is True  # it was heard and carried out


def test_answers_that_are_always_corrupt_are_reported_with_their_bytes(bus: Bus) -> None:
    sim, board, protocol = bus
    sim.fault("corrupt", -1)
    with pytest.raises(CorruptReply, match="no valid frame was among them"):
        board.read(locker(protocol))


def test_an_answer_split_in_two_pieces_is_put_back_together(bus: Bus) -> None:
    sim, board, protocol = bus
    # Shorter than the reply gap: one frame arriving in two USB packets.
    sim.fault("split", 0.004)
    lk = locker(protocol, 3)
    assert board.unlock(lk) is not None
    assert board.read(lk).hook_open is True


def test_the_same_vend_never_unlocks_twice(bus: Bus) -> None:
    sim, board, protocol = bus
    lk = locker(protocol)
    board.unlock(lk, vend="vend-1")
    with pytest.raises(AlreadyUnlocked, match="vend-1"):
        board.unlock(lk, vend="vend-1")
    board.unlock(lk, vend="vend-2")  # another vend of the same locker is allowed
    assert sim.heard_unlocks(lk.board, lk.lock) == 2


@pytest.mark.parametrize("transport", ["pty", "tcp"])
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_after_an_unplug_the_driver_reports_it_and_recovers_by_itself(
    protocol: str, transport: str
) -> None:
    with rig(protocol, transport) as (sim, board):
        lk = locker(protocol)
        assert board.read(lk).hook_open is False
        sim.unplug(1.5)
        with pytest.raises(PortUnavailable):
            board.read(lk)
        report = board.status_report()
        assert report["state"] == "reconnecting" and report["last_error"]
        # An unlock while unplugged fails at once, and that vend is never pulsed later.
        with pytest.raises(PortUnavailable):
            board.unlock(lk, vend="vend-9")
        assert board.wait_connected(15), board.status_report()
        assert board.read(lk).hook_open is False
        with pytest.raises(AlreadyUnlocked):
            board.unlock(lk, vend="vend-9")
        assert sim.heard_unlocks(lk.board, lk.lock) == 0
        assert board.status_report()["reconnects"] == 1


def test_the_pty_comes_back_at_the_same_stable_path() -> None:
    with rig("kerong") as (sim, board):
        before = sim.url
        board.read(locker("kerong"))
        sim.unplug(0.5)
        with pytest.raises(PortUnavailable):
            board.read(locker("kerong"))
        assert board.wait_connected(15)
        assert sim.url == before
        assert board.status_report()["port"] == before
