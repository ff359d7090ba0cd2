"""Inputs that tell the kiosk about people: the service-door switch (a technician opened the
cabinet) and the optional presence sensor (someone walked up: wake the screen)."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import Any

from gpiozero import DigitalInputDevice, GPIOZeroError, MotionSensor

from drivers.gpio.errors import PinSetupError

log = logging.getLogger(__name__)

Callback = Callable[[], None]

_BASELINE_WAIT = 1.0  # seconds; the sensor samples ten times a second


class ServiceDoor:
    """The cabinet's service door; its microswitch is pressed (active) while the door is shut."""

    def __init__(self, pin: int, *, pin_factory: Any = None) -> None:
        self.pin = pin
        self.when_opened: Callback | None = None
        self.when_closed: Callback | None = None
        self.openings = 0
        try:
            # A plain input, not a Button: a Button's hold thread makes closing a pressed
            # switch wait ~1 s (its hold_time), and nothing here uses holds.
            self.switch = DigitalInputDevice(pin, pull_up=True, pin_factory=pin_factory)
        except GPIOZeroError as e:
            raise PinSetupError(f"service door switch (pin {pin}): {e}") from e
        self.switch.when_deactivated = self._opened
        self.switch.when_activated = self._closed

    @property
    def is_open(self) -> bool:
        return not self.switch.is_active

    def _opened(self) -> None:
        self.openings += 1
        log.warning("service door opened")
        _call(self.when_opened, "service door opened")

    def _closed(self) -> None:
        log.info("service door closed")
        _call(self.when_closed, "service door closed")

    def status(self) -> dict[str, Any]:
        return {
            "pin": self.pin,
            "door": "open" if self.is_open else "closed",
            "openings": self.openings,
        }

    def close(self) -> None:
        self.switch.close()

    def __enter__(self) -> ServiceDoor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PresenceKind(enum.Enum):
    MOTION = "motion"  # a PIR sensor: output goes high on movement
    SWITCH = "switch"  # a floor mat or proximity switch closing to ground


class PresenceSensor:
    """Someone in front of the kiosk. `when_arrived` wakes the screen; `when_left` may dim it."""

    def __init__(
        self, pin: int, kind: PresenceKind = PresenceKind.MOTION, *, pin_factory: Any = None
    ) -> None:
        self.pin, self.kind = pin, kind
        self.when_arrived: Callback | None = None
        self.when_left: Callback | None = None
        self.arrivals = 0
        self.device: MotionSensor | DigitalInputDevice
        try:
            if kind is PresenceKind.MOTION:
                # One sample is enough: the PIR module does its own filtering and hold time.
                self.device = MotionSensor(pin, queue_len=1, pin_factory=pin_factory)
                # gpiozero takes the first sample as a baseline and fires nothing for it: wait
                # for it, or someone arriving right after start-up would be taken as the baseline.
                self.device.wait_for_inactive(timeout=_BASELINE_WAIT)
            else:
                self.device = DigitalInputDevice(pin, pull_up=True, pin_factory=pin_factory)
        except GPIOZeroError as e:
            raise PinSetupError(f"presence sensor (pin {pin}): {e}") from e
        self.device.when_activated = self._arrived
        self.device.when_deactivated = self._left

    @property
    def someone_there(self) -> bool:
        return bool(self.device.is_active)

    def _arrived(self) -> None:
        self.arrivals += 1
        _call(self.when_arrived, "presence arrival")

    def _left(self) -> None:
        _call(self.when_left, "presence departure")

    def status(self) -> dict[str, Any]:
        return {
            "pin": self.pin,
            "kind": self.kind.value,
            "someone_there": self.someone_there,
            "arrivals": self.arrivals,
        }

    def close(self) -> None:
        self.device.close()

    def __enter__(self) -> PresenceSensor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _call(callback: Callback | None, what: str) -> None:
    if callback is None:
        return
    try:
        callback()
    except Exception:  # gpiozero's event thread must outlive a failing handler
        log.exception("%s: handler failed", what)
