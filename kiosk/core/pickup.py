"""Reservations at the kiosk: learning of them, setting items aside, and the member's pick-up.

`ReservationDesk.sync` asks the ledger which reservations wait for this kiosk (on every
member's sign-in and every `poll_interval` while idle, on the session worker, so it never runs
beside a vend), keeps a unit aside for each new one or refuses it when none is left, and drops
the ones the ledger no longer lists (cancelled, expired): their units go back on sale. A
reservation whose unit is gone from its locker (a technician emptied it, or filled it with
something else) is refused too, so its coins go back at once rather than at its expiry.

The member's pick-up itself ("您预约的物品") is kiosk/core/collecting.py; each unit's vend runs on
the reservation's own hold (`ClaimStep`), never a new one (docs/architecture.md, "Reservations").
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kiosk.core.errors import LedgerError
from kiosk.core.interfaces import Hold
from kiosk.core.inventory import Inventory
from kiosk.core.journal import VendJournal, VendRecord
from kiosk.core.reserved import REFUSED, SET_ASIDE, Reservation

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 30.0  # how often an idle kiosk asks the ledger for new reservations


class ReservationLedger(Protocol):
    """The ledger's reservation calls (docs/protocols.md, "Reservations")."""

    def reservations(self) -> list[Reservation]: ...

    def set_aside(self, reservation: str, locker: str, key: str) -> None: ...

    def refuse_reservation(self, reservation: str, reason: str, key: str) -> None: ...

    def claim(self, reservation: str, session: str, key: str) -> Hold: ...


@dataclass(frozen=True)
class ClaimStep:
    """The hold step of a pick-up's vend: the vend record is begun with the reservation's hold
    (so recovery voids that hold if the kiosk dies before the locker opens), then the ledger
    is asked to make that hold the vend's, with the vend's own idempotency key."""

    reservation: str
    session: str
    ledger: ReservationLedger

    def begin(self, journal: VendJournal) -> VendRecord:
        return journal.get(journal.begin_pickup(self.reservation, self.session))

    def claim(self, key: str) -> Hold:
        return self.ledger.claim(self.reservation, self.session, key=key)


class ReservationDesk:
    """What this kiosk keeps for reservations, kept in step with the ledger."""

    def __init__(
        self, journal: VendJournal, inventory: Inventory, ledger: ReservationLedger
    ) -> None:
        self.journal, self.inventory, self.ledger = journal, inventory, ledger

    def sync(self) -> bool:
        """One exchange with the ledger; False when it could not be reached (tried again at the
        next sign-in or poll: nothing is lost, the journal keeps what was decided)."""
        try:
            listed = self.ledger.reservations()
        except LedgerError as e:
            log.info("reservations not fetched: %s", e)
            return False
        ids = {r.reservation for r in listed}
        for kept in self.journal.kept_reservations():
            if kept.state != "claimed" and kept.reservation not in ids:
                self.journal.drop_reservation(kept.reservation)  # ended: back on sale
        for gone in self._units_gone():
            log.info("reservation %s: its unit is no longer in its locker", gone)
            self.journal.lose_reservation(gone)
        for res in listed:
            found = self.journal.kept_reservation(res.reservation)
            kept = found or self.journal.keep_reservation(res, self._free_locker(res.sku))
            try:
                self._tell(res, kept)
            except LedgerError as e:
                if e.final:  # cancelled or expired meanwhile: nothing to keep
                    log.info("reservation %s ended: %s", res.reservation, e.code)
                    self.journal.drop_reservation(res.reservation)
                else:
                    log.info("reservation %s: the ledger not told yet: %s", res.reservation, e)
        return True

    def _tell(self, listed: Reservation, kept: Reservation) -> None:
        if kept.state == SET_ASIDE and kept.locker is not None:
            if listed.state == "pending" or not kept.told:
                key = f"reservation:{kept.reservation}:set-aside"
                self.ledger.set_aside(kept.reservation, kept.locker, key=key)
                self.journal.reservation_told(kept.reservation)
        elif kept.state == REFUSED:
            # The last one went while the kiosk did not know: the coins go back to the member.
            # None left when it was learnt (sold_out), or its unit gone since (not_stocked).
            why = "sold_out" if kept.locker is None else "not_stocked"
            key = f"reservation:{kept.reservation}:refuse"
            self.ledger.refuse_reservation(kept.reservation, why, key=key)
            self.journal.reservation_told(kept.reservation)

    def _units_gone(self) -> list[str]:
        """Set-aside reservations whose locker no longer holds a unit of their item for them:
        the locker holds another item now, or fewer units than are kept in it (pick-ups under
        way first, then the oldest reservations keep theirs)."""
        kept = [r for r in self.journal.kept_reservations() if r.state == SET_ASIDE]
        waiting = Counter(r.locker for r in kept if r.locker is not None)
        held = self.journal.reserved_counts()  # set aside, and pick-ups not yet decided
        left = {
            s.locker: (s.sku, s.count - (held[s.locker] - waiting[s.locker]))
            for s in self.journal.lockers()
        }
        gone = []
        for r in kept:  # oldest first
            sku, units = left.get(r.locker or "", ("", 0))
            if sku == r.sku and units > 0:
                left[r.locker or ""] = (sku, units - 1)
            else:
                gone.append(r.reservation)
        return gone

    def _free_locker(self, sku: str) -> str | None:
        """A locker with a unit of `sku` for general sale and no vend under way on it."""
        busy = self.journal.undecided_vends()
        for stock in self.inventory.sellable():
            free = stock.count - self.journal.reserved_counts()[stock.locker] - busy[stock.locker]
            if stock.sku == sku and free > 0:
                return stock.locker
        return None

    def mine(self, member: str) -> list[Reservation]:
        return [
            r
            for r in self.journal.kept_reservations()
            if r.member == member and r.state == SET_ASIDE
        ]


class ReservationPoller:
    """A thread that asks, every `interval` seconds, for reservations made since (the work runs
    on the session worker: `SessionController.poll_reservations`)."""

    def __init__(self, poll: Callable[[], None], interval: float = POLL_INTERVAL_S) -> None:
        self._poll, self.interval = poll, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="reservations", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        self._poll()  # at start: what was reserved while the kiosk was off
        while not self._stop.wait(self.interval):
            self._poll()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
