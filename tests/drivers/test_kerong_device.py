"""KerongLockBoard driving the simulated board through a real pty (and a TCP socket)."""

import os
import pty
import threading
import time
import tty
from collections.abc import Iterator

import pytest

from drivers.errors import NoAnswer, PortUnavailable
from drivers.lockboard.kerong.codec import Cmd
from drivers.lockboard.kerong.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockBoard, LockerAddress, LockState
from sim.lockboard import SimKerongBoard
from sim.world import Cabinet

FAST = BoardProfile(command_timeout=0.2, quiet_gap=0.005, read_retries=1)
L1 = LockerAddress(0, 1)
CLOSED_FULL = LockState(hook_open=False, item_present=True)


@pytest.fixture
def cabinet() -> Cabinet:
    return Cabinet.demo()


@pytest.fixture(params=["pty", "tcp"])
def sim(request: pytest.FixtureRequest, cabinet: Cabinet) -> Iterator[SimKerongBoard]:
    tcp_port = 0 if request.param == "tcp" else None
    with SimKerongBoard(cabinet, tcp_port=tcp_port) as board:
        yield board


@pytest.fixture
def board(sim: SimKerongBoard) -> Iterator[KerongLockBoard]:
    with KerongLockBoard(sim.url, FAST) as device:
        yield device


def test_the_device_is_a_lock_board(board: KerongLockBoard) -> None:
    assert isinstance(board, KerongLockBoard)
    _: LockBoard = board


def test_a_closed_stocked_locker_reads_closed_with_an_item(board: KerongLockBoard) -> None:
    assert board.read(L1) == CLOSED_FULL


def test_unlock_reports_the_echoed_state_and_a_read_shows_the_hook_open(
    board: KerongLockBoard, cabinet: Cabinet
) -> None:
    board.unlock(L1)
    assert board.read(L1) == LockState(hook_open=True, item_present=True)
    assert cabinet.pulses(0, 1) == 1


def test_unlock_pulses_the_lock_exactly_once(board: KerongLockBoard, cabinet: Cabinet) -> None:
    state = board.unlock(LockerAddress(0, 3))
    assert state == LockState(hook_open=True, item_present=True)
    assert cabinet.pulses(0, 3) == 1
    assert [lk.pulses for lk in cabinet.lockers() if lk.lock != 3] == [0] * 5


def test_taking_the_item_and_closing_the_door_clears_item_and_hook(
    board: KerongLockBoard, cabinet: Cabinet
) -> None:
    board.unlock(LockerAddress(0, 6))
    assert cabinet.take_item(0, 6)
    cabinet.close_door(0, 6)
    assert board.read(LockerAddress(0, 6)) == LockState(hook_open=False, item_present=False)


def test_a_jammed_lock_accepts_the_unlock_but_its_hook_stays_closed(
    board: KerongLockBoard, cabinet: Cabinet
) -> None:
    cabinet.jam(0, 2)
    assert board.unlock(LockerAddress(0, 2)) == CLOSED_FULL
    assert board.read(LockerAddress(0, 2)) == CLOSED_FULL
    assert cabinet.pulses(0, 2) == 1


def test_a_silent_board_fails_the_unlock_in_time_and_it_is_never_resent(
    board: KerongLockBoard, sim: SimKerongBoard, cabinet: Cabinet
) -> None:
    sim.silent = True
    started = time.monotonic()
    with pytest.raises(LockBoardError, match="no answer within 0.2 s") as caught:
        board.unlock(L1)
    assert time.monotonic() - started < 0.6
    assert isinstance(caught.value, NoAnswer)
    assert "NOT re-sent" in str(caught.value)
    time.sleep(0.1)  # anything still in flight would have arrived by now
    assert cabinet.pulses(0, 1) == 1
    assert [c.cmd for c in sim.heard].count(Cmd.UNLOCK) == 1


def test_a_silent_board_fails_a_read_after_its_retries(
    board: KerongLockBoard, sim: SimKerongBoard
) -> None:
    sim.silent = True
    with pytest.raises(LockBoardError, match="2 status reads failed"):
        board.read(L1)
    assert len(sim.heard) == 2


