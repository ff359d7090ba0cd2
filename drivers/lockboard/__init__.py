"""Lock boards: pure codecs per wire protocol, the devices on top, and `open_board()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drivers.lockboard.base import BusLockBoard
    from drivers.lockboard.profile import BoardProfile
    from drivers.serial_link import Tap


def open_board(url: str, profile: BoardProfile, tap: Tap | None = None) -> BusLockBoard:
    """The device that speaks `profile.protocol` on the port at `url` (opened on first use);
    `tap` hears every byte both ways (a capture)."""
    return device_class(profile.protocol)(url, profile, tap)


def device_class(protocol: str) -> type[BusLockBoard]:
    """The device class of a board family: its bus addresses are `first_board..last_board`."""
    # Imported here: the devices import their codecs from this package (a cycle otherwise),
    # and a codec alone should not pull in pyserial.
    from drivers.lockboard.kerong.device import KerongLockBoard
    from drivers.lockboard.wkly.device import WklyLockBoard
    from drivers.lockboard.xor.device import XorLockBoard

    devices: dict[str, type[BusLockBoard]] = {
        "kerong": KerongLockBoard,
        "xor": XorLockBoard,
        "wkly": WklyLockBoard,
    }
    if protocol not in devices:
        raise ValueError(f"protocol: {protocol!r} is not one of {', '.join(devices)}")
    return devices[protocol]
