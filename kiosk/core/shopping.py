"""The cart and its vend: add and remove items, confirm the total, then vend each item as its own
hold, locker and journal record. A failing item voids only itself.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.core.engine import SessionEngine
from kiosk.core.view import (
    MAX_CART,
    CartLine,
    ItemResult,
    KioskView,
    ResultView,
    SessionState,
    VendStep,
    VendView,
)

log = logging.getLogger(__name__)

# Outcomes after which the next items would fail the same way: they are not tried.
_STOP_CART = ("error.ledger_unreachable", "error.unlock_failed", "result.awaiting_count")


class Shopping(SessionEngine):
    """The shopping steps; each runs on the worker thread."""

    def _show_catalog(self, notice: str | None = None) -> None:
        session = self._session
        if session is None:
            return
        self._publish(
            KioskView(
                state=SessionState.BROWSING,
                member_name=session.member.name,
                member_role=session.member.role,
                balance=session.balance,
                offers=self.inventory.offers(self._catalog, session.balance, self._cart),
                cart=tuple(self._cart),
                notice=notice,
            )
        )

    def _browsing(self, what: str) -> bool:
        if self._view.state is SessionState.BROWSING and not self._view.busy:
            return True
        log.info("%s ignored in state %s", what, self._view.state.value)
        return False

    def _add(self, sku: str) -> None:
        if not self._browsing(f"add {sku}"):
            return
        offers = self.inventory.offers(self._catalog, self._view.balance or 0, self._cart)
        offer = next((o for o in offers if o.sku == sku), None)
        if len(self._cart) >= MAX_CART:
            self._show_catalog("error.cart_full")
        elif offer is None or offer.stock <= 0:
            self._show_catalog("error.sold_out")
        elif not offer.affordable:
            self._show_catalog("error.insufficient_funds")
        else:
            self._cart.append(CartLine(offer.sku, offer.name_zh, offer.name_en, offer.price))
            self._show_catalog()

    def _remove(self, sku: str) -> None:
        if self._view.state not in (SessionState.BROWSING, SessionState.CONFIRMING):
            log.info("remove %s ignored in state %s", sku, self._view.state.value)
            return
        for i in range(len(self._cart) - 1, -1, -1):
            if self._cart[i].sku == sku:
                del self._cart[i]
                break
        if self._view.state is SessionState.CONFIRMING and self._cart:
            self._publish(replace(self._view, cart=tuple(self._cart), notice=None))
        else:
            self._show_catalog()

    def _checkout(self) -> None:
        if not self._browsing("checkout"):
            return
        if not self._cart:
            self._show_catalog()
            return
        self._publish(replace(self._view, state=SessionState.CONFIRMING, notice=None))

    def _back(self) -> None:
        state = self._view.state
        if state is SessionState.CONFIRMING:
            self._show_catalog()
        elif state in (SessionState.PIN_ENTRY, SessionState.PAIRING):
            self._end()

    # --- vending the cart --------------------------------------------------------------------

    def _confirm(self) -> None:
        view, session = self._view, self._session
        if view.state is not SessionState.CONFIRMING or view.busy or session is None:
            log.info("confirm ignored in state %s", view.state.value)
            return
        cart, balance = list(self._cart), view.balance
        results: list[ItemResult] = []
        stop: str | None = None
        for index, line in enumerate(cart, start=1):
            if stop is not None:
                results.append(self._item(line, "", False, stop))
                continue
            found = self.inventory.locker_for(line.sku)
            if found is None:  # the last one went to an earlier line, or its locker was flagged
                results.append(self._item(line, "", False, "error.sold_out"))
                continue
            locker, count = found
            vend = VendView(
                line.sku,
                line.name_zh,
                line.name_en,
                line.price,
                str(locker),
                VendStep.INTENT,
                index=index,
                of=len(cart),
            )
            self._publish(
                replace(self._view, state=SessionState.VENDING, vend=vend, busy=True, notice=None)
            )

            def on_step(step: VendStep) -> None:
                current = self._view
                if current.vend is not None:
                    self._publish(replace(current, vend=replace(current.vend, step=step)))

            outcome = self.vends.run(
                session.session,
                session.member.id,
                line.sku,
                line.price,
                locker,
                on_step,
                items_in_locker=count,
            )
            if outcome.balance is not None:
                balance = outcome.balance
            if outcome.handed_out:
                self._on_capture()
            results.append(self._item(line, str(locker), outcome.handed_out, outcome.message))
            if outcome.message in _STOP_CART:
                stop = outcome.message
        self._cart = []
        self._publish(
            replace(
                self._view,
                state=SessionState.RESULT,
                busy=False,
                cart=(),
                vend=None,
                balance=balance,
                result=_result(results, balance),
            )
        )

    @staticmethod
    def _item(line: CartLine, locker: str, handed_out: bool, message: str) -> ItemResult:
        return ItemResult(
            line.sku, line.name_zh, line.name_en, line.price, locker, handed_out, message
        )


def _result(items: list[ItemResult], balance: int | None) -> ResultView:
    taken = [i for i in items if i.handed_out]
    if len(taken) == len(items):
        message = "result.taken"
    elif not taken:
        message = items[0].message
    else:
        message = "result.partial"
    return ResultView(
        ok=len(taken) == len(items), message=message, balance=balance, items=tuple(items)
    )
