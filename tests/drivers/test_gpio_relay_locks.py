"""Relay lock bank on gpiozero's MockFactory: one pulse per unlock, doors from reed switches."""

from __future__ import annotations

import pytest
from gpiozero.pins.mock import MockFactory

from drivers.errors import AlreadyUnlocked
from drivers.gpio.errors import PinSetupError, UnknownLocker
from drivers.gpio.relay_locks import RelayLockBank, RelayLockPins
from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockerAddress, LockState

L1, L2 = LockerAddress(0, 1), LockerAddress(0, 2)
WIRING = [RelayLockPins(L1, relay=5, reed=6), RelayLockPins(L2, relay=13, reed=19, item_sensor=26)]


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


@pytest.fixture
def bank(factory):
    with RelayLockBank(WIRING, pulse=0.01, pin_factory=factory) as b:
        factory.pin(6).drive_low()  # both doors shut
        factory.pin(19).drive_low()
        yield b


def test_unlock_energises_the_relay_exactly_once_then_releases_it(bank, factory):
    relay = factory.pin(5)
    relay.clear_states()
    bank.unlock(L1)
    assert [s.state for s in relay.states] == [False, True, False]
    relay.assert_states([False, True, False])
    assert factory.pin(13).state is False  # the neighbour's relay never moved


def test_an_active_low_relay_is_pulled_low_for_the_pulse(factory):
    with RelayLockBank(WIRING, pulse=0.01, relay_active_high=False, pin_factory=factory) as bank:
        relay = factory.pin(5)
        relay.clear_states()
        bank.unlock(L1)
        assert [s.state for s in relay.states] == [True, False, True]


def test_the_reed_switch_tells_whether_the_door_is_open(bank, factory):
    assert bank.read(L1).hook_open is False
    factory.pin(6).drive_high()  # magnet moved away: door open
    assert bank.read(L1).hook_open is True
    factory.pin(6).drive_low()
    assert bank.read(L1).hook_open is False


def test_unlock_reports_the_door_as_it_is_after_the_pulse(bank, factory):
    assert bank.unlock(L1) == LockState(hook_open=False, item_present=True, item_sensed=False)


def test_without_an_item_sensor_the_item_is_presumed_present_until_the_door_opens(bank, factory):
    bank.unlock(L1)
    assert bank.read(L1).item_present is True
    factory.pin(6).drive_high()
    factory.pin(6).drive_low()  # opened and shut between two reads: the edge still counts
    state = bank.read(L1)
    assert state == LockState(hook_open=False, item_present=False, item_sensed=False)


def test_a_door_opened_without_an_unlock_does_not_change_the_presumption(bank, factory):
    factory.pin(6).drive_high()
    factory.pin(6).drive_low()
    assert bank.read(L1).item_present is True


def test_an_infrared_item_sensor_is_read_active_low(bank, factory):
    assert bank.read(L2) == LockState(hook_open=False, item_present=False)
    factory.pin(26).drive_low()  # the IR module sees an object
    assert bank.read(L2) == LockState(hook_open=False, item_present=True, item_sensed=True)


def test_a_locker_that_is_not_wired_is_a_lock_board_error_naming_it(bank):
    with pytest.raises(UnknownLocker, match="0:9") as e:
        bank.unlock(LockerAddress(0, 9))
    assert isinstance(e.value, LockBoardError)


def test_a_pin_wired_twice_is_refused_naming_the_pin(factory):
    doubled = [RelayLockPins(L1, relay=5, reed=6), RelayLockPins(L2, relay=6, reed=19)]
    with pytest.raises(PinSetupError, match=r"\[6\]"):
        RelayLockBank(doubled, pin_factory=factory)


def test_a_pin_the_factory_refuses_names_the_locker(factory):
    with pytest.raises(PinSetupError, match="locker 0:1"):
        RelayLockBank([RelayLockPins(L1, relay=99, reed=6)], pin_factory=factory)


def test_status_lists_each_lock_with_door_item_and_pulse_count(bank, factory):
    bank.unlock(L2)
    factory.pin(19).drive_high()
    locks = bank.status()["locks"]
    assert locks[0] == {
        "locker": "0:1",
        "relay_pin": 5,
        "reed_pin": 6,
        "item_pin": None,
        "door": "closed",
        "item": "present (presumed, no sensor)",
        "pulses": 0,
    }
    assert (locks[1]["door"], locks[1]["item"], locks[1]["pulses"]) == ("open", "absent", 1)


def test_the_same_vend_never_pulls_the_relay_twice(bank, factory):
    relay = factory.pin(5)
    relay.clear_states()
    bank.unlock(L1, vend="vend-1")
    with pytest.raises(AlreadyUnlocked, match="vend-1"):
        bank.unlock(L1, vend="vend-1")
    assert [s.state for s in relay.states] == [False, True, False]  # one pulse only
    bank.unlock(L1, vend="vend-2")  # another vend of the same locker is allowed
    assert [s.state for s in relay.states] == [False, True, False, True, False]
