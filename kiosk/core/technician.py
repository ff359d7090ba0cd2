"""What the technician screens show and the desk they work through: health checks, lock tests,
live sensors, restocking, the service switch, self-test and the diagnostic bundle.

The core holds only this Protocol and plain data; kiosk/diag/desk.py implements it on the kiosk's
real parts, and app.py hands it to the session controller.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.core.lots import LotInfo


class TechPage(enum.Enum):
    HEALTH = "health"  # health at a glance; the first page after the badge
    LOCKS = "locks"  # lock test and live sensors
    RESTOCK = "restock"
    SERVICE = "service"  # service switch, self-test, bundle


SERVICE_REASONS = ("cleaning", "restocking", "fault", "other")
MAX_COUNT = 99  # a locker holds one item or a few of one item


@dataclass(frozen=True)
class CheckLine:
    """One line of the health table; `status` is "ok", "warn" or "fail"."""

    name: str
    status: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class LockerLine:
    """One locker as the technician sees it: sensor bits (None: not read) and what it holds."""

    locker: str
    hook_open: bool | None = None
    item_present: bool | None = None
    sku: str = ""
    count: int = 0
    best_before: str | None = None
    inspect: str | None = None  # why it is out of sale until inspected
    error: str | None = None  # the board did not answer
    # A vend the sensors could not decide waits for this locker's count (its id), and the
    # count it expects if nothing was taken: the restock page then records the count first.
    awaiting_vend: int | None = None
    expect_count: int | None = None
    lot: str | None = None  # the lot it was filled from (issue 18); None: unlotted


@dataclass(frozen=True)
class OpenedLocker:
    """One locker pulsed on purpose: bits before and after, and whether the hook now reads open."""

    locker: str
    before: LockerLine
    after: LockerLine
    accepted: bool
    error: str | None = None

    @property
    def opened(self) -> bool:
        return bool(self.after.hook_open)


@dataclass(frozen=True)
class SelfTestLine:
    status: str  # the worst check: "ok", "warn" or "fail"
    checks: tuple[CheckLine, ...]
    reported: bool  # the ledger has it (otherwise it waits in the outbox)


@dataclass(frozen=True)
class ServiceLine:
    in_service: bool
    reason: str = ""
    by: str = ""
    at: str | None = None


@dataclass(frozen=True)
class RestockDraft:
    """The restock page's entry before it is saved."""

    locker: str = ""
    sku: str = ""
    count: int = 0
    best_before: str | None = None  # ISO date
    # A scanned lot label (issue 18): SKU and best-before come from the lot, the technician
    # enters only the count. Empty: unlotted stock, SKU and date entered by hand.
    lot: str = ""
    lot_name: str = ""  # the lot's item name as the ledger gives it


@dataclass(frozen=True)
class WalkView:
    """The lock walk in progress: the locker open now, and the verdicts so far."""

    current: OpenedLocker | None
    remaining: tuple[str, ...]
    done: tuple[tuple[str, str], ...] = ()  # (locker, "opened" | "not_opened")


@dataclass(frozen=True)
class TechnicianView:
    """Everything the technician screens draw; `message` is a translation key, `detail` text."""

    page: TechPage = TechPage.HEALTH
    checks: tuple[CheckLine, ...] = ()
    lockers: tuple[LockerLine, ...] = ()
    skus: tuple[str, ...] = ()  # the ledger's catalog, for the SKU picker
    sku_names: tuple[tuple[str, str, str], ...] = ()  # (sku, zh, en): the picker shows names
    draft: RestockDraft = field(default_factory=RestockDraft)
    walk: WalkView | None = None
    last_open: OpenedLocker | None = None
    service: ServiceLine = field(default_factory=lambda: ServiceLine(True))
    self_test: SelfTestLine | None = None
    message: str | None = None
    detail: str = ""
    ok: bool = True  # the message reports success (False: a failure)


