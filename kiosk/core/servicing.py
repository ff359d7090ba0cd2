"""The technician's visit (TECHNICIAN): each intent runs a TechnicianDesk operation on the session
worker and publishes a TechnicianView, so the touchscreen never waits on the board or ledger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from kiosk.core import lock_walk
from kiosk.core.errors import KioskError
from kiosk.core.interfaces import MemberSession
from kiosk.core.lots import LotCodeError, parse_lot
from kiosk.core.technician import (
    MAX_COUNT,
    RestockDraft,
    TechnicianDesk,
    TechnicianView,
    TechPage,
)
from kiosk.core.view import KioskView, SessionState
from kiosk.core.visit import Visit
from kiosk.core.worker import SessionWorker

log = logging.getLogger(__name__)

SENSOR_INTERVAL_S = 1.0  # live sensor reads while the lock page is open
TechStep = Callable[[TechnicianDesk, TechnicianView, str], TechnicianView]  # (desk, view, actor)


class TechnicianVisit:
    """The technician steps; each runs on the session worker. Without a desk (a kiosk built
    without its technician tools) the screens say so and do nothing."""

    def __init__(
        self,
        visit: Visit,
        worker: SessionWorker,
        desk: TechnicianDesk | None,
        sensor_interval: float = SENSOR_INTERVAL_S,
    ) -> None:
        self.visit = visit
        self.worker = worker
        self.desk = desk
        self.sensor_interval = sensor_interval
        self._sensor_round = 0  # bumped to stop the live sensor reads

    # --- entering and leaving ----------------------------------------------------------------

    def enter(self, session: MemberSession) -> None:
        log.info("staff badge of %s: technician mode", session.member.id)
        self._show(TechnicianView(), busy=True, base=_base(session))
        if self.desk is None:
            self._show(TechnicianView(message="tech.no_desk", ok=False))
            return
        self.desk.note(session.member.id, "enter")
        items = tuple(self.desk.catalog_items())
        self._show(
            TechnicianView(
                checks=tuple(self.desk.checks()),
                service=self.desk.service_state(),
                skus=tuple(sku for sku, _zh, _en in items),
                sku_names=items,
            )
        )

    def leave(self) -> None:
        """The technician screens close: the live sensor reads stop, the exit is noted."""
        self._sensor_round += 1
        if self.desk is not None and self.visit.session is not None:
            self.desk.note(self.visit.session.member.id, "exit")

    # --- pages -------------------------------------------------------------------------------

    def page(self, page: TechPage) -> None:
        tv = self._current("page")
        if tv is None or self.desk is None or tv.walk is not None:
            return
        self._show(replace(tv, page=page, message=None, detail=""), busy=True)
        tv = replace(tv, page=page, message=None, detail="")
        if page is TechPage.HEALTH:
            tv = replace(tv, checks=tuple(self.desk.checks()))
        elif page in (TechPage.LOCKS, TechPage.RESTOCK):
            tv = replace(tv, lockers=tuple(self.desk.lockers()))
            if not tv.draft.locker and tv.lockers:
                tv = replace(tv, draft=_draft_for(tv, tv.lockers[0].locker))
        elif page is TechPage.SERVICE:
            tv = replace(tv, service=self.desk.service_state())
        self._show(tv)
        if page is TechPage.LOCKS:
            self._sensor_round += 1
            self._schedule_sensors(self._sensor_round)

    def _schedule_sensors(self, round_: int) -> None:
        timer = threading.Timer(
            self.sensor_interval, lambda: self.worker.submit(lambda: self._sensors(round_))
        )
        timer.daemon = True
        timer.start()

    def _sensors(self, round_: int) -> None:
        tv = self.visit.view.technician
        if round_ != self._sensor_round or tv is None or tv.page is not TechPage.LOCKS:
            return
        if self.visit.view.state is not SessionState.TECHNICIAN or self.desk is None:
            return
        if not self.visit.view.busy:
            # A sensor read is not a touch: the inactivity timer keeps running.
            self.visit.refresh(
                replace(self.visit.view, technician=replace(tv, lockers=tuple(self.desk.lockers())))
            )
        self._schedule_sensors(round_)

    # --- lock test (kiosk/core/lock_walk.py) ------------------------------------------------

    def open(self, locker: str) -> None:
        self._do("open", lambda desk, tv, actor: lock_walk.open_one(desk, tv, actor, locker))

    def walk(self) -> None:
        self._do("walk", lock_walk.start_walk)

    def walk_verdict(self, verdict: str) -> None:
        self._do(
            "walk verdict", lambda desk, tv, actor: lock_walk.walk_verdict(desk, tv, actor, verdict)
        )

    def inspected(self, locker: str) -> None:
        self._do("inspected", lambda desk, tv, actor: lock_walk.inspected(desk, tv, actor, locker))

    # --- restock -----------------------------------------------------------------------------

    def draft(
        self,
        locker: str | None,
        sku: str | None,
        count: int | None,
        best_before: str | None,
        clear_date: bool,
    ) -> None:
        tv = self._current("draft")
        if tv is None:
            return
        d = tv.draft
        if locker is not None and locker != d.locker:
            d = _draft_for(tv, locker)
        if d.lot and (
            (sku is not None and sku != d.sku)
            or clear_date
            or (best_before is not None and best_before != d.best_before)
        ):
            d = replace(d, lot="", lot_name="")  # a hand-entered SKU or date: no longer the lot
        d = replace(
            d,
            sku=d.sku if sku is None else sku,
            count=d.count if count is None else max(0, min(MAX_COUNT, count)),
            best_before=None if clear_date else (best_before or d.best_before),
        )
        line = next((x for x in tv.lockers if x.locker == d.locker), None)
        if line is not None and line.awaiting_vend is not None:
            # A vend there awaits this locker's count: say so until it is recorded.
            self._show(
                replace(tv, draft=d, message="tech.awaiting_count", detail=d.locker, ok=False)
            )
            return
        self._show(replace(tv, draft=d, message=None, detail=""))

    def scanned(self, code: str) -> None:
        tv = self.visit.view.technician
        if tv is None or tv.page is not TechPage.RESTOCK:
            log.info("a code was scanned on the technician screens: ignored")
            return
        try:
            lot = parse_lot(code)
        except LotCodeError as e:
            self._show(replace(tv, message="tech.lot_malformed", detail=str(e), ok=False))
            return
        if lot is not None:
            self._do("lot scan", lambda desk, tv, _actor: _lot_scanned(desk, tv, lot))
            return
        if code in tv.skus:
            self._show(
                replace(
                    tv,
                    draft=replace(tv.draft, sku=code),
                    message="tech.sku_scanned",
                    detail=code,
                    ok=True,
                )
            )
        else:
            self._show(replace(tv, message="tech.sku_unknown", detail=code[:40], ok=False))

    def restock(self) -> None:
        def work(desk: TechnicianDesk, tv: TechnicianView, actor: str) -> TechnicianView:
            line = next((x for x in tv.lockers if x.locker == tv.draft.locker), None)
            if line is not None and line.awaiting_vend is not None:
                # The count comes first: it settles the vend the sensors could not decide.
                taken = desk.count(tv.draft.locker, tv.draft.count, actor)
                return replace(
                    tv,
                    lockers=tuple(desk.lockers()),
                    message="tech.counted_taken" if taken else "tech.counted_not_taken",
                    detail=tv.draft.locker,
                    ok=True,
                )
            reported = desk.restock(tv.draft, actor)
            return replace(
                tv,
                lockers=tuple(desk.lockers()),
                message="tech.restocked" if reported else "tech.restocked_offline",
                detail=tv.draft.locker,
                ok=True,
            )

        self._do("restock", work)

    # --- service, self-test, bundle ----------------------------------------------------------

    def service(self, in_service: bool, reason: str) -> None:
        def work(desk: TechnicianDesk, tv: TechnicianView, actor: str) -> TechnicianView:
            state = desk.set_service(in_service, reason, actor)
            key = "tech.in_service" if state.in_service else "tech.out_of_service"
            return replace(tv, service=state, message=key, detail="", ok=True)

        self._do("service", work)

    def self_test(self) -> None:
        def work(desk: TechnicianDesk, tv: TechnicianView, actor: str) -> TechnicianView:
            report = desk.self_test(actor)
            return replace(
                tv,
                self_test=report,
                checks=report.checks,
                message=f"tech.self_test_{report.status}",
                detail="",
                ok=report.status != "fail",
            )

        self._do("self-test", work)

    def bundle(self) -> None:
        def work(desk: TechnicianDesk, tv: TechnicianView, actor: str) -> TechnicianView:
            path = desk.write_bundle(actor)
            return replace(tv, message="tech.bundle_written", detail=path, ok=True)

        self._do("bundle", work)

    # --- plumbing ----------------------------------------------------------------------------

    def _current(self, what: str) -> TechnicianView | None:
        """The technician view when `what` may act now (technician screens, not busy)."""
        v = self.visit.view
        if v.state is not SessionState.TECHNICIAN or v.technician is None or v.busy:
            log.info("technician %s in state %s: ignored", what, v.state.value)
            return None
        return v.technician

    def _do(self, what: str, work: TechStep) -> None:
        tv = self._current(what)
        session = self.visit.session
        if tv is None or self.desk is None or session is None:
            return
        self._show(replace(tv, message=None, detail=""), busy=True)
        try:
            tv = work(self.desk, tv, session.member.id)
        except KioskError as e:
            log.warning("technician %s refused: %s", what, e)
            tv = replace(tv, message="tech.failed", detail=str(e), ok=False)
        self._show(tv)

    def _show(self, tv: TechnicianView, busy: bool = False, base: KioskView | None = None) -> None:
        base = base or self.visit.view
        self.visit.publish(replace(base, technician=tv, busy=busy))


def _base(session: MemberSession) -> KioskView:
    return KioskView(
        state=SessionState.TECHNICIAN,
        member_name=session.member.name,
        member_role=session.member.role,
    )


def _lot_scanned(desk: TechnicianDesk, tv: TechnicianView, code: str) -> TechnicianView:
    """A lot label scanned on the restock page: its SKU and best-before go into the entry for
    the chosen locker; the technician enters only the count."""
    info = desk.lot(code)
    draft = replace(
        tv.draft,
        sku=info.sku,
        best_before=info.best_before,
        lot=info.lot,
        lot_name=info.name,
        count=tv.draft.count if tv.draft.lot == info.lot else 0,
    )
    return replace(tv, draft=draft, message="tech.lot_scanned", detail=info.lot, ok=True)


def _draft_for(tv: TechnicianView, locker: str) -> RestockDraft:
    """Picking a locker starts from what it holds now."""
    stock = next((s for s in tv.lockers if s.locker == locker), None)
    if stock is None:
        return RestockDraft(locker)
    return RestockDraft(locker, stock.sku, stock.count, stock.best_before, stock.lot or "")
