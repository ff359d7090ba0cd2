"""Turns the kiosk's views into status-light patterns and buzzer sounds, for people who do not
look at the screen: someone walking up, an elderly member at the locker, a technician.

The mapping (`light_for`, `sounds_for`) is pure; `Annunciator` listens to the session
controller's KioskView stream and also beeps while a locker door stands open too long.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from kiosk.core.interfaces import Light, Signals, Sound
from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView, SessionState

log = logging.getLogger(__name__)

_SIGNED_IN_FROM = (SessionState.IDENTIFYING, SessionState.PIN_ENTRY, SessionState.PAIRING)
_SIGNED_IN = (SessionState.BROWSING, SessionState.TECHNICIAN)


def light_for(view: KioskView) -> Light:
    """READY only when a newcomer can use the kiosk; anyone's visit in progress is BUSY."""
    if view.state is SessionState.OUT_OF_SERVICE:
        return Light.OUT_OF_SERVICE
    if view.vend is not None and view.vend.step is VendStep.UNLOCK_FAILED:
        return Light.FAULT
    if view.state is SessionState.IDLE and not view.busy:
        return Light.READY
    return Light.BUSY


def sounds_for(before: KioskView | None, after: KioskView) -> tuple[Sound, ...]:
    """The sounds a change of view earns, in the order to play them (usually none or one)."""
    sounds: list[Sound] = []
    if (
        after.notice
        and after.notice.startswith("error.")
        and (before is None or before.notice != after.notice or before.state is not after.state)
    ):
        sounds.append(Sound.ERROR)
    if before is not None and before.state in _SIGNED_IN_FROM and after.state in _SIGNED_IN:
        sounds.append(Sound.ACCEPTED)
    step, was = _step(after), _step(before)
    if step is VendStep.UNLOCKED and was is not VendStep.UNLOCKED:
        sounds.append(Sound.ACCEPTED)  # the door is free: look at the locker
    if after.result is not None and not after.result.ok and (before is None or not before.result):
        sounds.append(Sound.ERROR)
    return tuple(dict.fromkeys(sounds))  # one of each, first place kept


def _step(view: KioskView | None) -> VendStep | None:
    return None if view is None or view.vend is None else view.vend.step


class Cancel(Protocol):
    def cancel(self) -> None: ...


Schedule = Callable[[float, Callable[[], None]], Cancel]


def _timer(delay: float, action: Callable[[], None]) -> Cancel:
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()
    return timer


class Annunciator:
    """A KioskView listener that drives `signals`. Subscribe it: controller.subscribe(ann)."""

    def __init__(
        self,
        signals: Signals,
        *,
        reminder_after: float = 20.0,
        reminder_every: float = 10.0,
        schedule: Schedule = _timer,
    ) -> None:
        self.signals = signals
        self.reminder_after = reminder_after
        self.reminder_every = reminder_every
        self._schedule = schedule
        self._lock = threading.Lock()
        self._last: KioskView | None = None
        self._reminder: Cancel | None = None
        self._door_round = 0  # bumped whenever a door-open spell begins or ends
        self.reminders = 0

    def __call__(self, view: KioskView) -> None:
        with self._lock:
            before, self._last = self._last, view
            self._follow_door(before, view)
        try:
            self.signals.show(light_for(view))
            for sound in sounds_for(before, view):
                self.signals.sound(sound)
        except Exception:  # a broken LED must not stop the session's listeners
            log.exception("status light or buzzer failed")

    def key_press(self) -> None:
        """A key of the PIN pad (or any on-screen key) was tapped: a short click."""
        self.signals.sound(Sound.KEY_PRESS)

    def _follow_door(self, before: KioskView | None, view: KioskView) -> None:
        open_now = _step(view) is VendStep.DOOR_OPENED
        if open_now == (_step(before) is VendStep.DOOR_OPENED):
            return
        self._door_round += 1
        if self._reminder is not None:
            self._reminder.cancel()
            self._reminder = None
        if open_now:
            self._arm(self._door_round, self.reminder_after)

    def _arm(self, door_round: int, delay: float) -> None:
        self._reminder = self._schedule(delay, lambda: self._remind(door_round))

    def _remind(self, door_round: int) -> None:
        with self._lock:
            if door_round != self._door_round:
                return  # the door closed meanwhile
            self.reminders += 1
            self._arm(door_round, self.reminder_every)
        log.info("locker door still open: reminder %d", self.reminders)
        self.signals.sound(Sound.DOOR_REMINDER)

    def status(self) -> dict[str, Any]:
        last = self._last
        return {
            "light": None if last is None else light_for(last).value,
            "door_reminders": self.reminders,
        }

    def close(self) -> None:
        with self._lock:
            self._door_round += 1
            if self._reminder is not None:
                self._reminder.cancel()
                self._reminder = None
