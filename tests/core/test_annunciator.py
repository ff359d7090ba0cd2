"""The annunciator: which light and which sounds each change of the kiosk's view earns."""

from __future__ import annotations

from dataclasses import replace

import pytest
from gpiozero.pins.mock import MockFactory

from drivers.gpio.parts import GpioParts
from kiosk.core.annunciator import Annunciator, light_for, sounds_for
from kiosk.core.interfaces import Light, Sound
from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView, ResultView, SessionState, VendView

IDLE = KioskView()
IDENTIFYING = KioskView(state=SessionState.IDENTIFYING, busy=True)
BROWSING = KioskView(state=SessionState.BROWSING, member_name="Li", balance=40)
VEND = VendView("water", "水", "Water", 20, "0:2", VendStep.HELD)


def vending(step: VendStep) -> KioskView:
    return replace(BROWSING, state=SessionState.VENDING, busy=True, vend=replace(VEND, step=step))


@pytest.mark.parametrize(
    ("view", "light"),
    [
        (IDLE, Light.READY),
        (IDENTIFYING, Light.BUSY),
        (BROWSING, Light.BUSY),
        (vending(VendStep.DOOR_OPENED), Light.BUSY),
        (vending(VendStep.UNLOCK_FAILED), Light.FAULT),
        (
            KioskView(state=SessionState.OUT_OF_SERVICE, out_of_service="oos.ledger"),
            Light.OUT_OF_SERVICE,
        ),
        (KioskView(state=SessionState.TECHNICIAN), Light.BUSY),
    ],
)
def test_the_light_is_ready_only_when_a_newcomer_can_use_the_kiosk(view, light):
    assert light_for(view) is light


def test_a_member_signed_in_hears_accepted():
    assert sounds_for(IDENTIFYING, BROWSING) == (Sound.ACCEPTED,)


def test_a_refused_code_sounds_an_error_once_not_on_every_later_view():
    refused = KioskView(notice="error.invalid_code")
    assert sounds_for(IDENTIFYING, refused) == (Sound.ERROR,)
    assert sounds_for(refused, refused) == ()


def test_the_locker_released_sounds_accepted_and_later_steps_are_quiet():
    assert sounds_for(vending(VendStep.UNLOCKING), vending(VendStep.UNLOCKED)) == (Sound.ACCEPTED,)
    assert sounds_for(vending(VendStep.UNLOCKED), vending(VendStep.DOOR_OPENED)) == ()


def test_a_visit_that_ended_without_the_item_sounds_an_error():
    failed = replace(
        vending(VendStep.VOIDED),
        state=SessionState.RESULT,
        busy=False,
        result=ResultView(False, "result.no_coins_taken", 40),
    )
    assert sounds_for(vending(VendStep.UNLOCK_FAILED), failed) == (Sound.ERROR,)
    paid = replace(failed, result=ResultView(True, "result.taken", 20))
    assert sounds_for(vending(VendStep.DOOR_CLOSED), paid) == ()


class Recorder:
    """Signals that remember what they were told."""

    def __init__(self) -> None:
        self.lights: list[Light] = []
        self.sounds: list[Sound] = []

    def show(self, light: Light) -> None:
        self.lights.append(light)

    def sound(self, sound: Sound) -> None:
        self.sounds.append(sound)


class ManualClock:
    """A scheduler whose timers fire when the test says so."""

    def __init__(self) -> None:
        self.pending: list[list] = []  # [delay, action, cancelled]

    def __call__(self, delay, action):
        entry = [delay, action, False]
        self.pending.append(entry)

        class Handle:
            def cancel(self_inner) -> None:
                entry[2] = True

        return Handle()

    def fire(self) -> float:
        entry = self.pending.pop(0)
        if not entry[2]:
            entry[1]()
        return entry[0]


def test_a_door_left_open_beeps_a_reminder_after_the_delay_and_then_repeatedly():
    signals, clock = Recorder(), ManualClock()
    ann = Annunciator(signals, reminder_after=20, reminder_every=10, schedule=clock)
    ann(vending(VendStep.UNLOCKED))
    ann(vending(VendStep.DOOR_OPENED))
    assert clock.fire() == 20
    assert clock.fire() == 10
    assert signals.sounds.count(Sound.DOOR_REMINDER) == 2
    assert ann.status() == {"light": "busy", "door_reminders": 2}


def test_closing_the_door_stops_the_reminders():
    signals, clock = Recorder(), ManualClock()
    ann = Annunciator(signals, schedule=clock)
    ann(vending(VendStep.DOOR_OPENED))
    ann(vending(VendStep.DOOR_CLOSED))
    clock.fire()
    assert Sound.DOOR_REMINDER not in signals.sounds
    assert clock.pending == []


def test_the_annunciator_drives_the_real_gpio_light_and_buzzer():
    factory = MockFactory()
    try:
        with GpioParts(status_light=17, buzzer=22, pin_factory=factory) as parts:
            ann = Annunciator(parts)
            ann(IDLE)
            assert factory.pin(17).state is True  # ready: steady on
            ann(IDENTIFYING)
            ann(KioskView(notice="error.invalid_code"))
            assert parts.buzzer is not None and parts.buzzer.last is Sound.ERROR
            ann.close()
    finally:
        factory.reset()
