"""The session state machine, as the screens see it:

    idle -> identifying -> (pin_entry | pairing) -> browsing <-> confirming -> vending -> result
         -> idle;   a staff badge -> technician;   out_of_service while the kiosk cannot sell.
Screens call the intents; each returns at once and the work runs on one worker thread, so a
touch never waits on the ledger or the lock board. Every change is published as a KioskView.
"""

from __future__ import annotations

from kiosk.core.servicing import Servicing
from kiosk.core.shopping import Shopping
from kiosk.core.signin import SignIn
from kiosk.core.technician import TechPage


class SessionController(Shopping, SignIn, Servicing):
    """One member session at a time, driven by the screens' intents (kiosk.core.view)."""

    # --- intents (any thread; return at once) ------------------------------------------------

    def present_code(self, text: str) -> None:
        self._submit(lambda: self._identify(text))

    def enter_pin(self, pin: str) -> None:
        self._touched()
        self._submit(lambda: self._enter_pin(pin))

    def pair(self) -> None:
        self._touched()
        self._submit(self._pair)

    def add(self, sku: str) -> None:
        self._touched()
        self._submit(lambda: self._add(sku))

    def remove(self, sku: str) -> None:
        self._touched()
        self._submit(lambda: self._remove(sku))

    def checkout(self) -> None:
        self._touched()
        self._submit(self._checkout)

    def back(self) -> None:
        self._touched()
        self._submit(self._back)

    def confirm(self) -> None:
        self._touched()
        self._submit(self._confirm)

    def cancel(self) -> None:
        self._touched()
        self._submit(self._end)

    def finish(self) -> None:
        self._touched()
        self._submit(self._end)

    def touched(self) -> None:
        self._touched()

    # --- technician intents (kiosk.core.view.KioskIntents; the exit is cancel()) -------------

    def tech_page(self, page: TechPage) -> None:
        self._touched()
        self._submit(lambda: self._tech_page(page))

    def tech_open(self, locker: str) -> None:
        self._touched()
        self._submit(lambda: self._tech_open(locker))

    def tech_walk(self) -> None:
        self._touched()
        self._submit(self._tech_walk)

    def tech_walk_verdict(self, verdict: str) -> None:
        self._touched()
        self._submit(lambda: self._tech_walk_verdict(verdict))

    def tech_draft(
        self,
        locker: str | None = None,
        sku: str | None = None,
        count: int | None = None,
        best_before: str | None = None,
        clear_date: bool = False,
    ) -> None:
        self._touched()
        self._submit(lambda: self._tech_draft(locker, sku, count, best_before, clear_date))

    def tech_restock(self) -> None:
        self._touched()
        self._submit(self._tech_restock)

    def tech_service(self, in_service: bool, reason: str) -> None:
        self._touched()
        self._submit(lambda: self._tech_service(in_service, reason))

    def tech_self_test(self) -> None:
        self._touched()
        self._submit(self._tech_self_test)

    def tech_bundle(self) -> None:
        self._touched()
        self._submit(self._tech_bundle)

    # --- from the kiosk's own monitors (any thread) ------------------------------------------

    def set_out_of_service(self, reason: str | None) -> None:
        """`reason` is a translation key ("oos.ledger", ...), None when the kiosk can sell."""
        self._submit(lambda: self._apply_out_of_service(reason))
