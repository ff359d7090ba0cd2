"""The simulated world on gpiozero's MockFactory, for relay cabinets: a relay pulse releases the
simulated latch, and the reed switches, item sensors, service door and presence sensor follow
the world, so the real GPIO drivers read real (mock) pin edges. The wiring comes from the
kiosk's parsed [gpio] config, read through `Wiring` (the sim does not import the kiosk).
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Sequence
from typing import Any, Protocol

import tomli_w
from gpiozero.pins.mock import MockFactory, MockPWMPin

from sim.world import Cabinet

log = logging.getLogger(__name__)

# Which BCM pins the simulated relay cabinet uses: parts first, then one relay and one reed
# switch (and optionally an IR sensor) per locker, up to six lockers.
PART_PINS = {
    "status_light": 17,
    "fault_light": 27,
    "buzzer": 18,
    "service_door": 22,
    "presence": 23,
}
RELAY_PINS = (4, 5, 6, 12, 13, 16)
REED_PINS = (19, 20, 21, 24, 25, 26)
ITEM_PINS = (7, 8, 9, 10, 11, 14)
SYNC_INTERVAL = 0.02  # seconds; the world has no change events, so the sim looks this often


class LockerPlace(Protocol):
    """Where a locker sits: board and lock number (the kiosk's LockerAddress is one)."""

    @property
    def board(self) -> int: ...
    @property
    def lock(self) -> int: ...


class LockWiring(Protocol):
    """One relay lock's pins, as the kiosk's config names them (kiosk.core.gpio_config)."""

    @property
    def address(self) -> LockerPlace: ...
    @property
    def relay(self) -> int: ...
    @property
    def reed(self) -> int: ...
    @property
    def item_sensor(self) -> int | None: ...


class Wiring(Protocol):
    """The pins and polarities the sim plays; the kiosk's GpioConfig is one."""

    @property
    def locks(self) -> Sequence[LockWiring]: ...
    @property
    def relay_active_high(self) -> bool: ...
    @property
    def item_sensor_active_low(self) -> bool: ...
    @property
    def service_door(self) -> int | None: ...
    @property
    def presence(self) -> int | None: ...
    @property
    def presence_kind(self) -> str: ...


class RelayCoilPin(MockPWMPin):
    """A relay's output pin: when it energises the coil, the simulated latch lets go.

    A PWM mock so it can live in a MockFactory whose default pin class is PWM (for PWMLED).
    """

    def __init__(self, factory: Any, info: Any, on_energise: Any = None, active_high: bool = True):
        super().__init__(factory, info)
        self._on_energise = on_energise
        self._active_high = active_high

    def _change_state(self, value: Any) -> bool:
        changed = bool(super()._change_state(value))
        energised = self._function == "output" and bool(value) == self._active_high
        if changed and energised and self._on_energise is not None:
            self._on_energise()
        return changed


class SimGpio:
    """Mock pins wired to a simulated cabinet. Pass `factory` to the kiosk (`build(config, f)`)."""

    def __init__(self, cabinet: Cabinet, gpio: Wiring) -> None:
        self.cabinet = cabinet
        self.gpio = gpio
        self.factory = MockFactory(pin_class=MockPWMPin)
        self.service_door_open = False
        self.someone_there = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        for lock in gpio.locks:
            board, number = lock.address.board, lock.address.lock
            self.factory.pin(
                lock.relay,
                pin_class=RelayCoilPin,
                on_energise=lambda b=board, n=number: self.cabinet.release(b, n),
                active_high=gpio.relay_active_high,
            )

    # --- what a technician or visitor does ---------------------------------------------------

    def open_service_door(self, is_open: bool = True) -> None:
        self.service_door_open = is_open
        self.sync()

    def walk_up(self, present: bool = True) -> None:
        self.someone_there = present
        self.sync()

    # --- keeping the pins in step with the world ----------------------------------------------

    def sync(self) -> None:
        """Drive every input pin from the world now (only pins a device has claimed)."""
        for lock in self.gpio.locks:
            locker = self.cabinet.locker(lock.address.board, lock.address.lock)
            # Reed contact closed (pulled low) while the door is shut.
            self._drive(lock.reed, high=locker.door_open)
            if lock.item_sensor is not None:
                high = locker.item_present != self.gpio.item_sensor_active_low
                self._drive(lock.item_sensor, high=high)
        if self.gpio.service_door is not None:
            self._drive(self.gpio.service_door, high=self.service_door_open)
        if self.gpio.presence is not None:
            motion = self.gpio.presence_kind == "motion"
            self._drive(self.gpio.presence, high=self.someone_there == motion)

    def _drive(self, number: int, *, high: bool) -> None:
        pin = self.factory.pin(number)
        if pin.function != "input":
            return  # not claimed by a driver yet (or closed): nothing to drive
        if high:
            pin.drive_high()
        else:
            pin.drive_low()

    def start(self) -> SimGpio:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sim-gpio", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(SYNC_INTERVAL):
            try:
                self.sync()
            except Exception:
                # A device half-built or closing (gpiozero sets its callbacks up in steps) can
                # trip over an edge; the pin already holds the new level, so carry on.
                log.debug("sim gpio: an edge reached a device not ready for it", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self.factory.reset()

    def __enter__(self) -> SimGpio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def gpio_table(cabinet: Cabinet, item_sensors: bool = False) -> dict[str, Any]:
    """The [gpio] table of a relay cabinet holding `cabinet`'s lockers (at most six)."""
    lockers = cabinet.lockers()
    if len(lockers) > len(RELAY_PINS):
        raise ValueError(f"the simulated relay cabinet wires at most {len(RELAY_PINS)} lockers")
    locks: list[dict[str, Any]] = []
    for i, locker in enumerate(lockers):
        lock = {"address": f"{locker.board}:{locker.lock}", "relay": RELAY_PINS[i]}
        lock["reed"] = REED_PINS[i]
        if item_sensors:
            lock["item_sensor"] = ITEM_PINS[i]
        locks.append(lock)
    return {**PART_PINS, "pulse": 0.1, "door_reminder_after": 20.0, "lock": locks}


def gpio_section(cabinet: Cabinet, item_sensors: bool = False) -> str:
    """The [gpio] TOML of a relay cabinet holding `cabinet`'s lockers (at most six)."""
    return tomli_w.dumps({"gpio": gpio_table(cabinet, item_sensors)})


def as_relay_cabinet(config_text: str, cabinet: Cabinet, item_sensors: bool = False) -> str:
    """A kiosk config rewritten for a relay cabinet: [lockboard] says gpio, [gpio] is added."""
    doc = tomllib.loads(config_text)
    if "lockboard" not in doc:
        raise ValueError("the config has no [lockboard] table to replace")
    doc["lockboard"] = {"protocol": "gpio"}
    doc["gpio"] = gpio_table(cabinet, item_sensors)
    return tomli_w.dumps(doc)
