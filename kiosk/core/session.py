"""The session state machine, as the screens see it:

    idle -> identifying -> (pin_entry | pairing) -> browsing <-> confirming -> vending -> result
         -> idle;   a staff badge -> technician;   out_of_service while the kiosk cannot sell.
Screens call the intents; each returns at once and the work runs on one worker thread, so a
touch never waits on the ledger or the lock board. Every change is published as a KioskView.

The controller only routes: sign-in (signin.py), the cart and its vends (shopping.py) and the
technician's visit (servicing.py) each do one job on the visit record they share (visit.py),
and it decides how a visit ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.core.collecting import Pickup
from kiosk.core.errors import LedgerError
from kiosk.core.interfaces import Ledger, MemberSession
from kiosk.core.inventory import Inventory
from kiosk.core.pickup import ReservationDesk
from kiosk.core.servicing import SENSOR_INTERVAL_S, TechnicianVisit
from kiosk.core.settings import SessionTimeouts
from kiosk.core.shopping import Shopping
from kiosk.core.signin import STAFF_ROLES, SignIn
from kiosk.core.technician import TechnicianDesk, TechPage
from kiosk.core.vend import VendTransaction
from kiosk.core.view import KioskView, SessionState
from kiosk.core.visit import Listener, Visit
from kiosk.core.worker import SessionWorker

log = logging.getLogger(__name__)


class SessionController:
    """One visit at a time, driven by the screens' intents (MemberIntents in kiosk.core.view,
    TechnicianIntents in kiosk.core.technician). `desk` runs the technician screens' operations
    (kiosk/diag/desk.py); without one they say so."""

    def __init__(
        self,
        ledger: Ledger,
        inventory: Inventory,
        vends: VendTransaction,
        timeouts: SessionTimeouts | None = None,
        on_capture: Callable[[], None] | None = None,
        desk: TechnicianDesk | None = None,
        sensor_interval: float = SENSOR_INTERVAL_S,
        help_phone: str = "",
        reservations: ReservationDesk | None = None,
    ) -> None:
        """`reservations`: what this kiosk keeps for members' phone reservations; without it
        sign-in goes straight to the catalog."""
        self.ledger = ledger
        self.worker = SessionWorker(on_failure=self._abandon)
        self.visit = Visit(
            timeouts or SessionTimeouts(),
            lambda activity: self.worker.submit(lambda: self._timed_out(activity)),
            help_phone,
        )
        self.signin = SignIn(self.visit, ledger, self.worker, signed_in=self._signed_in)
        self.shopping = Shopping(self.visit, ledger, inventory, vends, on_capture)
        self.technician = TechnicianVisit(self.visit, self.worker, desk, sensor_interval)
        self.pickup = (
            None
            if reservations is None
            else Pickup(
                self.visit, reservations, vends, ledger.catalog, on_capture, inventory.today
            )
        )

    # --- observing ---------------------------------------------------------------------------

    @property
    def view(self) -> KioskView:
        return self.visit.view

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every new view (from the worker thread) and once now."""
        self.visit.subscribe(listener)

    def status(self) -> dict[str, object]:
        v = self.visit.view
        return {
            "state": v.state.value,
            "busy": v.busy,
            "cart": len(v.cart),
            "out_of_service": self.visit.out_of_service,
        }

    def close(self) -> None:
        self.visit.close()
        self.worker.close()

    # --- the member's intents (any thread; return at once) -----------------------------------

    def present_code(self, text: str) -> None:
        self.worker.submit(lambda: self._scanned(text))

    def enter_pin(self, pin: str) -> None:
        self._do(lambda: self.signin.enter_pin(pin))

    def pair(self) -> None:
        self._do(self.signin.pair)

    def add(self, sku: str) -> None:
        self._do(lambda: self.shopping.add(sku))

    def remove(self, sku: str) -> None:
        self._do(lambda: self.shopping.remove(sku))

    def checkout(self) -> None:
        self._do(self.shopping.checkout)

    def back(self) -> None:
        self._do(self._back)

    def confirm(self) -> None:
        self._do(self.shopping.confirm)

    def cancel(self) -> None:
        self._do(self._end)

    def finish(self) -> None:
        self._do(self._end)

    def touched(self) -> None:
        self.visit.touched()

    def collect(self, reservation: str) -> None:
        pickup = self.pickup
        if pickup is not None:
            self._do(lambda: pickup.collect(reservation))

    def shop(self) -> None:
        self._do(self._shop)

    def poll_reservations(self) -> None:
        """From the poller's thread: learn of new reservations, on the worker, between visits."""
        self.worker.submit(self._poll_reservations)
        if self.visit.view.ends_in is not None:
            self.worker.submit(self.visit.more_time)  # any touch answers "need more time?"

    def more_time(self) -> None:
        self._do(self.visit.more_time)

    def retry(self) -> None:
        self._do(self.shopping.retry)

    # --- the technician's intents (the exit is cancel()) -------------------------------------

    def tech_page(self, page: TechPage) -> None:
        self._do(lambda: self.technician.page(page))

    def tech_open(self, locker: str) -> None:
        self._do(lambda: self.technician.open(locker))

    def tech_walk(self) -> None:
        self._do(self.technician.walk)

    def tech_walk_verdict(self, verdict: str) -> None:
        self._do(lambda: self.technician.walk_verdict(verdict))

    def tech_inspected(self, locker: str) -> None:
        self._do(lambda: self.technician.inspected(locker))

    def tech_draft(
        self,
        locker: str | None = None,
        sku: str | None = None,
        count: int | None = None,
        best_before: str | None = None,
        clear_date: bool = False,
    ) -> None:
        self._do(lambda: self.technician.draft(locker, sku, count, best_before, clear_date))

    def tech_restock(self) -> None:
        self._do(self.technician.restock)

    def tech_service(self, in_service: bool, reason: str) -> None:
        self._do(lambda: self.technician.service(in_service, reason))

    def tech_self_test(self) -> None:
        self._do(self.technician.self_test)

    def tech_bundle(self) -> None:
        self._do(self.technician.bundle)

    # --- from the kiosk's own monitors (any thread) ------------------------------------------

    def set_out_of_service(self, reason: str | None) -> None:
        """`reason` is a translation key ("oos.ledger", ...), None when the kiosk can sell."""
        self.worker.submit(lambda: self._apply_out_of_service(reason))

    # --- routing (on the worker) -------------------------------------------------------------

    def _do(self, work: Callable[[], None]) -> None:
        """A touch: the member is still there; then the work, on the worker."""
        self.visit.touched()
        self.worker.submit(work)

    def _scanned(self, code: str) -> None:
        if self.visit.view.state is SessionState.TECHNICIAN:
            self.technician.scanned(code.strip())  # a barcode, while restocking
        else:
            self.signin.identify(code)

    def _signed_in(self, session: MemberSession) -> None:
        if session.member.role in STAFF_ROLES:
            self.technician.enter(session)
        elif self.visit.out_of_service is not None:
            self._reset()  # only staff may use a kiosk that is out of service
        else:
            if self.pickup is not None:
                self.pickup.desk.sync()  # a reservation made a moment ago is known at once
                if self.pickup.show(session):
                    return  # 您预约的物品 first; "shop" goes on to the catalog
            notice = self.shopping.open(session)
            if notice is not None:
                self._reset(notice)

    def _shop(self) -> None:
        session = self.visit.session
        if self.visit.view.state is not SessionState.RESERVED or session is None:
            return
        notice = self.shopping.open(session)
        if notice is not None:
            self._reset(notice)

    def _poll_reservations(self) -> None:
        idle = self.visit.view.state in (SessionState.IDLE, SessionState.OUT_OF_SERVICE)
        if self.pickup is not None and idle:
            self.pickup.desk.sync()

    def _back(self) -> None:
        state = self.visit.view.state
        if state is SessionState.CONFIRMING:
            self.shopping.show_catalog()
        elif state in (SessionState.PIN_ENTRY, SessionState.PAIRING):
            self._end()

    def _apply_out_of_service(self, reason: str | None) -> None:
        if reason == self.visit.out_of_service:
            return
        self.visit.out_of_service = reason
        log.warning("out of service: %s", reason) if reason else log.info("back in service")
        if reason is None and self.visit.view.state is not SessionState.VENDING:
            self.shopping.judge_leftovers()  # the board may answer again for a vend it left
        # A visit in progress finishes first; only the attract screen changes at once.
        if self.visit.view.state in (SessionState.IDLE, SessionState.OUT_OF_SERVICE):
            self.visit.publish(self.visit.idle_view())

    # --- ending a visit ----------------------------------------------------------------------

    def _timed_out(self, activity: int) -> None:
        if self.visit.current(activity) and not self.visit.ask_more_time():
            log.info("no touch on %s: the visit ends", self.visit.view.state.value)
            self._end()

    def _end(self, notice: str | None = None) -> None:
        state = self.visit.view.state
        if state is SessionState.TECHNICIAN:
            self.technician.leave()
        if state is SessionState.VENDING:
            return  # a vend runs to its end; the result screen ends the session
        self._reset(notice)

    def _reset(self, notice: str | None = None) -> None:
        """Back to the attract screen; the ledger session is closed whatever happened, and any
        vend a silent board left undecided is judged now that none runs."""
        session, self.visit.session = self.visit.session, None
        self.signin.forget()
        self.shopping.forget()
        self.visit.publish(self.visit.idle_view(notice))
        if session is not None:
            try:
                self.ledger.end_session(session.session)
            except LedgerError as e:
                log.info("ending the ledger session failed (it will expire): %s", e)
        self.shopping.judge_leftovers()

    def _abandon(self) -> None:
        """After an unexpected failure: settle any vend it cut short by the start-up recovery
        rules, end the visit and its ledger session, and show a notice."""
        if self.visit.view.state is SessionState.VENDING:
            self.shopping.recover_cut_short()
        try:
            self._reset("error.unknown")
        except Exception:
            log.exception("ending the visit after a failure failed too")
