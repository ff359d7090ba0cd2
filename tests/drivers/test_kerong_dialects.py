"""KerongLockBoard learns each board's firmware dialect from what it answers, through a real
pty: current firmware is not waited for after an unlock, older echoing firmware is, and a
technician sets nothing."""

import time
from collections.abc import Iterator

import pytest

from drivers.errors import NoAnswer
from drivers.lockboard.kerong.codec import Cmd, Dialect
from drivers.lockboard.kerong.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockerAddress, LockState
from sim.lockboard import SimKerongBoard
from sim.world import Cabinet

FAST = BoardProfile(command_timeout=0.25, quiet_gap=0.005, read_retries=1, unlock_settle=0.0)
L1 = LockerAddress(0, 1)
OPEN_FULL = LockState(hook_open=True, item_present=True)


@pytest.fixture(params=["current", "echoing"])
def firmware(request: pytest.FixtureRequest) -> Iterator[tuple[SimKerongBoard, KerongLockBoard]]:
    with (
        SimKerongBoard(Cabinet.demo(), echo=request.param == "echoing") as sim,
        KerongLockBoard(sim.url, FAST) as device,
    ):
        yield sim, device


def test_the_first_read_tells_the_dialect_and_it_is_kept_per_board(
    firmware: tuple[SimKerongBoard, KerongLockBoard],
) -> None:
    sim, device = firmware
    assert device.dialect(0) is None
    device.read(L1)
    expected = Dialect.ECHOING if sim.echo else Dialect.CURRENT
    assert device.dialect(0) is expected
    assert device.dialect(1) is None  # another board is not presumed alike
    assert device.status_report()["dialects"] == {"0": expected.value}


def test_after_a_read_an_unlock_pulses_once_and_waits_only_where_an_answer_comes(
    firmware: tuple[SimKerongBoard, KerongLockBoard],
) -> None:
    sim, device = firmware
    device.read(L1)
    sim.heard.clear()
    started = time.monotonic()
    assert device.unlock(L1) == OPEN_FULL
    assert time.monotonic() - started < FAST.command_timeout
    assert sim.cabinet.pulses(0, 1) == 1
    # current firmware: the unlock, then the status read that confirms the board heard it
    expected = [Cmd.UNLOCK] if sim.echo else [Cmd.UNLOCK, Cmd.STATUS]
    assert [c.cmd for c in sim.heard] == expected


def test_open_says_whether_the_board_answered_the_unlock_itself(
    firmware: tuple[SimKerongBoard, KerongLockBoard],
) -> None:
    sim, device = firmware
    device.read(L1)
    result = device.open(L1)
    assert result.accepted and result.answered is sim.echo
    assert result.echoed == OPEN_FULL and result.after == OPEN_FULL
    assert result.as_dict()["answered"] is sim.echo


def test_a_silent_current_board_after_an_unlock_is_an_error_and_never_resent() -> None:
    with (
        SimKerongBoard(Cabinet.demo()) as sim,
        KerongLockBoard(sim.url, FAST) as device,
    ):
        device.read(L1)
        sim.silent = True  # the unlock is carried out, the confirming read goes unanswered
        with pytest.raises(NoAnswer, match="never answers an unlock.*NOT re-sent"):
            device.unlock(L1)
        assert sim.heard_unlocks(0, 1) == 1 and sim.cabinet.pulses(0, 1) == 1


def test_an_echoing_board_whose_unlock_answer_is_lost_is_an_error_and_never_resent() -> None:
    with (
        SimKerongBoard(Cabinet.demo(), echo=True) as sim,
        KerongLockBoard(sim.url, FAST) as device,
    ):
        sim.fault("mute_unlocks")
        with pytest.raises(NoAnswer, match="NOT re-sent"):
            device.unlock(L1)  # before any read: the read before it said "echoing"
        assert device.dialect(0) is Dialect.ECHOING
        assert sim.heard_unlocks(0, 1) == 1 and sim.cabinet.pulses(0, 1) == 1


def test_a_board_swapped_for_one_of_the_older_firmware_is_followed() -> None:
    with (
        SimKerongBoard(Cabinet.demo()) as sim,
        KerongLockBoard(sim.url, FAST) as device,
    ):
        device.read(L1)
        assert device.dialect(0) is Dialect.CURRENT
        sim.echo = True  # the board is replaced by one of the older firmware
        device.read(L1)
        assert device.dialect(0) is Dialect.ECHOING
        sim.heard.clear()
        assert device.unlock(L1) == OPEN_FULL
        assert [c.cmd for c in sim.heard] == [Cmd.UNLOCK]  # its answer is the confirmation
