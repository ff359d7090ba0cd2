"""Relay locks for small cabinets: one gpiozero output per solenoid lock, one reed switch per door,
and optionally one infrared item sensor per locker. Implements kiosk.core.interfaces.LockBoard.

With no item sensor, `item_present` is a presumption and `item_sensed` is False:
the item is presumed present from an unlock until the door is seen open after it, and presumed
gone from then on. The core's vend rules then come out right without knowing about sensors:
a door that never opens after an unlock voids and flags the locker; a door opened and closed
captures; after a restart (the presumption is not kept) a vend caught in `unlocking` whose door
is closed cannot be decided by the sensors, and awaits a count of its locker
(docs/architecture.md, "Recovery").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gpiozero import DigitalInputDevice, DigitalOutputDevice, GPIOZeroError

from drivers.gpio.errors import PinSetupError, RelayLockError, UnknownLocker
from drivers.pulses import PulsedVends
from kiosk.core.interfaces import LockerAddress, LockState

log = logging.getLogger(__name__)

DEFAULT_PULSE = 0.5  # seconds; long enough for common 12 V solenoid locks to release


@dataclass(frozen=True)
class RelayLockPins:
    """The pins of one relay-locked locker (BCM numbers)."""

    locker: LockerAddress
    relay: int
    reed: int
    item_sensor: int | None = None


def _pin_list(pins: Iterable[RelayLockPins]) -> list[int]:
    out: list[int] = []
    for p in pins:
        out += [p.relay, p.reed] + ([p.item_sensor] if p.item_sensor is not None else [])
    return out


class RelayLock:
    """One locker: relay output, door reed switch (closed door = contact closed), item sensor."""

    def __init__(
        self,
        pins: RelayLockPins,
        *,
        relay_active_high: bool = True,
        item_sensor_active_low: bool = True,
        pin_factory: Any = None,
    ) -> None:
        self.pins = pins
        self.pulses = 0
        self._lock = threading.Lock()
        self._presumed_item = True
        self._awaiting_open = False
        self.relay: DigitalOutputDevice | None = None
        self.reed: DigitalInputDevice | None = None
        self.item: DigitalInputDevice | None = None
        try:
            self.relay = DigitalOutputDevice(
                pins.relay,
                active_high=relay_active_high,
                initial_value=False,
                pin_factory=pin_factory,
            )
            # The reed contact closes to ground when the door's magnet is near: active = shut.
            # A plain input, not a Button: a Button's hold thread makes each close of a shut
            # door's switch wait ~1 s (its hold_time), and nothing here uses holds.
            self.reed = DigitalInputDevice(pins.reed, pull_up=True, pin_factory=pin_factory)
            if pins.item_sensor is not None:
                # Common IR modules (E18-D80NK and the like) pull their output low on an object.
                self.item = DigitalInputDevice(
                    pins.item_sensor, pull_up=item_sensor_active_low, pin_factory=pin_factory
                )
        except GPIOZeroError as e:
            self.close()
            raise PinSetupError(f"locker {pins.locker}: {e}") from e
        self.reed.when_deactivated = self._door_opened

    @property
    def door_open(self) -> bool:
        assert self.reed is not None
        return not self.reed.is_active

    def pulse(self, seconds: float) -> None:
        """Energise the relay once for `seconds` (blocks for the pulse)."""
        assert self.relay is not None
        with self._lock:
            self._presumed_item = True
            self._awaiting_open = True
            self.pulses += 1
        try:
            self.relay.blink(on_time=seconds, off_time=0, n=1, background=False)
        except GPIOZeroError as e:
            self.relay.off()
            raise RelayLockError(f"locker {self.pins.locker}: relay failed: {e}") from e

    def state(self) -> LockState:
        door_open = self.door_open
        if door_open:
            self._door_opened()  # a read catches an opening whose edge was missed
        if self.item is not None:
            return LockState(hook_open=door_open, item_present=bool(self.item.is_active))
        with self._lock:
            return LockState(door_open, self._presumed_item, item_sensed=False)

    def _door_opened(self) -> None:
        with self._lock:
            if self._awaiting_open:
                self._awaiting_open = False
                self._presumed_item = False

    def status(self) -> dict[str, Any]:
        s = self.state()
        item = "present" if s.item_present else "absent"
        if not s.item_sensed:
            item += " (presumed, no sensor)"
        return {
            "locker": str(self.pins.locker),
            "relay_pin": self.pins.relay,
            "reed_pin": self.pins.reed,
            "item_pin": self.pins.item_sensor,
            "door": "open" if s.hook_open else "closed",
            "item": item,
            "pulses": self.pulses,
        }

    def close(self) -> None:
        for device in (self.relay, self.reed, self.item):
            if device is not None:
                device.close()


class RelayLockBank:
    """The relay locks of one cabinet, seen as one lock board."""

    def __init__(
        self,
        locks: Iterable[RelayLockPins],
        *,
        pulse: float = DEFAULT_PULSE,
        relay_active_high: bool = True,
        item_sensor_active_low: bool = True,
        pin_factory: Any = None,
    ) -> None:
        wiring = list(locks)
        if not 0 < pulse <= 5:
            raise PinSetupError(f"unlock pulse {pulse} s is outside (0, 5] seconds")
        pins = _pin_list(wiring)
        doubled = sorted({p for p in pins if pins.count(p) > 1})
        if doubled:
            raise PinSetupError(f"relay lock pins used twice: {doubled}")
        addresses = [w.locker for w in wiring]
        if len(set(addresses)) != len(addresses):
            raise PinSetupError("a locker address is wired twice")
        self.pulse_length = pulse
        # Two solenoids pulled at once can brown out a small cabinet's supply: one at a time.
        self._pulse_lock = threading.Lock()
        self._pulsed = PulsedVends()
        self._locks: dict[LockerAddress, RelayLock] = {}
        try:
            for w in wiring:
                self._locks[w.locker] = RelayLock(
                    w,
                    relay_active_high=relay_active_high,
                    item_sensor_active_low=item_sensor_active_low,
                    pin_factory=pin_factory,
                )
        except PinSetupError:
            self.close()
            raise

    @property
    def lockers(self) -> list[LockerAddress]:
        return sorted(self._locks)

    def unlock(self, locker: LockerAddress, vend: str | None = None) -> LockState | None:
        """Pulse the lock once and report the state after it. Given `vend`, a second call for
        the same vend raises AlreadyUnlocked and pulls no relay."""
        lock = self._get(locker)
        self._pulsed.claim(vend, locker)
        with self._pulse_lock:
            log.info("relay lock %s: pulse %.2f s", locker, self.pulse_length)
            lock.pulse(self.pulse_length)
        return lock.state()

    def read(self, locker: LockerAddress) -> LockState:
        return self._get(locker).state()

    def status(self) -> dict[str, Any]:
        return {
            "protocol": "gpio",
            "pulse": self.pulse_length,
            "locks": [self._locks[a].status() for a in self.lockers],
        }

    def close(self) -> None:
        locks, self._locks = list(self._locks.values()), {}
        for lock in locks:
            lock.close()

    def __enter__(self) -> RelayLockBank:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, locker: LockerAddress) -> RelayLock:
        try:
            return self._locks[locker]
        except KeyError:
            raise UnknownLocker(f"no relay lock is wired for locker {locker}") from None
