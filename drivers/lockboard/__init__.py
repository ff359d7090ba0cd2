"""Lock boards: pure codecs per wire protocol, the devices on top, and `open_board()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drivers.lockboard.base import BusLockBoard
    from drivers.lockboard.profile import BoardProfile


def open_board(url: str, profile: BoardProfile) -> BusLockBoard:
    """The device that speaks `profile.protocol` on the port at `url` (opened on first use)."""
    # Imported here: the devices import their codecs from this package (a cycle otherwise),
    # and a codec alone should not pull in pyserial.
    from drivers.lockboard.kerong.device import KerongLockBoard
    from drivers.lockboard.xor.device import XorLockBoard

    devices: dict[str, type[BusLockBoard]] = {"kerong": KerongLockBoard, "xor": XorLockBoard}
    return devices[profile.protocol](url, profile)