class TechnicianDesk(Protocol):
    """The operations behind the technician screens. Called on the session worker thread;
    each may block on the board or the ledger. `actor` is the badge's member id: every action
    is logged and reported to the ledger with it."""

    def checks(self) -> list[CheckLine]:
        """Every health check, in reading order; never raises."""
        ...

    def lockers(self) -> list[LockerLine]:
        """Every locker's sensor bits and stock (one board read per board)."""
        ...

    def open_locker(self, locker: str, actor: str, *, walk: bool = False) -> OpenedLocker:
        """Pulse one locker once (DeskError for a locker not on this kiosk)."""
        ...

    def walk_verdict(self, result: OpenedLocker, opened: bool, actor: str) -> None:
        """What the technician saw; a locker that stayed shut is taken out of sale."""
        ...

    def walk_done(self, verdicts: list[tuple[str, str]], actor: str) -> None:
        """Report the lock walk as one technician event."""
        ...

    def clear_inspection(self, locker: str, actor: str) -> bool:
        """ "检修完成": the technician inspected a flagged locker; it goes back on sale (logged
        and reported). False when it was not flagged."""
        ...

    def catalog_items(self) -> list[tuple[str, str, str]]:
        """The ledger's catalog as (sku, Chinese name, English name), by SKU (empty when it
        cannot be asked)."""
        ...

    def lot(self, code: str) -> LotInfo:
        """What the ledger says of a scanned lot (DeskError, in words, when it is unknown,
        past its last sale day, or the ledger cannot be asked)."""
        ...

    def restock(self, draft: RestockDraft, actor: str) -> bool:
        """Store one locker's new stock and send the inventory snapshot (True: the ledger has
        it now); DeskError naming the locker and field for a bad entry."""
        ...

    def count(self, locker: str, found: int, actor: str) -> bool:
        """Record the items found in a locker whose vend awaits a count: that vend is settled
        (True: the member took the item and pays; False: nothing taken, the coins go back)."""
        ...

    def self_test(self, actor: str) -> SelfTestLine:
        """Run the self-test (boards, scanner, lights and buzzer); logged and reported."""
        ...

    def service_state(self) -> ServiceLine: ...

    def set_service(self, in_service: bool, reason: str, actor: str) -> ServiceLine:
        """Throw the service switch; the kiosk's health monitor hears of it at once."""
        ...

    def write_bundle(self, actor: str) -> str:
        """Write the diagnostic bundle (a USB stick if one is mounted); returns its path."""
        ...

    def note(self, actor: str, action: str) -> None:
        """Log and report a technician action with no result of its own (enter, exit)."""
        ...

    def status(self) -> dict[str, object]: ...


class TechnicianIntents(Protocol):
    """What the technician screens (TECHNICIAN) may ask of the kiosk. Each returns at once;
    the desk's work runs on the session's worker thread."""

    def touched(self) -> None:
        """Any touch: the technician is still there, restart the screen's timer."""
        ...

    def cancel(self) -> None:
        """Leave the technician screens: back to the attract (or out-of-service) screen."""
        ...

    def tech_page(self, page: TechPage) -> None:
        """Show one technician page (health, locks, restock, service), freshly read."""
        ...

    def tech_open(self, locker: str) -> None:
        """Pulse one locker once; its hook and item bits before and after are shown."""
        ...

    def tech_walk(self) -> None:
        """Open every locker in turn; the technician says what they saw for each."""
        ...

    def tech_walk_verdict(self, verdict: str) -> None:
        """During a lock walk: "opened", "not_opened" (taken out of sale) or "stop"."""
        ...

    def tech_inspected(self, locker: str) -> None:
        """The technician inspected a locker marked for inspection: clear its flag."""
        ...

    def tech_draft(
        self,
        locker: str | None = None,
        sku: str | None = None,
        count: int | None = None,
        best_before: str | None = None,
        clear_date: bool = False,
    ) -> None:
        """Change the restock entry (picking a locker starts from what it holds)."""
        ...

    def tech_restock(self) -> None:
        """Save the restock entry and send the inventory snapshot to the ledger."""
        ...

    def tech_service(self, in_service: bool, reason: str) -> None:
        """Put the kiosk out of service (with a reason) or back in service."""
        ...

    def tech_self_test(self) -> None:
        """Run the self-test: boards, scanner, lights and buzzer."""
        ...

    def tech_bundle(self) -> None:
        """Write the diagnostic bundle (to a USB stick when one is plugged in)."""
        ...
