"""What the core needs from hardware and the ledger, as Protocols and plain value types.

Drivers implement LockBoard and CodeReader; kiosk/ledger_client.py implements Ledger.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, order=True)
class LockerAddress:
    """A locker as a technician names it: board bus address and lock number (from 1)."""

    board: int
    lock: int

    def __post_init__(self) -> None:
        if not 0 <= self.board <= 31:
            raise ValueError(f"board address {self.board} is outside 0..31")
        if not 1 <= self.lock <= 64:
            raise ValueError(f"lock number {self.lock} is outside 1..64")

    def __str__(self) -> str:
        return f"{self.board}:{self.lock}"

    @classmethod
    def parse(cls, text: str) -> LockerAddress:
        """Read `BOARD:LOCK`, e.g. `0:3`: the one reader of a locker's name in the kiosk (the
        config, the technician's commands, the screens)."""
        board, sep, lock = (part.strip() for part in text.partition(":"))
        # isascii: isdigit() alone passes "²", which int() then refuses with another message.
        if not sep or not all(p.isascii() and p.isdigit() for p in (board, lock)):
            raise ValueError(f"{text!r} is not BOARD:LOCK (for example 0:3)")
        return cls(int(board), int(lock))


@dataclass(frozen=True)
class LockState:
    """What one lock's sensors say: the hook (lock/door open) and the infrared item sensor."""

    hook_open: bool
    item_present: bool
    # False when the lock has no item sensor (GPIO relay cabinets without IR): item_present is
    # then the driver's presumption, not a reading (see drivers/gpio/relay_locks.py).
    item_sensed: bool = True


class LockBoard(Protocol):
    """A cabinet's lock boards, seen as one device."""

    def unlock(self, locker: LockerAddress, vend: str | None = None) -> LockState | None:
        """Pulse one lock once. Returns the state the board reported with its answer, if any.

        Raises LockBoardError when the board did not accept the command. Never retries the pulse.
        `vend` is the vend's idempotency key: a second unlock for the same vend raises a
        LockBoardError without pulsing (None: a pulse that is no vend's, a technician's test).
        """
        ...

    def read(self, locker: LockerAddress) -> LockState:
        """Read one lock's hook and item bits now. Raises LockBoardError when it cannot."""
        ...

    def close(self) -> None: ...


class Light(enum.Enum):
    """What the kiosk's status light says to someone walking up to it."""

    READY = "ready"
    BUSY = "busy"
    OUT_OF_SERVICE = "out_of_service"
    FAULT = "fault"
    OFF = "off"


class Sound(enum.Enum):
    """The buzzer's short patterns."""

    KEY_PRESS = "key_press"
    ACCEPTED = "accepted"
    ERROR = "error"
    DOOR_REMINDER = "door_reminder"


class Signals(Protocol):
    """Status light and buzzer, as the annunciator drives them. Both return at once."""

    def show(self, light: Light) -> None: ...

    def sound(self, sound: Sound) -> None: ...


class CodeReader(Protocol):
    """A QR scanner: delivers each decoded code as text to one callback, on its own thread."""

    def start(self, on_code: Callable[[str], None]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class MemberSession:
    """A ledger session opened by a member code."""

    session: str
    member: Member
    balance: int
    expires_at: str


@dataclass(frozen=True)
class CatalogItem:
    sku: str
    name_zh: str
    name_en: str
    price: int


@dataclass(frozen=True)
class Hold:
    hold: str
    state: str
    balance: int | None = None
    expires_at: str | None = None


@dataclass(frozen=True)
class Pairing:
    """A kiosk-shown code the member's phone confirms (RFC 8628 style)."""

    pairing: str
    url: str
    expires_in: float  # seconds
    interval: float  # seconds between polls the ledger allows


@dataclass(frozen=True)
class PairingPoll:
    """One poll of a pairing: still pending, or confirmed with the member's session."""

    state: str  # "pending" | "confirmed"
    session: MemberSession | None = None


class Ledger(Protocol):
    """The ledger's v1 HTTP contract as the core uses it. Errors raise LedgerError subclasses."""

    def open_session(self, code: str, pin: str | None = None) -> MemberSession: ...

    def end_session(self, session: str) -> None: ...

    def catalog(self) -> list[CatalogItem]: ...

    def hold(self, session: str, sku: str, locker: str, price: int, key: str) -> Hold: ...

    def capture(self, hold: str, key: str, lot: str | None = None) -> Hold:
        """Capture the hold; `lot`: the lot its item came from (absent for unlotted stock)."""
        ...

    def void(self, hold: str, reason: str, key: str) -> Hold: ...

    def get_hold(self, hold: str) -> Hold: ...

    def await_count(self, hold: str) -> Hold:
        """Keep an open hold until its locker is counted (it no longer lapses); idempotent."""
        ...

    def create_pairing(self) -> Pairing: ...

    def poll_pairing(self, pairing: str) -> PairingPoll: ...

    def send_events(self, events: list[dict[str, Any]]) -> int: ...

    def restock_lot(self, code: str, locker: str, count: int, key: str) -> None:
        """Tell the ledger `locker` now holds `count` units of lot `code` (issue 18)."""
        ...

    def health(self) -> datetime:
        """The ledger's clock time; raises LedgerError when it is not healthy."""
        ...
