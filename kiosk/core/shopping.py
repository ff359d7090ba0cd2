"""The cart and its vend: add and remove items, confirm the total, then vend each item as its own
hold, locker and journal record. A failing item voids only itself. Between visits it also judges
any vend a silent board left undecided.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from kiosk.core.errors import LedgerError, LedgerUnreachable, LockBoardError
from kiosk.core.interfaces import CatalogItem, Ledger, LockerAddress, LockState, MemberSession
from kiosk.core.inventory import Inventory
from kiosk.core.recovery import judge_unfinished, recover
from kiosk.core.steps import VendStep
from kiosk.core.vend import VendTransaction
from kiosk.core.view import (
    MAX_CART,
    CartLine,
    ItemResult,
    ResultView,
    SessionState,
    VendView,
)
from kiosk.core.visit import Visit, member_view

log = logging.getLogger(__name__)

# Outcomes after which the next items would fail the same way: they are not tried.
_STOP_CART = (
    "error.ledger_unreachable",
    "error.unlock_failed",
    "result.unlock_unknown",
    "result.awaiting_count",
)


class Shopping:
    """The shopping steps; each runs on the session worker. `on_capture` is told of every item
    handed out (the kiosk then reports its stock)."""

    def __init__(
        self,
        visit: Visit,
        ledger: Ledger,
        inventory: Inventory,
        vends: VendTransaction,
        on_capture: Callable[[], None] | None = None,
    ) -> None:
        self.visit = visit
        self.ledger = ledger
        self.inventory = inventory
        self.vends = vends
        self._on_capture = on_capture or (lambda: None)
        self._catalog: list[CatalogItem] = []
        self._cart: list[CartLine] = []
        self._hooks_open: dict[str, LockState] = {}  # lockers whose hook read open at checkout

    def forget(self) -> None:
        """The visit ended: its catalog and cart go with it."""
        self._catalog, self._cart, self._hooks_open = [], [], {}

    def open(self, session: MemberSession) -> str | None:
        """Show a member just signed in the catalog; the notice to end the visit with when the
        ledger cannot give it."""
        try:
            self._catalog = self.ledger.catalog()
        except LedgerError as e:
            return (
                "error.ledger_unreachable" if isinstance(e, LedgerUnreachable) else "error.unknown"
            )
        self._cart = []
        self.show_catalog()
        return None

    def show_catalog(self, notice: str | None = None) -> None:
        session = self.visit.session
        if session is None:
            return
        offers = self.inventory.offers(self._catalog, session.balance, self._cart)
        self.visit.publish(
            member_view(
                session, SessionState.BROWSING, offers=offers, cart=tuple(self._cart), notice=notice
            )
        )

    def _browsing(self, what: str) -> bool:
        if self.visit.view.state is SessionState.BROWSING and not self.visit.view.busy:
            return True
        log.info("%s ignored in state %s", what, self.visit.view.state.value)
        return False

    def add(self, sku: str) -> None:
        if not self._browsing(f"add {sku}"):
            return
        offers = self.inventory.offers(self._catalog, self.visit.view.balance or 0, self._cart)
        offer = next((o for o in offers if o.sku == sku), None)
        if len(self._cart) >= MAX_CART:
            self.show_catalog("error.cart_full")
        elif offer is None or offer.stock <= 0:
            self.show_catalog("error.sold_out")
        elif not offer.affordable:
            self.show_catalog("error.insufficient_funds")
        else:
            self._cart.append(CartLine(offer.sku, offer.name_zh, offer.name_en, offer.price))
            self.show_catalog()

    def remove(self, sku: str) -> None:
        if self.visit.view.state not in (SessionState.BROWSING, SessionState.CONFIRMING):
            log.info("remove %s ignored in state %s", sku, self.visit.view.state.value)
            return
        for i in range(len(self._cart) - 1, -1, -1):
            if self._cart[i].sku == sku:
                del self._cart[i]
                break
        if self.visit.view.state is SessionState.CONFIRMING and self._cart:
            self._cart = self.inventory.plan(self._cart)
            self.visit.publish(replace(self.visit.view, cart=tuple(self._cart), notice=None))
        else:
            self.show_catalog()

    def checkout(self) -> None:
        if not self._browsing("checkout"):
            return
        if not self._cart:
            self.show_catalog()
            return
        self._cart = self.inventory.plan(self._cart)
        self._read_hooks()
        self.visit.publish(
            replace(
                self.visit.view, state=SessionState.CONFIRMING, cart=tuple(self._cart), notice=None
            )
        )

    def _read_hooks(self) -> None:
        """Read the lockers the cart may open, before any hold: a hook that reads open while
        its door should be shut is a suspect sensor, which the vend then does not trust
        (VendTransaction.run's `before`). Read here, not between the hold and the unlock, so
        the way from "confirm" to the open door does not wait for it."""
        skus = {line.sku for line in self._cart}
        self._hooks_open = {}
        for stock in self.inventory.sellable():
            if stock.sku not in skus:
                continue
            try:
                state = self.vends.board.read(LockerAddress.parse(stock.locker))
            except LockBoardError as e:
                log.warning("reading %s before the vend failed: %s", stock.locker, e)
                continue
            if state.hook_open:
                self._hooks_open[stock.locker] = state

    def retry(self) -> None:
        """The items a jammed locker did not hand out, back in the cart to confirm again: each
        comes from another locker now (the jammed one is out of sale)."""
        view = self.visit.view
        if view.state is not SessionState.RESULT or view.result is None or not view.result.retry:
            log.info("retry ignored in state %s", view.state.value)
            return
        self._cart = self.inventory.plan(list(view.result.retry))
        self._read_hooks()
        self.visit.publish(
            replace(
                view,
                state=SessionState.CONFIRMING,
                cart=tuple(self._cart),
                result=None,
                notice=None,
            )
        )

    # --- vending the cart --------------------------------------------------------------------

    def confirm(self) -> None:
        view, session = self.visit.view, self.visit.session
        if view.state is not SessionState.CONFIRMING or view.busy or session is None:
            log.info("confirm ignored in state %s", view.state.value)
            return
        cart, balance = list(self._cart), view.balance
        results: list[ItemResult] = []
        jammed: list[CartLine] = []
        stop: str | None = None
        for index, line in enumerate(cart, start=1):
            if stop is not None:
                results.append(self._item(line, "", False, "result.not_tried"))
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
                charge_on_open=self.inventory.charges_on_open(str(locker), count),
            )
            self.visit.publish(
                replace(
                    self.visit.view, state=SessionState.VENDING, vend=vend, busy=True, notice=None
                )
            )

            outcome = self.vends.run(
                session.session,
                session.member.id,
                line.sku,
                line.price,
                locker,
                self.visit.show_step,
                items_in_locker=count,
                before=self._hooks_open.get(str(locker)),
            )
            if outcome.balance is not None:
                balance = outcome.balance
            if outcome.handed_out:
                self._on_capture()
            results.append(
                self._item(line, str(locker), outcome.handed_out, outcome.message, outcome.held)
            )
            if outcome.jammed:
                jammed.append(line)
            if outcome.message in _STOP_CART:
                stop = outcome.message
        self._cart = []
        self.visit.publish(
            replace(
                self.visit.view,
                state=SessionState.RESULT,
                busy=False,
                cart=(),
                vend=None,
                balance=balance,
                result=_result(results, balance, self._elsewhere(jammed)),
            )
        )

    def _elsewhere(self, jammed: list[CartLine]) -> tuple[tuple[CartLine, ...], str]:
        """Of the items jammed lockers kept, those another locker holds now, and its name."""
        lines, first = [], ""
        for line, planned in zip(jammed, self.inventory.plan(jammed), strict=True):
            found = self.inventory.locker_for(line.sku)
            if found is not None:
                lines.append(planned)
                first = first or str(found[0])
        return tuple(lines), first

    # --- between visits ----------------------------------------------------------------------

    def judge_leftovers(self) -> None:
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

    def recover_cut_short(self) -> None:
        """After an unexpected failure mid-vend: settle the vend it cut short by the start-up
        recovery rules."""
        try:
            report = recover(self.vends.journal, self.vends.board, self.vends.settler)
            log.warning("vend cut short by a failure, recovered: %s", report)
        except Exception:
            log.exception("recovering the vend cut short failed; start-up recovery will")

    @staticmethod
    def _item(
        line: CartLine, locker: str, handed_out: bool, message: str, held: bool = False
    ) -> ItemResult:
        return ItemResult(
            line.sku, line.name_zh, line.name_en, line.price, locker, handed_out, message, held
        )


def _result(
    items: list[ItemResult], balance: int | None, elsewhere: tuple[tuple[CartLine, ...], str]
) -> ResultView:
    """The visit's result. Its message speaks for the whole visit, so it never says "no coins
    taken" while an item was charged or its coins are still held: the item's own reason only
    for a cart of one; for several, the items' lines say why each was not handed out."""
    taken = [i for i in items if i.handed_out]
    held = [i for i in items if i.held]
    if len(taken) == len(items):
        message = "result.taken"
    elif taken:
        message = "result.partial"
    elif len(items) > 1:
        message = "result.none_taken"  # each item's line says why, and what became of its coins
    else:
        message = items[0].message
    retry, alternative = elsewhere
    return ResultView(
        ok=len(taken) == len(items),
        message=message,
        balance=balance,
        items=tuple(items),
        charged=sum(i.price for i in taken),
        held=sum(i.price for i in held),
        retry=retry,
        alternative=alternative,
    )
