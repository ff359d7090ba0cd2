"""A real driver against its simulator on a real pty (or TCP), for either protocol."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from drivers.lockboard import open_board
from drivers.lockboard.base import BusLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockerAddress
from sim.lockboard import FIRST_BOARD, make_board
from sim.lockboard.base import SimBoard
from sim.world import Cabinet

PROTOCOLS = ("kerong", "xor", "wkly")
# Board families whose boards answer an unlock: the older, echoing Kerong firmware and XOR
# and WKLY boards (current Kerong firmware never does).
ANSWERING = ("kerong-echo", "xor", "wkly")


def fast_profile(protocol: str, **settings: Any) -> BoardProfile:
    base = {"command_timeout": 0.25, "quiet_gap": 0.01, "read_retries": 1, "unlock_settle": 0.0}
    return BoardProfile.for_protocol(protocol, **{**base, **settings})


def locker(protocol: str, lock: int = 1) -> LockerAddress:
    """Lock `lock` on the protocol's first board address (Kerong 0, XOR 1, WKLY 0)."""
    return LockerAddress(FIRST_BOARD[protocol], lock)


@contextmanager
def rig(
    family: str, transport: str = "pty", **settings: Any
) -> Iterator[tuple[SimBoard[Any], BusLockBoard]]:
    """A protocol's simulator and driver; family "kerong-echo" is the older Kerong firmware."""
    protocol = family.removesuffix("-echo")
    cabinet = Cabinet.demo(FIRST_BOARD[protocol])
    port = 0 if transport == "tcp" else None
    sim = make_board(protocol, cabinet, tcp_port=port, echo=family.endswith("-echo"))
    with sim, open_board(sim.url, fast_profile(protocol, **settings)) as board:
        yield sim, board
