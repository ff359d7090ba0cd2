"""The kiosk's status light: one LED (or PWMLED), and optionally a second, red fault LED.

Patterns are what a member or technician can tell apart at a glance from across a room.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from gpiozero import LED, PWMLED, GPIOZeroError

from drivers.gpio.errors import PinSetupError
from kiosk.core.interfaces import Light


@dataclass(frozen=True)
class Blink:
    """Steady on when off_time is 0; `None` in a pattern table means the LED is off."""

    on_time: float
    off_time: float = 0.0


# (status LED, fault LED) per light, when the cabinet has a fault LED.
WITH_FAULT_LED: dict[Light, tuple[Blink | None, Blink | None]] = {
    Light.READY: (Blink(1), None),
    Light.BUSY: (Blink(0.5, 0.5), None),
    Light.OUT_OF_SERVICE: (None, Blink(1)),
    Light.FAULT: (None, Blink(0.15, 0.15)),
    Light.OFF: (None, None),
}
# The same meanings on a single LED: a rare short flash for out of service, a fast flicker for
# a fault, so neither is mistaken for "busy".
SINGLE_LED: dict[Light, Blink | None] = {
    Light.READY: Blink(1),
    Light.BUSY: Blink(0.5, 0.5),
    Light.OUT_OF_SERVICE: Blink(0.2, 1.8),
    Light.FAULT: Blink(0.15, 0.15),
    Light.OFF: None,
}


class StatusLight:
    """Shows a Light pattern. Implements the light half of kiosk.core.interfaces.Signals."""

    def __init__(
        self,
        pin: int,
        fault_pin: int | None = None,
        *,
        pwm: bool = False,
        active_high: bool = True,
        pin_factory: Any = None,
    ) -> None:
        self.pin, self.fault_pin, self.pwm = pin, fault_pin, pwm
        self._lock = threading.Lock()
        self._light = Light.OFF
        kind = PWMLED if pwm else LED
        self.led: LED | PWMLED | None = None
        self.fault_led: LED | None = None
        try:
            self.led = kind(pin, active_high=active_high, pin_factory=pin_factory)
            if fault_pin is not None:
                self.fault_led = LED(fault_pin, active_high=active_high, pin_factory=pin_factory)
        except GPIOZeroError as e:
            self.close()
            raise PinSetupError(f"status light (pins {pin}, {fault_pin}): {e}") from e

    @property
    def light(self) -> Light:
        return self._light

    def show(self, light: Light) -> None:
        """Switch to `light`'s pattern; showing the one already shown leaves its rhythm alone."""
        with self._lock:
            if light is self._light:
                return
            self._light = light
            if self.fault_led is not None:
                main, fault = WITH_FAULT_LED[light]
                _drive(self.fault_led, fault, breathe=False)
            else:
                main = SINGLE_LED[light]
            assert self.led is not None
            _drive(self.led, main, breathe=self.pwm and light is Light.BUSY)

    def status(self) -> dict[str, Any]:
        return {
            "light": self._light.value,
            "pin": self.pin,
            "fault_pin": self.fault_pin,
            "pwm": self.pwm,
        }

    def close(self) -> None:
        for led in (self.led, self.fault_led):
            if led is not None:
                led.close()

    def __enter__(self) -> StatusLight:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _drive(led: LED | PWMLED, blink: Blink | None, *, breathe: bool) -> None:
    if blink is None:
        led.off()
    elif breathe and isinstance(led, PWMLED):
        led.pulse(fade_in_time=blink.on_time, fade_out_time=blink.off_time or blink.on_time)
    elif blink.off_time == 0:
        led.on()
    else:
        led.blink(on_time=blink.on_time, off_time=blink.off_time)
