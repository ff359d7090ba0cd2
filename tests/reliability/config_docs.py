"""Kiosk config documents for the bad-config properties: two valid bases (a Kerong cabinet with
GPIO parts, and a GPIO relay cabinet) and what each key accepts, written
from the docs (docs/protocols.md, "Board profiles") and deploy/kiosk.example.toml rather than
from kiosk/core/config.py.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk.core.interfaces import LockerAddress

Path_ = tuple[str | int, ...]  # ("lockboard", "baud"), ("locker", 0, "address"), ...

SERIAL: dict[str, Any] = {
    "kiosk": {"name": "Street office 3", "data_dir": "data", "language": "zh",
              "idle_timeout": 45.0, "large_text": False, "screen_diagonal": 7.0},
    "ledger": {"url": "https://ledger.example", "key": "k3y", "timeout": 5.0, "verify_tls": True},
    "lockboard": {"port": "/dev/ttyUSB0", "protocol": "kerong", "baud": 19200, "locks": 16,
                  "hook_open_bit": 1, "item_present_bit": 1, "timeout": 0.3},
    "scanner": {"port": "/dev/ttyACM0", "baud": 9600},
    "vend": {"door_open_timeout": 60.0, "door_close_timeout": 120.0, "poll_interval": 0.2},
    "session": {"pin_timeout": 30.0, "pairing_timeout": 120.0, "technician_timeout": 300.0},
    "health": {"interval": 15.0},
    "inventory": {"best_before_warning_days": 7},
    "eventlog": {"path": "events.jsonl", "max_bytes": 1_000_000, "backups": 5},
    "gpio": {"status_light": 17, "fault_light": 27, "buzzer": 18, "service_door": 22,
             "presence": 23, "presence_kind": "motion", "pulse": 0.5, "light_pwm": False},
    "locker": [
        {"address": "0:1", "sku": "tissues", "count": 3, "best_before": "2027-06-30"},
        {"address": "0:2", "sku": "water", "count": 2},
    ],
}  # fmt: skip
RELAY: dict[str, Any] = {
    **copy.deepcopy(SERIAL),
    "lockboard": {"protocol": "gpio"},
    "gpio": {"status_light": 17, "buzzer": 18, "relay_active_high": False,
             "lock": [{"address": "0:1", "relay": 5, "reed": 6, "item_sensor": 13},
                      {"address": "0:2", "relay": 12, "reed": 16}]},
}  # fmt: skip
REQUIRED = {"ledger.url", "ledger.key", "lockboard.port", "scanner.port"}
REQUIRED_IN_TABLES = {"address", "sku", "relay", "reed"}  # of each [[locker]] / [[gpio.lock]]
PINS = {"status_light", "fault_light", "buzzer", "service_door", "presence", "relay", "reed"}
PINS |= {"item_sensor"}
# Keys the kiosk knows that neither base sets (deploy/kiosk.example.toml, gpio_config's docs).
MORE_KEYS = {
    "kiosk": {"font_path", "voice_prompts", "voice_dir"},
    "ledger": {"key_file"},
    "scanner": {"kind", "camera"},
    "gpio": {"buzzer_tonal", "item_sensor_active_low", "door_reminder_after"},
}
MORE_KEYS["gpio"] |= {"door_reminder_every", "lock"}


def dotted(path: Path_) -> str:
    """How the kiosk names a key: lockboard.baud, locker[0].address, gpio.lock[1].relay."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def table_of(path: Path_) -> str:
    return dotted(path[:-1])


def leaves(doc: dict[str, Any], path: Path_ = ()) -> list[Path_]:
    found: list[Path_] = []
    for key, value in doc.items():
        if isinstance(value, dict):
            found += leaves(value, (*path, key))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                found += leaves(item, (*path, key, i))
        else:
            found.append((*path, key))
    return found


def known_keys(table: Path_) -> set[str]:
    """Every key the kiosk reads in `table` (() for the top level, its sections)."""
    if not table:
        return {*SERIAL, *RELAY}
    generic = _generic(table)
    found = {p[-1] for doc in (SERIAL, RELAY) for p in leaves(doc) if _generic(p[:-1]) == generic}
    return found | MORE_KEYS.get(dotted(table), set())


def _generic(path: Path_) -> Path_:
    return tuple(0 if isinstance(p, int) else p for p in path)


def get(doc: Any, path: Path_) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def with_value(doc: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    """A copy of `doc` with `path` set to `value` (or removed, for value ...)."""
    changed = copy.deepcopy(doc)
    table = get(changed, path[:-1])
    if value is ...:
        del table[path[-1]]
    else:
        table[path[-1]] = value
    return changed


# --- what a key accepts -----------------------------------------------------------------------


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _in_toml_range(v: Any) -> bool:
    return not isinstance(v, int) or -(2**63) <= v < 2**63


def positive_seconds(v: Any) -> bool:
    return _number(v) and _in_toml_range(v) and 0 < v < math.inf


def positive_int(v: Any) -> bool:
    return type(v) is int and 0 < v < 2**63


def counted(v: Any) -> bool:
    return type(v) is int and 0 <= v < 2**63


def address(v: Any) -> str | None:
    try:
        return str(LockerAddress.parse(v)) if isinstance(v, str) else None
    except ValueError:
        return None


def iso_date(v: Any) -> bool:
    try:
        return isinstance(v, str) and date.fromisoformat(v) is not None
    except ValueError:
        return False


RULES: dict[str, Callable[[Any], bool]] = {
    "language": lambda v: v in ("zh", "en"),
    "url": lambda v: isinstance(v, str) and v.startswith(("http://", "https://")),
    "protocol": lambda v: v in ("kerong", "xor"),  # gpio needs [[gpio.lock]]: only RELAY has it
    "baud": positive_int,
    "locks": positive_int,
    "max_bytes": positive_int,
    "backups": positive_int,
    "hook_open_bit": lambda v: type(v) is int and v in (0, 1),
    "item_present_bit": lambda v: type(v) is int and v in (0, 1),
    "best_before_warning_days": counted,
    "count": counted,
    "presence_kind": lambda v: v in ("motion", "switch"),
    "pulse": lambda v: positive_seconds(v) and v <= 5,
    "best_before": iso_date,
}
