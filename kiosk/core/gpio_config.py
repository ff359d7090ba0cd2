"""The [gpio] section: pins (BCM numbers) of the status light, buzzer, service door, presence
sensor and, for relay cabinets (`lockboard.protocol = "gpio"`), one [[gpio.lock]] per locker.

    [gpio]
    status_light = 17
    buzzer = 18
    service_door = 27
    [[gpio.lock]]
    address = "0:1"
    relay = 5
    reed = 6
    item_sensor = 13      # optional infrared sensor
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.core.errors import ConfigError
from kiosk.core.interfaces import LockerAddress

GPIO_KEYS = (
    "status_light fault_light light_pwm buzzer buzzer_tonal service_door presence presence_kind "
    "relay_active_high item_sensor_active_low pulse door_reminder_after door_reminder_every lock"
)
MAX_PIN = 27  # BCM GPIO numbers on the Raspberry Pi's 40-pin header


@dataclass(frozen=True)
class GpioLockConfig:
    address: LockerAddress
    relay: int
    reed: int
    item_sensor: int | None = None


@dataclass(frozen=True)
class GpioConfig:
    status_light: int | None = None
    fault_light: int | None = None  # a second (red) LED; without it the status light flickers
    light_pwm: bool = False
    buzzer: int | None = None
    buzzer_tonal: bool = False
    service_door: int | None = None
    presence: int | None = None
    presence_kind: str = "motion"  # motion (PIR) | switch (floor mat, proximity switch)
    relay_active_high: bool = True  # many relay modules switch on a low input: set false
    item_sensor_active_low: bool = True
    pulse: float = 0.5  # seconds a relay lock is energised per unlock
    door_reminder_after: float = 20.0  # seconds a locker door may stand open before beeping
    door_reminder_every: float = 10.0
    locks: tuple[GpioLockConfig, ...] = ()


def parse_gpio(doc: dict[str, Any], source: str, section: Any) -> GpioConfig | None:
    """Read [gpio] (None when absent); `section` is config's _Section reader."""
    if "gpio" not in doc:
        return None
    g = section(source, "gpio", doc["gpio"], GPIO_KEYS)
    used: dict[int, str] = {}

    def pin(s: Any, key: str, required: bool = False) -> int | None:
        value = s.get(key, int, ... if required else None)
        if value is None:
            return None
        where = f"{source}: {s.name}.{key}"
        if not 0 <= value <= MAX_PIN:
            raise ConfigError(f"{where} must be a BCM GPIO number 0..{MAX_PIN}, not {value}")
        if value in used:
            raise ConfigError(f"{where}: GPIO {value} is already used by {used[value]}")
        used[value] = f"{s.name}.{key}"
        return int(value)

    usual = GpioConfig()  # each default is written once, on GpioConfig
    pulse = g.positive("pulse", float, usual.pulse)
    if pulse > 5:
        raise ConfigError(f"{source}: gpio.pulse must be at most 5 seconds, not {pulse}")
    config = GpioConfig(
        status_light=pin(g, "status_light"),
        fault_light=pin(g, "fault_light"),
        light_pwm=g.get("light_pwm", bool, usual.light_pwm),
        buzzer=pin(g, "buzzer"),
        buzzer_tonal=g.get("buzzer_tonal", bool, usual.buzzer_tonal),
        service_door=pin(g, "service_door"),
        presence=pin(g, "presence"),
        presence_kind=g.choice("presence_kind", ("motion", "switch"), usual.presence_kind),
        relay_active_high=g.get("relay_active_high", bool, usual.relay_active_high),
        item_sensor_active_low=g.get("item_sensor_active_low", bool, usual.item_sensor_active_low),
        pulse=pulse,
        door_reminder_after=g.positive("door_reminder_after", float, usual.door_reminder_after),
        door_reminder_every=g.positive("door_reminder_every", float, usual.door_reminder_every),
    )
    if config.fault_light is not None and config.status_light is None:
        raise ConfigError(f"{source}: gpio.fault_light needs gpio.status_light beside it")
    raw_locks = g.table.get("lock", [])
    if not isinstance(raw_locks, list):
        raise ConfigError(f"{source}: gpio.lock must be an array of tables ([[gpio.lock]])")
    locks: list[GpioLockConfig] = []
    for i, raw in enumerate(raw_locks):
        s = section(source, f"gpio.lock[{i}]", raw, "address relay reed item_sensor")
        written = s.get("address", str)  # outside the try: its ConfigError is a ValueError too
        try:
            address = LockerAddress.parse(written)
        except ValueError as e:
            raise ConfigError(f"{source}: gpio.lock[{i}].address: {e}") from None
        twin = next((j for j, lk in enumerate(locks) if lk.address == address), None)
        if twin is not None:  # name both entries, so the technician finds the other one too
            raise ConfigError(
                f"{source}: gpio.lock[{i}].address {address} is wired twice (gpio.lock[{twin}])"
            )
        relay, reed = pin(s, "relay", True), pin(s, "reed", True)
        assert relay is not None and reed is not None
        locks.append(GpioLockConfig(address, relay, reed, pin(s, "item_sensor")))
    return GpioConfig(**{**config.__dict__, "locks": tuple(locks)})


def check_relay_cabinet(
    gpio: GpioConfig | None, protocol: str, lockers: list[str], source: str
) -> None:
    """`protocol = "gpio"` needs a [[gpio.lock]] for every [[locker]]."""
    if protocol != "gpio":
        return
    if gpio is None or not gpio.locks:
        raise ConfigError(f'{source}: lockboard.protocol = "gpio" needs [[gpio.lock]] entries')
    wired = {str(lk.address) for lk in gpio.locks}
    for i, address in enumerate(lockers):
        if str(LockerAddress.parse(address)) not in wired:
            raise ConfigError(f"{source}: locker[{i}].address {address} has no [[gpio.lock]]")
