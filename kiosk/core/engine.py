"""The session engine's plumbing: one worker thread, published views, screen timeouts, and
the way every visit ends (the ledger session is closed whatever happened).

The sign-in and shopping steps (signin.py, shopping.py) build on it; session.py joins them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from kiosk.core.deadline import Deadline
from kiosk.core.errors import LedgerError
from kiosk.core.interfaces import CatalogItem, Ledger, MemberSession, Pairing
from kiosk.core.inventory import Inventory
from kiosk.core.recovery import judge_unfinished, recover
from kiosk.core.settings import SessionTimeouts
from kiosk.core.technician import TechnicianDesk
from kiosk.core.vend import VendTransaction
from kiosk.core.view import CartLine, KioskView, SessionState

log = logging.getLogger(__name__)

Listener = Callable[[KioskView], None]

_IDLE_SCREENS = (SessionState.BROWSING, SessionState.CONFIRMING, SessionState.RESULT)


class SessionEngine:
    """State shared by the session steps, and the one place views are published."""

    def __init__(
        self,
        ledger: Ledger,
        inventory: Inventory,
        vends: VendTransaction,
        timeouts: SessionTimeouts | None = None,
        on_capture: Callable[[], None] | None = None,
        desk: TechnicianDesk | None = None,
    ) -> None:
        self.ledger = ledger
        self.inventory = inventory
        self.vends = vends
        self.timeouts = timeouts or SessionTimeouts()
        self._on_capture = on_capture or (lambda: None)
        self._view = KioskView()
        self._session: MemberSession | None = None
        self._catalog: list[CatalogItem] = []
        self._cart: list[CartLine] = []
        self._card: str | None = None  # a printed card's code, waiting for its PIN
        self._pairing: Pairing | None = None
        self._out_of_service: str | None = None  # why, as a translation key
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self._activity = 0  # bumped by every intent and view; a stale timeout sees it moved on
        self._timeout = Deadline(
            lambda activity: self._submit(lambda: self._timed_out(activity)), "session-timeout"
        )
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session")
        self._closed = False
        self.desk = desk  # the technician screens' operations (kiosk/diag/desk.py); app.py sets it
        self._sensor_round = 0  # bumped to stop the technician's live sensor reads

    # --- observing ---------------------------------------------------------------------------

    @property
    def view(self) -> KioskView:
        return self._view

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every new view (from the worker thread) and once now."""
        self._listeners.append(listener)
        listener(self._view)

    def status(self) -> dict[str, object]:
        v = self._view
        return {
            "state": v.state.value,
            "busy": v.busy,
            "cart": len(v.cart),
            "out_of_service": self._out_of_service,
        }

    def _publish(self, view: KioskView) -> None:
        with self._lock:
            self._view = view
            self._arm_timer(view)
        log.info("view: %s%s", view.state.value, f" ({view.notice})" if view.notice else "")
        for listener in self._listeners:
            listener(view)

    def _refresh(self, view: KioskView) -> None:
        """Publish a view that is not the member's doing (a live sensor read): the inactivity
        timer keeps running."""
        with self._lock:
            self._view = view
        for listener in self._listeners:
            listener(view)

    def _submit(self, work: Callable[[], None]) -> Future[None] | None:
        def guarded() -> None:
            try:
                work()
            except Exception:
                log.exception("session work failed; the visit ends")
                self._abandon()

        with self._lock:
            if self._closed:
                return None
            return self._worker.submit(guarded)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._activity += 1
        self._timeout.close()  # outside our lock: its thread may be waiting for it in _submit
        self._worker.shutdown(wait=True, cancel_futures=True)

    # --- timeouts: a member who walks away must not leave their coins open to the next -------

    def _timeout_for(self, view: KioskView) -> float | None:
        if view.busy:
            return None
        if view.state in _IDLE_SCREENS:
            return self.timeouts.idle
        return {
            SessionState.PIN_ENTRY: self.timeouts.pin,
            SessionState.PAIRING: self.timeouts.pairing,
            SessionState.TECHNICIAN: self.timeouts.technician,
        }.get(view.state)

    def _arm_timer(self, view: KioskView) -> None:
        """(Re)start the inactivity timer for the screen now showing."""
        self._activity += 1
        self._timeout.arm(None if self._closed else self._timeout_for(view), self._activity)

    def _touched(self) -> None:
        with self._lock:
            self._arm_timer(self._view)

    def _timed_out(self, activity: int) -> None:
        if activity == self._activity:
            log.info("no touch on %s: the visit ends", self._view.state.value)
            self._end()

    # --- out of service ----------------------------------------------------------------------

    def _idle_view(self, notice: str | None = None) -> KioskView:
        if self._out_of_service is not None:
            return KioskView(
                state=SessionState.OUT_OF_SERVICE,
                out_of_service=self._out_of_service,
                notice=notice,
            )
        return KioskView(notice=notice)

    def _apply_out_of_service(self, reason: str | None) -> None:
        if reason == self._out_of_service:
            return
        self._out_of_service = reason
        log.warning("out of service: %s", reason) if reason else log.info("back in service")
        if reason is None and self._view.state is not SessionState.VENDING:
            self._judge_leftovers()  # the board may answer again for a vend it left undecided
        # A visit in progress finishes first; only the attract screen changes at once.
        if self._view.state in (SessionState.IDLE, SessionState.OUT_OF_SERVICE):
            self._publish(self._idle_view())

    def _show_catalog(self, notice: str | None = None) -> None:
        raise NotImplementedError  # shopping.py draws the catalog

    def _enter_technician(self, session: MemberSession) -> None:
        raise NotImplementedError  # servicing.py runs the technician screens

    def _tech_scanned(self, code: str) -> None:
        raise NotImplementedError  # servicing.py: a barcode scanned while restocking

    # --- ending a visit ----------------------------------------------------------------------

    def _end(self, notice: str | None = None) -> None:
        if self._view.state is SessionState.VENDING:
            return  # a vend runs to its end; the result screen ends the session
        self._reset(notice)

    def _reset(self, notice: str | None = None) -> None:
        session, self._session = self._session, None
        self._cart, self._card, self._pairing, self._catalog = [], None, None, []
        self._publish(self._idle_view(notice))
        if session is not None:
            try:
                self.ledger.end_session(session.session)
            except LedgerError as e:
                log.info("ending the ledger session failed (it will expire): %s", e)
        self._judge_leftovers()

    def _judge_leftovers(self) -> None:
        """A vend the board went silent on during its unlock stays in `unlocking`, its hold
        open: nobody could tell whether the lock moved. Between visits (this is the session
        thread, so no vend is running) judge it by the start-up rules once the board answers,
        and send the verdict, rather than wait for a restart: a hold left to lapse on the
        ledger would be an item handed out and never charged."""
        journal = self.vends.journal
        try:
            if all(v.settlement is not None or v.awaiting_count for v in journal.unfinished()):
                return
            decided, undecided = judge_unfinished(journal, self.vends.board)
            for vend_id in decided:
                self.vends.settler.settle(journal.get(vend_id))
            for vend in journal.awaiting_count():
                self.vends.settler.tell_awaiting(vend)
        except Exception:
            log.exception("judging vends left undecided failed; the next visit's end retries")
            return
        if decided or undecided:
            log.warning("vends left undecided: judged %s, still undecided %s", decided, undecided)

    def _abandon(self) -> None:
        """After an unexpected failure: settle any vend it cut short by the start-up recovery
        rules, end the visit and its ledger session, and show a notice."""
        if self._view.state is SessionState.VENDING:
            try:
                report = recover(self.vends.journal, self.vends.board, self.vends.settler)
                log.warning("vend cut short by a failure, recovered: %s", report)
            except Exception:
                log.exception("recovering the vend cut short failed; start-up recovery will")
        try:
            self._reset("error.unknown")
        except Exception:
            log.exception("ending the visit after a failure failed too")
