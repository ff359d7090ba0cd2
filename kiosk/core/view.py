"""What the screens show: immutable snapshots of the kiosk's state, and the intents screens send.

The session controller publishes a KioskView after every change; the UI renders it as it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.core.steps import VendStep
from kiosk.core.technician import TechnicianIntents, TechnicianView


class SessionState(enum.Enum):
    IDLE = "idle"
    IDENTIFYING = "identifying"  # a code is being checked with the ledger
    PIN_ENTRY = "pin_entry"  # a printed card was scanned: the PIN pad is shown
    PAIRING = "pairing"  # the kiosk shows its own QR code and waits for the member's phone
    RESERVED = "reserved"  # 您预约的物品: the member's reservations here, shown first
    BROWSING = "browsing"  # catalog and cart
    CONFIRMING = "confirming"  # the cart's total and the balance after it, before any hold
    VENDING = "vending"
    RESULT = "result"
    TECHNICIAN = "technician"  # a staff or technician badge opened the service screens
    OUT_OF_SERVICE = "out_of_service"


MAX_CART = 5  # items in one visit; each is its own hold, locker and journal record


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
        "wrong_pin",
        "card_revoked",
        "pin_not_set",  # a card printed in a batch: its PIN is set at the office first
        "member_deactivated",
        "pairing_expired",
        "cart_full",
        "sold_out",
        "reserved_unavailable",
        "reservation_not_open",  # cancelled or failed meanwhile
        "hold_expired",  # a reservation that lapsed before it was collected
    }
)


def error_key(code: str) -> str:
    """The translation key for a ledger or kiosk error code."""
    return f"error.{code}" if code in KNOWN_ERRORS else "error.unknown"


@dataclass(frozen=True)
class Offer:
    """One item the member may choose: what it is, where it is, and whether they can afford it."""

    sku: str
    name_zh: str
    name_en: str
    price: int
    stock: int  # items left for sale, less those already in this visit's cart
    locker: str
    affordable: bool  # the price fits in the balance left after the cart
    best_before: str | None = None  # ISO date of the first item to be handed out
    best_before_soon: bool = False  # within the configured warning days: marked on screen
    in_cart: int = 0


@dataclass(frozen=True)
class CartLine:
    """One item in the visit's cart (each line is one item; two waters are two lines)."""

    sku: str
    name_zh: str
    name_en: str
    price: int
    # The locker it will come from cannot tell one item taken from none (several items behind
    # its door, or no item sensor): opening the door is the hand-out, and the member is told so
    # before it opens (docs/architecture.md, "Which lockers charge at the door").
    charge_on_open: bool = False


@dataclass(frozen=True)
class ReservedLine:
    """An item the member reserved on their phone, kept aside here (kiosk/core/pickup.py)."""

    reservation: str
    sku: str
    name_zh: str
    name_en: str
    price: int  # already held (or a pool's, paid at its fill): collecting takes no more coins
    locker: str
    # Every unit the line's one tap collects (same item and price, oldest first; `reservation`
    # is the first), and their lockers, each once.
    units: tuple[str, ...] = ()
    lockers: tuple[str, ...] = ()


@dataclass(frozen=True)
class VendView:
    sku: str
    name_zh: str
    name_en: str
    price: int
    locker: str
    step: VendStep
    index: int = 1  # which item of the cart this is, from 1
    of: int = 1  # how many items the cart has
    charge_on_open: bool = False  # see CartLine


@dataclass(frozen=True)
class ItemResult:
    """How one item of the cart ended: handed out and paid, or not taken and not paid."""

    sku: str
    name_zh: str
    name_en: str
    price: int
    locker: str
    handed_out: bool
    message: str  # translation key, e.g. "result.taken", "result.no_coins_taken"
    held: bool = False  # its coins stay held (awaiting a count, or a silent board): not taken yet


