"""The session state machine: idle -> identifying -> browsing -> vending -> result -> idle.

Screens call the intents; each returns at once and the work runs on one worker thread, so a
touch never waits on the ledger or the lock board. Every change is published as a KioskView.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from kiosk.core.errors import LedgerError, LedgerUnreachable
from kiosk.core.interfaces import Ledger, MemberSession
from kiosk.core.inventory import Inventory
from kiosk.core.vend import VendTransaction
from kiosk.core.view import KioskView, ResultView, SessionState, VendStep, VendView, error_key

log = logging.getLogger(__name__)

Listener = Callable[[KioskView], None]


class SessionController:
    """One member session at a time, driven by the screens' intents."""

    def __init__(
        self,
        ledger: Ledger,
        inventory: Inventory,
        vends: VendTransaction,
        idle_timeout: float = 45.0,
    ) -> None:
        self.ledger = ledger
        self.inventory = inventory
        self.vends = vends
        self.idle_timeout = idle_timeout
        self._idle_timer: threading.Timer | None = None
        self._activity = 0  # bumped by every intent and view; a stale timer sees it moved on
        self._view = KioskView()
        self._session: MemberSession | None = None
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session")

    # --- observing ---------------------------------------------------------------------------

    @property
    def view(self) -> KioskView:
        return self._view

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every new view (from the worker thread) and once now."""
        self._listeners.append(listener)
        listener(self._view)

    def _publish(self, view: KioskView) -> None:
        with self._lock:
            self._view = view
            self._arm_idle_timer(view)
        log.info("view: %s%s", view.state.value, f" ({view.notice})" if view.notice else "")
        for listener in self._listeners:
            listener(view)

    def _submit(self, work: Callable[[], None]) -> Future[None]:
        def guarded() -> None:
            try:
                work()
            except Exception:
                log.exception("session work failed")
                self._publish(KioskView(notice="error.unknown"))

        return self._worker.submit(guarded)

    def close(self) -> None:
        with self._lock:
            self._activity += 1
            if self._idle_timer is not None:
                self._idle_timer.cancel()
        self._worker.shutdown(wait=True, cancel_futures=True)

    # --- inactivity: a member who walks away must not leave their coins open to the next ----

    def _arm_idle_timer(self, view: KioskView) -> None:
        """(Re)start the inactivity timer while a member's screen waits for a touch."""
        self._activity += 1
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if view.state in (SessionState.BROWSING, SessionState.RESULT) and not view.busy:
            activity = self._activity
            timer = threading.Timer(
                self.idle_timeout, lambda: self._submit(lambda: self._idle(activity))
            )
            timer.daemon = True
            timer.start()
            self._idle_timer = timer

    def _idle(self, activity: int) -> None:
        if activity == self._activity:
            log.info("no touch for %.0f s: the visit ends", self.idle_timeout)
            self._end()

    # --- intents (any thread; return at once) ------------------------------------------------

    def present_code(self, text: str) -> None:
        self._submit(lambda: self._identify(text))

    def choose(self, sku: str) -> None:
        self._touched()
        self._submit(lambda: self._vend(sku))

    def cancel(self) -> None:
        self._touched()
        self._submit(self._end)

    def finish(self) -> None:
        self._touched()
        self._submit(self._end)

    def _touched(self) -> None:
        with self._lock:
            self._arm_idle_timer(self._view)

    # --- the work (worker thread) ------------------------------------------------------------

    def _identify(self, code: str) -> None:
        if self._view.state is not SessionState.IDLE:
            log.info("code ignored: a session is already open")
            return
        self._publish(KioskView(state=SessionState.IDENTIFYING, busy=True))
        try:
            session = self.ledger.open_session(code.strip())
            catalog = self.ledger.catalog()
        except LedgerUnreachable:
            self._publish(KioskView(notice="error.ledger_unreachable"))
            return
        except LedgerError as e:
            self._publish(KioskView(notice=error_key(e.code)))
            return
        self._session = session
        self._publish(
            KioskView(
                state=SessionState.BROWSING,
                member_name=session.member.name,
                balance=session.balance,
                offers=self.inventory.offers(catalog, session.balance),
            )
        )

    def _vend(self, sku: str) -> None:
        view = self._view
        session = self._session
        if view.state is not SessionState.BROWSING or view.busy or session is None:
            log.info("choice of %s ignored in state %s", sku, view.state.value)
            return
        offer = next((o for o in view.offers if o.sku == sku), None)
        found = self.inventory.locker_for(sku)
        if offer is not None and not offer.affordable:
            self._publish(replace(view, notice="error.insufficient_funds"))
            return
        if offer is None or found is None:
            # Not offered, or its locker went out of sale since the catalog was drawn.
            self._publish(replace(view, notice="error.unknown"))
            return
        locker, count = found
        vend_view = VendView(
            sku, offer.name_zh, offer.name_en, offer.price, str(locker), VendStep.INTENT
        )
        self._publish(
            replace(view, state=SessionState.VENDING, vend=vend_view, busy=True, notice=None)
        )

        def on_step(step: VendStep) -> None:
            current = self._view
            if current.vend is not None:
                self._publish(replace(current, vend=replace(current.vend, step=step)))

        outcome = self.vends.run(
            session.session,
            session.member.id,
            sku,
            offer.price,
            locker,
            on_step,
            items_in_locker=count,
        )
        balance = outcome.balance if outcome.balance is not None else view.balance
        final = replace(
            self._view,
            state=SessionState.RESULT,
            busy=False,
            result=ResultView(outcome.handed_out, outcome.message, balance),
            balance=balance,
        )
        self._publish(final)

    def _end(self) -> None:
        if self._view.state is SessionState.VENDING:
            return  # a vend runs to its end; the result screen ends the session
        session, self._session = self._session, None
        self._publish(KioskView())
        if session is not None:
            try:
                self.ledger.end_session(session.session)
            except LedgerError as e:
                log.info("ending session failed (it will expire): %s", e)
