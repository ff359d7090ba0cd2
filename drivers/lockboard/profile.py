"""A lock board's settings: protocol, line speed, bit polarity and timing.

Polarity differs between board batches, so which raw bit means "open" / "present" is data,
not code; the device applies it when it turns raw bits into a LockState.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

# What a board of each family does out of the box: one table, the kiosk's config reads it too.
from kiosk.core.board_families import FACTORY_SETTINGS as FACTORY_SETTINGS
from kiosk.core.interfaces import LockState

PROTOCOLS = ("kerong", "xor", "wkly")
STANDARD_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
MAX_LOCKS = {"kerong": 16, "xor": 50, "wkly": 48}


@dataclass(frozen=True)
class BoardProfile:
    """How to talk to one family of lock boards. A bad value raises ValueError naming the field."""

    protocol: str = "kerong"
    baud: int = 19200
    locks: int = 16
    hook_open_bit: int = 1
    item_present_bit: int = 1
    command_timeout: float = 0.3
    quiet_gap: float = 0.02
    read_retries: int = 2
    unlock_settle: float = 0.3  # seconds a lock takes to move before its sensors mean anything
    # Seconds after a command went unanswered that its answer may still arrive (a busy board):
    # no status frame is believed after an unlock until that time has passed since any command
    # the board left unanswered before it (docs/protocols.md, "Late answers").
    late_answer_limit: float = 1.0
    # XOR and WKLY boards only report the door; with no item sensor an item never reads as gone.
    item_sensors: bool = True

    @classmethod
    def for_protocol(cls, protocol: str, **settings: Any) -> BoardProfile:
        """A profile with the usual factory settings of that board family, then `settings`."""
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol: {protocol!r} is not one of {', '.join(PROTOCOLS)}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(f"{unknown[0]}: not a board profile setting")
        values = {**FACTORY_SETTINGS[protocol], **settings}
        return cls(protocol=protocol, **values)

    @property
    def reply_gap(self) -> float:
        """Line silence that ends a reply: the quiet gap, never under 3.5 character times."""
        return max(self.quiet_gap, 3.5 * 10 / self.baud)

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"protocol: {self.protocol!r} is not one of {', '.join(PROTOCOLS)}")
        if self.baud not in STANDARD_BAUDS:
            raise ValueError(f"baud: {self.baud} is not a standard rate {STANDARD_BAUDS}")
        top = MAX_LOCKS[self.protocol]
        if not isinstance(self.locks, int) or not 1 <= self.locks <= top:
            raise ValueError(f"locks: {self.locks} is outside 1..{top} for {self.protocol}")
        for name in ("hook_open_bit", "item_present_bit"):
            if getattr(self, name) not in (0, 1):
                raise ValueError(f"{name}: {getattr(self, name)!r} must be 0 or 1")
        if not 0 < self.command_timeout <= 10:
            raise ValueError(f"command_timeout: {self.command_timeout} s is outside (0, 10]")
        if not 0 <= self.quiet_gap <= 1:
            raise ValueError(f"quiet_gap: {self.quiet_gap} s is outside [0, 1]")
        if not isinstance(self.read_retries, int) or not 0 <= self.read_retries <= 10:
            raise ValueError(f"read_retries: {self.read_retries} is outside 0..10")
        if not 0 <= self.unlock_settle <= 10:
            raise ValueError(f"unlock_settle: {self.unlock_settle} s is outside [0, 10]")
        if not 0 <= self.late_answer_limit <= 10:
            raise ValueError(f"late_answer_limit: {self.late_answer_limit} s is outside [0, 10]")
        if self.item_sensors and self.protocol in ("xor", "wkly"):
            raise ValueError(f"item_sensors: {self.protocol} boards report no item sensor")

    def lock_state(self, hook_bit: bool, item_bit: bool | None = None) -> LockState:
        """Turn raw sensor bits into what they mean for this batch of boards.

        Without item sensors (`item_bit` None) item_present is True and item_sensed False:
        the kiosk must never conclude from a missing sensor that an item was taken.
        """
        return LockState(
            hook_open=int(hook_bit) == self.hook_open_bit,
            item_present=item_bit is None or int(item_bit) == self.item_present_bit,
            item_sensed=item_bit is not None,
        )