@dataclass(frozen=True)
class ResultView:
    """How the visit ended. `message` is a translation key, e.g. "result.no_coins_taken"."""

    ok: bool
    message: str
    balance: int | None
    items: tuple[ItemResult, ...] = ()
    charged: int = 0  # coins taken for the items handed out
    held: int = 0  # coins still held (items awaiting a count or a silent board's verdict)
    # Items a jammed locker did not hand out that another locker holds: the member may try
    # them there (MemberIntents.retry), at `alternative` (the first such locker).
    retry: tuple[CartLine, ...] = ()
    alternative: str = ""


@dataclass(frozen=True)
class PairingView:
    """The kiosk-shown code: the URL the member's phone opens, drawn as a QR code."""

    pairing: str
    url: str
    expires_in: float  # seconds left when the pairing was created


@dataclass(frozen=True)
class KioskView:
    state: SessionState = SessionState.IDLE
    member_name: str | None = None
    member_role: str | None = None  # member / technician / staff
    balance: int | None = None
    offers: tuple[Offer, ...] = field(default_factory=tuple)
    cart: tuple[CartLine, ...] = field(default_factory=tuple)
    reserved: tuple[ReservedLine, ...] = field(default_factory=tuple)  # RESERVED only
    pairing: PairingView | None = None
    vend: VendView | None = None
    result: ResultView | None = None
    busy: bool = False
    notice: str | None = (
        None  # a translation key shown on the current screen, e.g. "error.invalid_code"
    )
    out_of_service: str | None = None  # a translation key naming why, e.g. "oos.ledger"
    attempts_left: int | None = None  # PIN tries left after a wrong PIN, when the ledger says
    technician: TechnicianView | None = None  # the technician screens' state (TECHNICIAN only)
    # Seconds left before an untouched screen ends the visit, while the screen asks whether the
    # member needs more time (None: not asking).
    ends_in: float | None = None
    help_phone: str = ""  # the help line every error screen shows ([kiosk] help_phone)

    @property
    def cart_total(self) -> int:
        return sum(line.price for line in self.cart)

    @property
    def balance_after(self) -> int | None:
        return None if self.balance is None else self.balance - self.cart_total

    @property
    def cart_full(self) -> bool:
        return len(self.cart) >= MAX_CART


class MemberIntents(Protocol):
    """What the member's screens may ask of the kiosk. Each returns at once; work runs on a
    worker thread.

    Every intent is safe to repeat: one sent twice by a double tap acts once, because each
    is checked against the state it was meant for.
    """

    def present_code(self, text: str) -> None:
        """A code was scanned (serial scanner, keyboard wedge, or the sim panel)."""
        ...

    def enter_pin(self, pin: str) -> None:
        """The PIN typed on the pad for the printed card just scanned."""
        ...

    def pair(self) -> None:
        """The member has no code with them: show the kiosk's QR code for their phone."""
        ...

    def add(self, sku: str) -> None:
        """Put one of this item in the cart (up to MAX_CART items)."""
        ...

    def remove(self, sku: str) -> None:
        """Take one of this item out of the cart."""
        ...

    def checkout(self) -> None:
        """Browsing -> confirming: show the total and the balance after it."""
        ...

    def back(self) -> None:
        """One step back: confirming -> browsing; PIN pad or pairing -> attract."""
        ...

    def confirm(self) -> None:
        """Vend the cart: hold, open and settle each item in turn."""
        ...

    def cancel(self) -> None:
        """The member ends the visit (or the inactivity timeout fired): back to idle."""
        ...

    def finish(self) -> None:
        """The member has read the result: back to idle."""
        ...

    def touched(self) -> None:
        """Any touch (paging, language): the member is still there, restart the idle timer."""
        ...

    def more_time(self) -> None:
        """The member said yes to "need more time?": the same screen and cart, a new timer."""
        ...

    def collect(self, reservation: str) -> None:
        """Open the locker of one reserved item (RESERVED): its vend runs on the coins the
        reservation already holds."""
        ...

    def shop(self) -> None:
        """From the reserved items to the catalog, to buy something else."""
        ...

    def retry(self) -> None:
        """After a jammed locker: put the items it did not hand out back in the cart, to be
        confirmed again from another locker holding them."""
        ...


class KioskIntents(MemberIntents, TechnicianIntents, Protocol):
    """Every intent: what the app holds (the session controller) and hands each screen, which
    uses the part it needs."""
