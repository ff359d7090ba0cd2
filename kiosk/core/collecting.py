"""您预约的物品: what a member signing in has kept here (phone reservations, and the units of a
full pool they organised, which the ledger keeps aside at their sign-in) is shown first, one
line per item, and one tap collects every unit of the line: each unit is its own vend, one
after another, through the ordinary vend transaction on its reservation's own hold
(`ClaimStep`), so the journal and recovery treat each as any vend (docs/architecture.md,
"Reservations" and "Pools collected at a kiosk").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from kiosk.core.errors import LedgerError
from kiosk.core.interfaces import CatalogItem, LockerAddress, MemberSession
from kiosk.core.pickup import ClaimStep, ReservationDesk
from kiosk.core.reserved import SET_ASIDE, Reservation
from kiosk.core.steps import VendStep
from kiosk.core.vend import VendOutcome, VendTransaction
from kiosk.core.view import (
    ItemResult,
    ReservedLine,
    ResultView,
    SessionState,
    VendView,
)
from kiosk.core.visit import Visit, member_view

log = logging.getLogger(__name__)

# A unit handed out at pick-up (its item line and, alone, the visit's message): a reservation's,
# its coins held when it was reserved; a full pool's (0 coins), paid when the pool filled.
COLLECTED = "result.collected"
COLLECTED_POOL = "result.collected_pool"

# After these, the other units of the line are not tried: the ledger or the board is away, or
# a vend is still undecided (the shopping cart stops on the same).
_STOP = (
    "error.ledger_unreachable",
    "error.unlock_failed",
    "result.unlock_unknown",
    "result.awaiting_count",
)


class Pickup:
    """The session's part for reserved items: shown first at sign-in, a line's units collected
    with one tap. Runs on the session worker."""

    def __init__(
        self,
        visit: Visit,
        desk: ReservationDesk,
        vends: VendTransaction,
        catalog: Callable[[], list[CatalogItem]],
        on_capture: Callable[[], None] | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.visit, self.desk, self.vends = visit, desk, vends
        self._catalog = catalog  # the ledger's, for the items' names
        self._on_capture = on_capture or (lambda: None)
        self._today = today

    def lines(self, member: str) -> tuple[ReservedLine, ...]:
        """One line per item and price (a pool's units, paid at its fill, are 0 coins each):
        every unit of it, oldest first, is collected by the line's one tap."""
        mine = self.desk.mine(member)
        if not mine:
            return ()
        try:
            names = {c.sku: (c.name_zh, c.name_en) for c in self._catalog()}
        except LedgerError as e:
            log.info("catalog not fetched for the reserved items' names: %s", e)
            names = {}
        groups: dict[tuple[str, int], list[Reservation]] = {}
        for r in mine:
            groups.setdefault((r.sku, r.price), []).append(r)
        out = []
        for (sku, price), units in groups.items():
            zh, en = names.get(sku, (sku, sku))
            lockers = tuple(dict.fromkeys(r.locker or "" for r in units))
            first = units[0]
            out.append(
                ReservedLine(
                    first.reservation,
                    sku,
                    zh,
                    en,
                    price,
                    first.locker or "",
                    units=tuple(r.reservation for r in units),
                    lockers=lockers,
                )
            )
        return tuple(out)

    def show(self, session: MemberSession, notice: str | None = None) -> bool:
        """Show the member's reserved items; False when they have none here."""
        lines = self.lines(session.member.id)
        if not lines:
            return False
        self.visit.publish(
            member_view(session, SessionState.RESERVED, reserved=lines, notice=notice)
        )
        return True

    def collect(self, reservation: str) -> None:
        """The tap on a line (named by its first unit): each of its units in turn."""
        view, session = self.visit.view, self.visit.session
        if view.state is not SessionState.RESERVED or view.busy or session is None:
            log.info("collect ignored in state %s", view.state.value)
            return
        line = next((x for x in view.reserved if x.reservation == reservation), None)
        if line is None:
            log.info("collect %s: not a line on the screen", reservation)
            return
        units = line.units or (line.reservation,)
        results: list[ItemResult] = []
        balance, stop = view.balance, None
        for index, unit in enumerate(units, start=1):
            kept = self.desk.journal.kept_reservation(unit)
            if kept is None or kept.member != session.member.id:
                log.info("collect %s: not this member's reservation here", unit)
                continue
            usable = kept.state == SET_ASIDE and not stop  # not refused or claimed meanwhile
            count = self._usable(kept) if usable else None
            if count is None:
                if not results and index == len(units) == 1:
                    self.show(session, "error.reserved_unavailable")
                    return
                why = "result.not_tried" if stop else "error.reserved_unavailable"
                results.append(self._item(line, kept, False, why))
                continue
            outcome = self._vend(session, line, kept, count, index, len(units))
            if outcome.balance is not None:
                balance = outcome.balance
            results.append(
                self._item(line, kept, outcome.handed_out, outcome.message, held=outcome.held)
            )
            if outcome.message in _STOP:
                stop = outcome.message
        if not results:
            return
        self.visit.publish(
            replace(
                self.visit.view,
                state=SessionState.RESULT,
                busy=False,
                vend=None,
                reserved=(),
                balance=balance,
                result=_result(results, balance),
            )
        )

    def _vend(
        self,
        session: MemberSession,
        line: ReservedLine,
        kept: Reservation,
        count: int,
        index: int,
        of: int,
    ) -> VendOutcome:
        locker = kept.locker or ""
        vend = VendView(
            line.sku, line.name_zh, line.name_en, line.price, locker, VendStep.INTENT, index, of
        )
        self.visit.publish(
            replace(self.visit.view, state=SessionState.VENDING, vend=vend, busy=True, notice=None)
        )
        outcome = self.vends.run(
            session.session,
            session.member.id,
            kept.sku,
            kept.price,
            LockerAddress.parse(locker),
            self.visit.show_step,
            items_in_locker=count,
            pickup=ClaimStep(kept.reservation, session.session, self.desk.ledger),
        )
        if outcome.handed_out:
            self._on_capture()
        refused = outcome.record.state is VendStep.VOIDED and VendStep.HELD.value not in (
            self.desk.journal.steps(outcome.record.id)
        )
        if refused:
            self.desk.journal.unclaim(kept.reservation)
        return outcome

    @staticmethod
    def _item(
        line: ReservedLine, kept: Reservation, handed_out: bool, message: str, held: bool = False
    ) -> ItemResult:
        """The unit's result. One handed out says it was collected, paid before (a pool's when
        it filled, a reservation's coins held when it was reserved), never "taken, 0 coins":
        collecting takes nothing more from the member's balance."""
        if handed_out and message == "result.taken":
            message = COLLECTED_POOL if kept.price == 0 else COLLECTED
        locker = kept.locker or ""
        return ItemResult(
            line.sku, line.name_zh, line.name_en, kept.price, locker, handed_out, message, held
        )

    def _usable(self, kept: Reservation) -> int | None:
        """How many items the reservation's locker holds, if it can be opened for it now."""
        stock = next((s for s in self.desk.journal.lockers() if s.locker == kept.locker), None)
        if stock is None or stock.sku != kept.sku or stock.count <= 0 or stock.inspect:
            return None
        if stock.best_before is not None and stock.best_before < self._today().isoformat():
            return None
        return stock.count


def _result(items: list[ItemResult], balance: int | None) -> ResultView:
    """How the collection ended: one unit speaks for itself; several say how many came out,
    and each item's line why the others did not."""
    taken = [i for i in items if i.handed_out]
    if len(items) == 1:
        message = items[0].message
    elif len(taken) == len(items):
        message = "result.taken"
    else:
        message = "result.partial" if taken else "result.none_taken"
    return ResultView(
        ok=len(taken) == len(items),
        message=message,
        balance=balance,
        items=tuple(items),
        charged=sum(i.price for i in taken),
        held=sum(i.price for i in items if i.held),
    )
