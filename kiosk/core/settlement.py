"""The settlement queue: captures and voids decided in the journal, sent until the ledger says yes.

A decision is written to the journal first; this sends it with the vend's derived idempotency
key, so a retry after a lost answer never charges twice. Unacknowledged decisions stay queued
across restarts (they live in the journal) and show in diagnostics.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from kiosk.core import lot_reports
from kiosk.core.errors import LedgerError, LedgerUnreachable
from kiosk.core.interfaces import Ledger
from kiosk.core.journal import VendJournal, VendRecord
from kiosk.core.steps import Settlement, VendStep

log = logging.getLogger(__name__)

# Ledger answers that mean "there is nothing left to void": the hold never came to be.
_NO_HOLD_CODES = frozenset(
    {
        "insufficient_funds",
        "price_changed",
        "unknown_sku",
        "invalid_session",
        "session_expired",
        "forbidden",
    }
)


class Settler:
    """Sends the journal's pending captures and voids to the ledger."""

    def __init__(self, journal: VendJournal, ledger: Ledger) -> None:
        self.journal = journal
        self.ledger = ledger
        self._lock = threading.Lock()

    def settle(self, vend: VendRecord) -> VendRecord:
        """Try once to settle one decided vend. Returns the journal record afterwards."""
        with self._lock:
            current = self.journal.get(vend.id)
            if current.state.final or current.settlement is None:
                return current
            try:
                if current.settlement is Settlement.CAPTURE:
                    return self._capture(current)
                return self._void(current)
            except LedgerUnreachable as e:
                self.journal.note_attempt(current.id, str(e))
                return self.journal.get(current.id)

    def tell_awaiting(self, vend: VendRecord) -> VendRecord:
        """Tell the ledger to keep this vend's hold until its locker is counted (else it would
        lapse after a day: an item perhaps handed out, never charged). Queued when unreachable."""
        with self._lock:
            current = self.journal.get(vend.id)
            if not current.awaiting_count or current.count_told or current.hold is None:
                return current
            try:
                self.ledger.await_count(current.hold)
            except LedgerUnreachable as e:
                self.journal.note_attempt(current.id, str(e))
                return self.journal.get(current.id)
            except LedgerError as e:
                if not e.final:
                    self.journal.note_attempt(current.id, f"{e.code}: {e.message}")
                    return self.journal.get(current.id)
                # E.g. the hold lapsed while the kiosk was away: the count still decides, and a
                # capture then refused shows up for staff like any other refusal.
                log.error("ledger refused to keep vend %s's hold for a count: %s", vend.id, e)
                self.journal.count_told(current.id, f"await-count refused: {e.code}")
                return self.journal.get(current.id)
            self.journal.count_told(current.id)
            return self.journal.get(current.id)

    def status(self) -> dict[str, Any]:
        """The queue as diagnostics show it: what waits, for how long, and why."""
        now = datetime.now(UTC)

        def row(v: VendRecord) -> dict[str, Any]:
            age = now - datetime.fromisoformat(v.created_at) if v.created_at else None
            return {
                "vend": v.id,
                "settlement": v.settlement,
                "hold": v.hold,
                "sku": v.sku,
                "price": v.price,
                "locker": v.locker,
                "age_s": None if age is None else round(age.total_seconds(), 1),
                "attempts": v.attempts,
                "last_error": v.last_error,
            }

        pending = self.journal.pending_settlements()
        return {
            "pending_captures": [row(v) for v in pending if v.settlement is Settlement.CAPTURE],
            "pending_voids": [row(v) for v in pending if v.settlement is Settlement.VOID],
            "refused": [
                row(v) | {"refused": v.refused} for v in self.journal.refused_settlements()
            ],
            "awaiting_count": [
                row(v) | {"expect_count": v.expect_count, "ledger_told": v.count_told}
                for v in self.journal.awaiting_count()
            ],
        }

    def settle_all(self) -> int:
        """One pass over the queue. Returns how many vends are still unacknowledged (a vend
        awaiting a count counts while the ledger has not heard that it must keep the hold; a
        lot restock counts until the ledger has recorded it, kiosk/core/lot_reports.py)."""
        for vend in self.journal.pending_settlements():
            self.settle(vend)
        untold = [v for v in self.journal.awaiting_count() if not v.count_told]
        for vend in untold:
            self.tell_awaiting(vend)
        untold = [v for v in self.journal.awaiting_count() if not v.count_told]
        with self._lock:
            lots_waiting = lot_reports.send_all(self.journal, self.ledger)
        return len(self.journal.pending_settlements()) + len(untold) + lots_waiting

    def _capture(self, vend: VendRecord) -> VendRecord:
        if vend.hold is None:
            # A capture is only decided after the hold was recorded; anything else is a bug.
            raise LedgerError("no_hold", f"vend {vend.id} was decided for capture without a hold")
        try:
            if vend.lot is None:
                self.ledger.capture(vend.hold, key=vend.capture_key)
            else:  # the lot the item came from: the ledger records its hand-out
                self.ledger.capture(vend.hold, key=vend.capture_key, lot=vend.lot)
        except LedgerUnreachable:
            raise
        except LedgerError as e:
            return self._refused(vend, Settlement.CAPTURE, e)
        return self.journal.advance(vend.id, VendStep.CAPTURED)

    def _refused(self, vend: VendRecord, what: Settlement, e: LedgerError) -> VendRecord:
        if not e.final:
            # The first request is still in flight on the ledger: the queue tries again.
            self.journal.note_attempt(vend.id, f"{e.code}: {e.message}")
            return self.journal.get(vend.id)
        # Refused for good (e.g. the hold expired): flagged for staff, never retried forever.
        log.error("ledger refused %s of vend %s for good: %s", what, vend.id, e)
        self.journal.refuse(vend.id, e.code)
        return self.journal.get(vend.id)

    def _void(self, vend: VendRecord) -> VendRecord:
        hold = vend.hold
        if hold is None:
            # The hold's answer was lost (or it never reached the ledger). Replaying the same
            # request with the same key returns the stored hold if there is one.
            try:
                hold = self.ledger.hold(
                    vend.session, vend.sku, vend.locker, vend.price, key=vend.key
                ).hold
            except LedgerUnreachable:
                raise
            except LedgerError as e:
                if e.code in _NO_HOLD_CODES:
                    return self.journal.advance(
                        vend.id, VendStep.VOIDED, detail=f"no hold: {e.code}"
                    )
                return self._refused(vend, Settlement.VOID, e)
        try:
            self.ledger.void(hold, vend.reason or "not_handed_out", key=vend.void_key)
        except LedgerUnreachable:
            raise
        except LedgerError as e:
            if e.code not in ("hold_not_open", "unknown_hold", "hold_expired"):
                return self._refused(vend, Settlement.VOID, e)
        return self.journal.advance(vend.id, VendStep.VOIDED, hold=hold)


class SettlementWorker:
    """A background thread that drains the queue, backing off while the ledger is away."""

    def __init__(self, settler: Settler, first_delay: float = 1.0, max_delay: float = 60.0) -> None:
        self.settler = settler
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="settlement", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        """Something was queued: try now rather than after the back-off."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.ident is not None:  # a kiosk whose start() failed still closes
            self._thread.join(timeout=5)

    def status(self) -> dict[str, Any]:
        return {"running": self._thread.is_alive(), **self.settler.status()}

    def _run(self) -> None:
        delay = self.first_delay
        while not self._stop.is_set():
            try:
                remaining = self.settler.settle_all()
            except Exception:  # keep the queue alive whatever one vend does; it is logged
                log.exception("settlement pass failed")
                remaining = 1
            delay = self.first_delay if remaining == 0 else min(delay * 2, self.max_delay)
            self._wake.wait(delay if remaining else self.max_delay)
            self._wake.clear()
