"""What each family of lock boards does out of the box (docs/protocols.md, "Board profiles"):
the defaults of the config's [lockboard] table and of the drivers' board profiles, written once.
"""

from __future__ import annotations

from typing import Any

FAMILIES = ("kerong", "xor", "wkly")

FACTORY_SETTINGS: dict[str, dict[str, Any]] = {
    "kerong": {
        "baud": 19200,
        "locks": 16,
        "hook_open_bit": 1,
        "item_present_bit": 1,
        "item_sensors": True,
        "command_timeout": 0.3,
    },
    # "8A/80" boards: on the usual wiring an active feedback input (bit 1) means the lock is
    # closed, and they have no item sensors.
    "xor": {
        "baud": 9600,
        "locks": 24,
        "hook_open_bit": 0,
        "item_present_bit": 1,
        "item_sensors": False,
        "command_timeout": 0.3,
    },
    # "WKLY" boards (frames start 57 4B 4C 59): DOOR byte 0x00 means open, 24 channels and
    # 9600 baud in the public drivers, no item sensors; each board reports its own size.
    "wkly": {
        "baud": 9600,
        "locks": 24,
        "hook_open_bit": 0,
        "item_present_bit": 1,
        "item_sensors": False,
        "command_timeout": 0.3,
    },
}
