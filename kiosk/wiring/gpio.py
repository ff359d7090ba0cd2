"""Builds the GPIO parts from the [gpio] config and connects them to the core: the annunciator
on the view stream, the service door to the event outbox, presence to whoever wakes the screen.

Kept out of app.py so the composition root stays a page; app.py calls these two functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from drivers.gpio.parts import GpioParts
from drivers.gpio.relay_locks import RelayLockBank, RelayLockPins
from drivers.gpio.switches import PresenceKind
from kiosk.core.annunciator import Annunciator
from kiosk.core.gpio_config import GpioConfig
from kiosk.core.view import KioskView

log = logging.getLogger(__name__)


def build_relay_bank(gpio: GpioConfig, pin_factory: Any = None) -> RelayLockBank:
    """The relay cabinet's lock bank (`lockboard.protocol = "gpio"`)."""
    return RelayLockBank(
        [RelayLockPins(lk.address, lk.relay, lk.reed, lk.item_sensor) for lk in gpio.locks],
        pulse=gpio.pulse,
        relay_active_high=gpio.relay_active_high,
        item_sensor_active_low=gpio.item_sensor_active_low,
        pin_factory=pin_factory,
    )


class GpioRuntime:
    """The GPIO parts and the annunciator that drives them, started and closed together."""

    def __init__(self, gpio: GpioConfig, pin_factory: Any = None) -> None:
        self.parts = GpioParts(
            status_light=gpio.status_light,
            fault_light=gpio.fault_light,
            light_pwm=gpio.light_pwm,
            buzzer=gpio.buzzer,
            buzzer_tonal=gpio.buzzer_tonal,
            service_door=gpio.service_door,
            presence=gpio.presence,
            presence_kind=PresenceKind(gpio.presence_kind),
            pin_factory=pin_factory,
        )
        self.annunciator = Annunciator(
            self.parts,
            reminder_after=gpio.door_reminder_after,
            reminder_every=gpio.door_reminder_every,
        )
        # Screen wake-up: the UI (or the sim) appends callables; they run on gpiozero's thread.
        self.on_presence: list[Callable[[], None]] = []

    def start(
        self,
        subscribe: Callable[[Callable[[KioskView], None]], None],
        post_event: Callable[[str, dict[str, Any]], None],
    ) -> None:
        """Listen to the controller's views; report the service door as an alarm event."""
        subscribe(self.annunciator)
        door = self.parts.service_door
        if door is not None:
            door.when_opened = lambda: post_event("alarm", {"what": "service_door", "open": True})
            door.when_closed = lambda: post_event("alarm", {"what": "service_door", "open": False})
        if self.parts.presence is not None:
            self.parts.presence.when_arrived = self._someone_arrived

    def _someone_arrived(self) -> None:
        for wake in list(self.on_presence):
            try:
                wake()
            except Exception:
                log.exception("presence handler failed")

    def status(self) -> dict[str, Any]:
        return {**self.parts.status(), "annunciator": self.annunciator.status()}

    def close(self) -> None:
        self.annunciator.close()
        self.parts.close()


def build_gpio(gpio: GpioConfig | None, pin_factory: Any = None) -> GpioRuntime | None:
    """None when the config has no [gpio] section: nothing is built."""
    return None if gpio is None else GpioRuntime(gpio, pin_factory)