def test_a_late_answer_still_counts_within_the_timeout(
    board: KerongLockBoard, sim: SimKerongBoard
) -> None:
    sim.delay = 0.05
    assert board.read(L1) == CLOSED_FULL


def test_status_lists_every_lock_of_the_board(board: KerongLockBoard, cabinet: Cabinet) -> None:
    cabinet.release(0, 4)
    states = board.status(0)
    assert sorted(states) == list(range(1, 17))
    assert states[4] == LockState(hook_open=True, item_present=True)
    assert states[1] == CLOSED_FULL
    assert states[16] == LockState(hook_open=False, item_present=False)


def test_a_board_address_nobody_answers_to_is_an_error(board: KerongLockBoard) -> None:
    with pytest.raises(LockBoardError, match="board 5"):
        board.read(LockerAddress(5, 1))


def test_a_lock_beyond_the_profile_is_refused_without_touching_the_bus(
    board: KerongLockBoard, sim: SimKerongBoard
) -> None:
    with pytest.raises(LockBoardError, match="does not exist"):
        board.unlock(LockerAddress(0, 17))
    assert sim.heard == []


def test_inverted_polarity_reads_inverted_states(sim: SimKerongBoard) -> None:
    inverted = BoardProfile(hook_open_bit=0, item_present_bit=0, command_timeout=0.2)
    with KerongLockBoard(sim.url, inverted) as device:
        assert device.read(L1) == LockState(hook_open=True, item_present=False)


def test_status_report_names_the_port_and_its_state(
    board: KerongLockBoard, sim: SimKerongBoard
) -> None:
    report = board.status_report()
    assert (report["protocol"], report["port"], report["state"]) == ("kerong", sim.url, "closed")
    board.read(L1)
    assert board.status_report()["state"] == "connected"
    board.close()
    assert board.status_report()["state"] == "closed"


# -- the link itself, against ports that misbehave --------------------------------------------


def test_a_garbled_answer_to_an_unlock_returns_none_and_is_not_resent() -> None:
    master, slave = pty.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    heard = bytearray()

    def garbling_board() -> None:
        # The status read the driver sends before a board's first unlock, answered by an
        # older, echoing board; then the unlock, whose answer arrives garbled.
        heard.extend(os.read(master, 64))
        os.write(master, bytes.fromhex("02 00 30 00 00 3F 00 03 74"))
        heard.extend(os.read(master, 64))
        os.write(master, bytes.fromhex("02 00 31 00 00 3F 00 03 00 FF FF"))  # bad checksum

    threading.Thread(target=garbling_board, daemon=True).start()
    try:
        with KerongLockBoard(os.ttyname(slave), FAST) as device:
            assert device.unlock(L1) is None
        assert bytes(heard) == bytes.fromhex("02 00 30 03 35 02 00 31 03 36")
    finally:
        os.close(master)
        os.close(slave)


def test_an_unplugged_port_is_reported_then_reopened_when_it_is_back(cabinet: Cabinet) -> None:
    first = SimKerongBoard(cabinet, tcp_port=0).start()
    port = first.port
    device = KerongLockBoard(first.url, FAST)
    try:
        assert device.read(L1) == CLOSED_FULL
        first.stop()  # the adapter is pulled
        with pytest.raises(PortUnavailable):
            device.read(L1)
        report = device.status_report()
        assert report["state"] == "reconnecting" and report["last_error"]
        with SimKerongBoard(cabinet, tcp_port=port):  # and plugged back in
            assert device.wait_connected(10)
            assert device.read(L1) == CLOSED_FULL
            assert device.status_report()["state"] == "connected"
    finally:
        device.close()
        first.stop()


def test_a_port_that_does_not_exist_is_a_lock_board_error() -> None:
    with (
        KerongLockBoard("/dev/does-not-exist-tty", FAST) as device,
        pytest.raises(LockBoardError, match="cannot open"),
    ):
        device.read(L1)
