"""What the screens show: immutable snapshots of the kiosk's state, and the intents screens send.

The session controller publishes a KioskView after every change; the UI renders it as it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol


class SessionState(enum.Enum):
    IDLE = "idle"
    IDENTIFYING = "identifying"
    BROWSING = "browsing"
    CONFIRMING = "confirming"
    VENDING = "vending"
    RESULT = "result"
    OUT_OF_SERVICE = "out_of_service"


# The ledger error codes the screens have words for; any other code is shown as "error.unknown".
KNOWN_ERRORS = frozenset(
    {
        "invalid_code",
        "code_used",
        "pin_required",
        "locked_out",
        "insufficient_funds",
        "price_changed",
        "ledger_unreachable",
        "unlock_failed",
    }
)


def error_key(code: str) -> str:
    """The translation key for a ledger or kiosk error code."""
    return f"error.{code}" if code in KNOWN_ERRORS else "error.unknown"


class VendStep(enum.Enum):
    """The vend transaction's journal states (DESIGN.md, "The vend transaction")."""

    INTENT = "intent"
    HELD = "held"
    UNLOCKING = "unlocking"
    UNLOCKED = "unlocked"
    DOOR_OPENED = "door_opened"
    DOOR_CLOSED = "door_closed"
    UNLOCK_FAILED = "unlock_failed"
    CAPTURED = "captured"
    VOIDED = "voided"

    @property
    def final(self) -> bool:
        return self in (VendStep.CAPTURED, VendStep.VOIDED)


@dataclass(frozen=True)
class Offer:
    """One item the member may choose: what it is, where it is, and whether they can afford it."""

    sku: str
    name_zh: str
    name_en: str
    price: int
    stock: int
    locker: str
    affordable: bool


@dataclass(frozen=True)
class VendView:
    sku: str
    name_zh: str
    name_en: str
    price: int
    locker: str
    step: VendStep


@dataclass(frozen=True)
class ResultView:
    """How the visit ended. `message` is a translation key, e.g. "result.no_coins_taken"."""

    ok: bool
    message: str
    balance: int | None


@dataclass(frozen=True)
class KioskView:
    state: SessionState = SessionState.IDLE
    member_name: str | None = None
    balance: int | None = None
    offers: tuple[Offer, ...] = field(default_factory=tuple)
    vend: VendView | None = None
    result: ResultView | None = None
    busy: bool = False
    notice: str | None = (
        None  # a translation key shown on the current screen, e.g. "error.invalid_code"
    )
    out_of_service: str | None = None  # a translation key naming why, e.g. "oos.ledger"


class KioskIntents(Protocol):
    """What a screen may ask of the kiosk. Each returns at once; work runs on a worker thread."""

    def present_code(self, text: str) -> None:
        """A code was scanned (serial scanner, keyboard wedge, or the sim panel)."""
        ...

    def choose(self, sku: str) -> None:
        """The member tapped an item: hold its price and open its locker."""
        ...

    def cancel(self) -> None:
        """The member ends the visit (or the inactivity timeout fired): back to idle."""
        ...

    def finish(self) -> None:
        """The member has read the result: back to idle."""
        ...
