"""Status light, buzzer, service door and presence sensor on gpiozero's MockFactory."""

from __future__ import annotations

import threading

import pytest
from gpiozero.pins.mock import MockFactory, MockPWMPin

from drivers.gpio.buzzer import KioskBuzzer
from drivers.gpio.errors import PinSetupError
from drivers.gpio.parts import GpioParts
from drivers.gpio.status_light import StatusLight
from drivers.gpio.switches import PresenceKind, PresenceSensor, ServiceDoor
from kiosk.core.interfaces import Light, Sound


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


@pytest.fixture
def pwm_factory():
    f = MockFactory(pin_class=MockPWMPin)
    yield f
    f.reset()


def wait_until(condition, timeout: float = 5.0) -> bool:
    """Wait for a background blink thread to get somewhere (not a timing assertion)."""
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        done.wait(0.01)
    return condition()


def levels(pin) -> list:
    return [s.state for s in pin.states]


# --- status light -----------------------------------------------------------------------------


def test_ready_is_a_steady_light_and_off_turns_it_off(factory):
    with StatusLight(17, pin_factory=factory) as light:
        light.show(Light.READY)
        assert factory.pin(17).state is True
        light.show(Light.OFF)
        factory.pin(17).assert_states([False, True, False])


def test_busy_blinks_the_single_light(factory):
    with StatusLight(17, pin_factory=factory) as light:
        light.show(Light.BUSY)
        assert wait_until(lambda: len(factory.pin(17).states) >= 4)
        factory.pin(17).assert_states([False, True, False, True])


def test_showing_the_same_light_again_does_not_restart_its_rhythm(factory):
    with StatusLight(17, pin_factory=factory) as light:
        light.show(Light.READY)
        light.show(Light.READY)
        assert levels(factory.pin(17)) == [False, True]


def test_with_a_fault_led_out_of_service_lights_it_steady_and_the_status_led_goes_out(factory):
    with StatusLight(17, fault_pin=27, pin_factory=factory) as light:
        light.show(Light.READY)
        light.show(Light.OUT_OF_SERVICE)
        assert (factory.pin(17).state, factory.pin(27).state) == (False, True)
        status = light.status()
        assert status == {"light": "out_of_service", "pin": 17, "fault_pin": 27, "pwm": False}


def test_a_fault_flickers_the_fault_led(factory):
    with StatusLight(17, fault_pin=27, pin_factory=factory) as light:
        light.show(Light.FAULT)
        assert wait_until(lambda: len(factory.pin(27).states) >= 5)
        factory.pin(27).assert_states([False, True, False, True, False])
        assert factory.pin(17).state is False


def test_a_pwm_light_breathes_while_busy(pwm_factory):
    with StatusLight(18, pwm=True, pin_factory=pwm_factory) as light:
        light.show(Light.BUSY)
        pin = pwm_factory.pin(18)
        # A breath passes through levels between off and full, not just 0 and 1.
        assert wait_until(lambda: any(0 < s.state < 1 for s in pin.states))


# --- buzzer -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sound", "expected"),
    [
        (Sound.KEY_PRESS, [False, True, False]),
        (Sound.ERROR, [False, True, False]),
        (Sound.ACCEPTED, [False, True, False, True, False]),
        (Sound.DOOR_REMINDER, [False, True, False, True, False, True, False]),
    ],
)
def test_each_sound_is_its_own_number_of_beeps(factory, sound, expected):
    with KioskBuzzer(22, pin_factory=factory) as buzzer:
        buzzer.sound(sound, wait=True)
        assert levels(factory.pin(22)) == expected
        assert buzzer.status() == {"pin": 22, "tonal": False, "played": 1, "last": sound.value}


def test_a_tonal_buzzer_plays_two_notes_with_silence_between_for_accepted(pwm_factory):
    with KioskBuzzer(12, tonal=True, pin_factory=pwm_factory) as buzzer:
        buzzer.sound(Sound.ACCEPTED, wait=True)
        pin = pwm_factory.pin(12)
        on_off = [s.state > 0 for s in pin.states]
        # Consecutive equal levels collapse: silent, tone, silent, tone, silent.
        collapsed = [v for i, v in enumerate(on_off) if i == 0 or v != on_off[i - 1]]
        assert collapsed == [False, True, False, True, False]
        assert pin.frequency is None  # silent at the end


# --- service door and presence ----------------------------------------------------------------


def test_the_service_door_reports_opening_and_closing_through_its_callbacks(factory):
    events: list[str] = []
    with ServiceDoor(23, pin_factory=factory) as door:
        door.when_opened = lambda: events.append("opened")
        door.when_closed = lambda: events.append("closed")
        factory.pin(23).drive_low()  # shut at start: switch pressed
        assert door.is_open is False
        factory.pin(23).drive_high()
        assert door.is_open is True
        factory.pin(23).drive_low()
        assert events == ["closed", "opened", "closed"]
        assert door.status() == {"pin": 23, "door": "closed", "openings": 1}


def test_a_failing_service_door_handler_does_not_stop_later_events(factory):
    events: list[str] = []

    def broken() -> None:
        raise RuntimeError("handler bug")

    with ServiceDoor(23, pin_factory=factory) as door:
        factory.pin(23).drive_low()
        door.when_opened = broken
        door.when_closed = lambda: events.append("closed")
        factory.pin(23).drive_high()
        factory.pin(23).drive_low()
        assert events == ["closed"]


def test_a_motion_sensor_wakes_whoever_listens_when_someone_arrives(factory):
    arrived = threading.Event()
    with PresenceSensor(24, PresenceKind.MOTION, pin_factory=factory) as presence:
        presence.when_arrived = arrived.set
        factory.pin(24).drive_high()
        assert arrived.wait(5)
        assert presence.status()["someone_there"] is True
        assert presence.arrivals == 1


def test_a_floor_switch_presence_sensor_is_active_when_closed_to_ground(factory):
    with PresenceSensor(24, PresenceKind.SWITCH, pin_factory=factory) as presence:
        assert presence.someone_there is False
        factory.pin(24).drive_low()
        assert presence.someone_there is True


# --- the parts together -----------------------------------------------------------------------


def test_parts_pass_signals_to_the_light_and_buzzer_and_skip_missing_parts(factory):
    with GpioParts(status_light=17, buzzer=22, pin_factory=factory) as parts:
        parts.show(Light.READY)
        parts.sound(Sound.KEY_PRESS)
        assert factory.pin(17).state is True
        assert wait_until(lambda: len(factory.pin(22).states) >= 3)
        status = parts.status()
        assert status["light"]["light"] == "ready"
        assert status["service_door"] is None and status["presence"] is None


def test_a_pin_used_by_two_parts_is_refused_and_frees_the_parts_already_built(factory):
    with pytest.raises(PinSetupError, match="buzzer"):
        GpioParts(status_light=17, buzzer=17, pin_factory=factory)
    with GpioParts(status_light=17, pin_factory=factory) as parts:  # pin 17 was released
        assert parts.light is not None
