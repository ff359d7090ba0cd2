"""The kiosk's buzzer: short patterns for a key press, a code accepted, an error and a door
left open. A plain (active) buzzer plays them as beeps; a TonalBuzzer also changes pitch."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gpiozero import Buzzer, GPIOZeroError, TonalBuzzer
from gpiozero.tones import Tone

from drivers.gpio.errors import PinSetupError
from kiosk.core.interfaces import Sound


@dataclass(frozen=True)
class Beeps:
    """`count` beeps of `on_time` seconds, `off_time` apart, at `note` on a tonal buzzer."""

    on_time: float
    off_time: float
    count: int
    note: str


PATTERNS: dict[Sound, Beeps] = {
    Sound.KEY_PRESS: Beeps(0.03, 0.0, 1, "A5"),
    Sound.ACCEPTED: Beeps(0.08, 0.08, 2, "E5"),
    Sound.ERROR: Beeps(0.4, 0.0, 1, "A3"),  # one long low beep: hard to miss, not alarming
    Sound.DOOR_REMINDER: Beeps(0.15, 0.15, 3, "C5"),
}

_TONE_STEP = 0.01  # seconds per value fed to a TonalBuzzer; its source runs at this rate


class KioskBuzzer:
    """Plays Sound patterns. Implements the sound half of kiosk.core.interfaces.Signals."""

    def __init__(
        self,
        pin: int,
        *,
        tonal: bool = False,
        active_high: bool = True,
        pin_factory: Any = None,
    ) -> None:
        self.pin, self.tonal = pin, tonal
        self.played = 0
        self.last: Sound | None = None
        self._lock = threading.Lock()
        self.buzzer: Buzzer | TonalBuzzer | None = None
        try:
            if tonal:
                # gpiozero's TonalBuzzer needs a PWM pin and is always driven active-high.
                self.buzzer = TonalBuzzer(pin, pin_factory=pin_factory)
            else:
                self.buzzer = Buzzer(pin, active_high=active_high, pin_factory=pin_factory)
        except GPIOZeroError as e:
            raise PinSetupError(f"buzzer (pin {pin}): {e}") from e

    def sound(self, sound: Sound, *, wait: bool = False) -> None:
        """Play `sound`, cutting off whatever was playing. Returns at once unless `wait`."""
        beeps = PATTERNS[sound]
        with self._lock:
            self.played += 1
            self.last = sound
            if isinstance(self.buzzer, TonalBuzzer):
                self._play_tones(self.buzzer, beeps, wait)
            else:
                assert self.buzzer is not None
                self.buzzer.blink(
                    on_time=beeps.on_time,
                    off_time=beeps.off_time,
                    n=beeps.count,
                    background=not wait,
                )

    def _play_tones(self, buzzer: TonalBuzzer, beeps: Beeps, wait: bool) -> None:
        # gpiozero's source machinery plays the sequence on its own thread: a tone value per
        # step, None for silence. Values are relative to the buzzer's mid tone, in octaves.
        value = _value(buzzer, beeps.note)
        on: list[float | None] = [value] * max(1, round(beeps.on_time / _TONE_STEP))
        off: list[float | None] = [None] * round(beeps.off_time / _TONE_STEP)
        seq: list[float | None] = []
        for i in range(beeps.count):
            seq += on + (off if i < beeps.count - 1 else [])
        seq.append(None)
        done = threading.Event()

        def values() -> Iterator[float | None]:
            yield from seq
            done.set()

        buzzer.source_delay = _TONE_STEP
        buzzer.source = values()
        if wait:
            # A newer sound replaces this sequence before it ends: do not wait past its length.
            done.wait(len(seq) * _TONE_STEP + 1.0)

    def status(self) -> dict[str, Any]:
        return {
            "pin": self.pin,
            "tonal": self.tonal,
            "played": self.played,
            "last": None if self.last is None else self.last.value,
        }

    def close(self) -> None:
        if self.buzzer is not None:
            self.buzzer.close()

    def __enter__(self) -> KioskBuzzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _value(buzzer: TonalBuzzer, note: str) -> float:
    """A note as a TonalBuzzer value, clamped to the buzzer's octave range."""
    ratio = Tone(note).frequency / buzzer.mid_tone.frequency
    octaves = math.log2(ratio) / buzzer.octaves
    return max(-1.0, min(1.0, octaves))
