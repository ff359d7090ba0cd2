"""The cabinet's GPIO parts other than locks, built and closed together: status light, buzzer,
service-door switch and presence sensor. Implements kiosk.core.interfaces.Signals."""

from __future__ import annotations

import logging
from typing import Any

from drivers.gpio.buzzer import KioskBuzzer
from drivers.gpio.errors import PinSetupError
from drivers.gpio.status_light import StatusLight
from drivers.gpio.switches import PresenceKind, PresenceSensor, ServiceDoor
from kiosk.core.interfaces import Light, Sound

log = logging.getLogger(__name__)


class GpioParts:
    """Each part is optional: a cabinet without a buzzer simply has `buzzer = None`."""

    def __init__(
        self,
        *,
        status_light: int | None = None,
        fault_light: int | None = None,
        light_pwm: bool = False,
        buzzer: int | None = None,
        buzzer_tonal: bool = False,
        service_door: int | None = None,
        presence: int | None = None,
        presence_kind: PresenceKind = PresenceKind.MOTION,
        pin_factory: Any = None,
    ) -> None:
        if status_light is None and fault_light is not None:
            raise PinSetupError("a fault light needs a status light beside it")
        self.light: StatusLight | None = None
        self.buzzer: KioskBuzzer | None = None
        self.service_door: ServiceDoor | None = None
        self.presence: PresenceSensor | None = None
        try:
            if status_light is not None:
                self.light = StatusLight(
                    status_light, fault_light, pwm=light_pwm, pin_factory=pin_factory
                )
            if buzzer is not None:
                self.buzzer = KioskBuzzer(buzzer, tonal=buzzer_tonal, pin_factory=pin_factory)
            if service_door is not None:
                self.service_door = ServiceDoor(service_door, pin_factory=pin_factory)
            if presence is not None:
                self.presence = PresenceSensor(presence, presence_kind, pin_factory=pin_factory)
        except PinSetupError:
            self.close()
            raise

    def show(self, light: Light) -> None:
        if self.light is not None:
            self.light.show(light)

    def sound(self, sound: Sound) -> None:
        if self.buzzer is not None:
            self.buzzer.sound(sound)

    def status(self) -> dict[str, Any]:
        parts = {
            "light": self.light,
            "buzzer": self.buzzer,
            "service_door": self.service_door,
            "presence": self.presence,
        }
        return {name: None if p is None else p.status() for name, p in parts.items()}

    def close(self) -> None:
        for part in (self.light, self.buzzer, self.service_door, self.presence):
            if part is not None:
                part.close()

    def __enter__(self) -> GpioParts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
