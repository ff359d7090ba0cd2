"""A lock board's settings: protocol, line speed, bit polarity and timing.

Polarity differs between board batches, so which raw bit means "open" / "present" is data,
not code; the device applies it when it turns raw bits into a LockState.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.interfaces import LockState

PROTOCOLS = ("kerong", "xor")
STANDARD_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
MAX_LOCKS = {"kerong": 16, "xor": 50}


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

    def lock_state(self, hook_bit: bool, item_bit: bool) -> LockState:
        """Turn raw sensor bits into what they mean for this batch of boards."""
        return LockState(
            hook_open=int(hook_bit) == self.hook_open_bit,
            item_present=int(item_bit) == self.item_present_bit,
        )
