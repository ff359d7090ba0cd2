"""XorLockBoard driving the simulated XOR board through a real pty."""

from collections.abc import Iterator

import pytest

from drivers.errors import UnknownLocker
from drivers.lockboard import open_board
from drivers.lockboard.base import BusLockBoard
from drivers.lockboard.xor.device import XorLockBoard
from kiosk.core.interfaces import LockBoard, LockerAddress, LockState
from sim.lockboard.base import SimBoard
from sim.lockboard.xor import SimXorBoard
from sim.world import Cabinet
from tests.drivers.board_rigs import fast_profile, rig

CLOSED = LockState(hook_open=False, item_present=True, item_sensed=False)
OPEN = LockState(hook_open=True, item_present=True, item_sensed=False)
L1 = LockerAddress(1, 1)


@pytest.fixture(params=["pty", "tcp"])
def bus(request: pytest.FixtureRequest) -> Iterator[tuple[SimBoard, BusLockBoard]]:
    with rig("xor", request.param) as pair:
        yield pair


def test_the_factory_gives_an_xor_device_that_is_a_lock_board(bus) -> None:
    _, board = bus
    assert isinstance(board, XorLockBoard)
    _: LockBoard = board


def test_a_closed_locker_reads_closed_and_has_no_item_sensor(bus) -> None:
    _, board = bus
    assert board.read(L1) == CLOSED


def test_unlock_echoes_the_feedback_and_a_read_shows_the_hook_open(bus) -> None:
    sim, board = bus
    assert board.unlock(L1) == OPEN
    assert board.read(L1) == OPEN
    assert sim.heard_unlocks(1, 1) == 1 and sim.cabinet.pulses(1, 1) == 1


def test_status_gives_every_lock_of_the_board(bus) -> None:
    sim, board = bus
    sim.cabinet.release(1, 4)
    states = board.status()
    assert sorted(states) == list(range(1, 25))
    assert states[4] == OPEN and states[1] == CLOSED and states[24] == CLOSED


def test_open_reports_accepted_and_the_sensors_afterwards_as_two_facts(bus) -> None:
    sim, board = bus
    sim.cabinet.jam(1, 2)
    result = board.open(LockerAddress(1, 2))
    assert result.accepted is True
    assert result.after == CLOSED  # accepted, yet the jammed lock stayed shut
    assert result.as_dict()["after"] == {"hook_open": False, "item_present": None}


def test_a_board_with_fewer_channels_than_the_profile_says_so() -> None:
    """The board's reply tells its size: its own locks read, a lock beyond it is refused."""
    with (
        SimXorBoard(Cabinet.demo(1), channels=8) as sim,
        open_board(sim.url, fast_profile("xor", locks=24)) as board,
    ):
        assert board.read(L1) == CLOSED
        assert sorted(board.status(1)) == list(range(1, 9))
        with pytest.raises(UnknownLocker, match="8 channels"):
            board.read(LockerAddress(1, 9))


@pytest.mark.parametrize("channels", [8, 16, 24])
def test_status_shows_as_many_locks_as_the_board_reports(channels: int) -> None:
    with (
        SimXorBoard(Cabinet.demo(1), channels=channels) as sim,
        open_board(sim.url, fast_profile("xor", locks=50)) as board,
    ):
        sim.cabinet.release(1, 2)
        states = board.status(1)
        assert sorted(states) == list(range(1, channels + 1))
        assert states[2].hook_open and not states[channels].hook_open


def test_the_profile_restricts_a_larger_board_to_its_locks() -> None:
    with (
        SimXorBoard(Cabinet.demo(1), channels=48) as sim,
        open_board(sim.url, fast_profile("xor")) as board,  # the factory 24
    ):
        assert sorted(board.status(1)) == list(range(1, 25))


def test_a_48_channel_board_reports_all_48_locks() -> None:
    with (
        SimXorBoard(Cabinet.demo(1), channels=48) as sim,
        open_board(sim.url, fast_profile("xor", locks=48)) as board,
    ):
        sim.cabinet.release(1, 3)
        states = board.status(1)
        assert len(states) == 48 and states[3].hook_open and not states[48].hook_open


def test_paced_bytes_at_9600_baud_still_make_one_reply() -> None:
    with (
        SimXorBoard(Cabinet.demo(1), pace=True) as sim,
        open_board(sim.url, fast_profile("xor")) as board,
    ):
        assert board.read(L1) == CLOSED


def test_board_zero_is_refused_without_touching_the_bus(bus) -> None:
    sim, board = bus
    with pytest.raises(UnknownLocker, match="boards 1..31"):
        board.unlock(LockerAddress(0, 1))
    assert sim.heard == []
