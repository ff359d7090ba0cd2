"""The cabinet's locks as the config describes them: a lock-board bus or GPIO relays."""

from __future__ import annotations

from typing import Any

from drivers.lockboard import open_board
from drivers.lockboard.base import BusLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.config import KioskConfig
from kiosk.core.errors import ConfigError
from kiosk.core.interfaces import LockBoard


def build_board(config: KioskConfig, pin_factory: Any = None) -> BusLockBoard | LockBoard:
    """The device for `[lockboard]` (opened on first use); relay cabinets use `[gpio]`."""
    lb = config.lockboard
    if lb.protocol == "gpio" and config.gpio is not None:
        from kiosk.wiring.gpio import build_relay_bank

        return build_relay_bank(config.gpio, pin_factory)
    try:
        profile = BoardProfile.for_protocol(
            lb.protocol,
            baud=lb.baud,
            locks=lb.locks,
            hook_open_bit=lb.hook_open_bit,
            item_present_bit=lb.item_present_bit,
            command_timeout=lb.timeout,
        )
    except ValueError as e:
        raise ConfigError(f"{config.source}: lockboard.{e}") from None
    return open_board(lb.port, profile)
