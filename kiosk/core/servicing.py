"""The technician's visit (TECHNICIAN): each intent runs a TechnicianDesk operation on the worker
thread and publishes a TechnicianView, so the touchscreen never waits on the board or ledger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from kiosk.core import lock_walk
from kiosk.core.engine import SessionEngine
from kiosk.core.errors import KioskError
from kiosk.core.interfaces import MemberSession
from kiosk.core.technician import (
    MAX_COUNT,
    RestockDraft,
    TechnicianDesk,
    TechnicianView,
    TechPage,
)
from kiosk.core.view import KioskView, SessionState

log = logging.getLogger(__name__)

SENSOR_INTERVAL_S = 1.0  # live sensor reads while the lock page is open
TechStep = Callable[[TechnicianDesk, TechnicianView, str], TechnicianView]  # (desk, view, actor)


class Servicing(SessionEngine):
    """The technician steps; each runs on the worker thread."""

    sensor_interval = SENSOR_INTERVAL_S

    # --- entering and leaving ----------------------------------------------------------------

    def _enter_technician(self, session: MemberSession) -> None:
        log.info("staff badge of %s: technician mode", session.member.id)
        self._tech_show(TechnicianView(), busy=True, base=self._tech_base(session))
        if self.desk is None:
            self._tech_show(TechnicianView(message="tech.no_desk", ok=False))
            return
        self.desk.note(session.member.id, "enter")
        self._tech_show(
            TechnicianView(
                checks=tuple(self.desk.checks()),
                service=self.desk.service_state(),
                skus=tuple(self.desk.catalog_skus()),
            )
        )

    def _end(self, notice: str | None = None) -> None:
        if self._view.state is SessionState.TECHNICIAN:
            self._sensor_round += 1  # the live sensor reads stop
            if self.desk is not None and self._session is not None:
                self.desk.note(self._session.member.id, "exit")
        super()._end(notice)

    # --- pages -------------------------------------------------------------------------------

    def _tech_page(self, page: TechPage) -> None:
        tv = self._tech("page")
        if tv is None or self.desk is None or tv.walk is not None:
            return
        self._tech_show(replace(tv, page=page, message=None, detail=""), busy=True)
        tv = replace(tv, page=page, message=None, detail="")
        if page is TechPage.HEALTH:
            tv = replace(tv, checks=tuple(self.desk.checks()))
        elif page in (TechPage.LOCKS, TechPage.RESTOCK):
            tv = replace(tv, lockers=tuple(self.desk.lockers()))
            if not tv.draft.locker and tv.lockers:
                tv = replace(tv, draft=_draft_for(tv, tv.lockers[0].locker))
        elif page is TechPage.SERVICE:
            tv = replace(tv, service=self.desk.service_state())
        self._tech_show(tv)
        if page is TechPage.LOCKS:
            self._sensor_round += 1
            self._schedule_sensors(self._sensor_round)

    def _schedule_sensors(self, round_: int) -> None:
        timer = threading.Timer(
            self.sensor_interval, lambda: self._submit(lambda: self._tech_sensors(round_))
        )
        timer.daemon = True
        timer.start()

    def _tech_sensors(self, round_: int) -> None:
        tv = self._view.technician
        if round_ != self._sensor_round or tv is None or tv.page is not TechPage.LOCKS:
            return
        if self._view.state is not SessionState.TECHNICIAN or self.desk is None:
            return
        if not self._view.busy:
            # A sensor read is not a touch: the inactivity timer keeps running.
            self._refresh(
                replace(self._view, technician=replace(tv, lockers=tuple(self.desk.lockers())))
            )
        self._schedule_sensors(round_)

    # --- lock test (kiosk/core/lock_walk.py) ------------------------------------------------

    def _tech_open(self, locker: str) -> None:
        self._tech_do("open", lambda desk, tv, actor: lock_walk.open_one(desk, tv, actor, locker))

    def _tech_walk(self) -> None:
        self._tech_do("walk", lock_walk.start_walk)

    def _tech_walk_verdict(self, verdict: str) -> None:
        self._tech_do(
            "walk verdict", lambda desk, tv, actor: lock_walk.walk_verdict(desk, tv, actor, verdict)
        )

    # --- restock -----------------------------------------------------------------------------

    def _tech_draft(
        self,
        locker: str | None,
        sku: str | None,
        count: int | None,
        best_before: str | None,
        clear_date: bool,
    ) -> None:
        tv = self._tech("draft")
        if tv is None:
            return
        d = tv.draft
        if locker is not None and locker != d.locker:
            d = _draft_for(tv, locker)
        d = replace(
            d,
            sku=d.sku if sku is None else sku,
            count=d.count if count is None else max(0, min(MAX_COUNT, count)),
            best_before=None if clear_date else (best_before or d.best_before),
        )
        line = next((x for x in tv.lockers if x.locker == d.locker), None)
        if line is not None and line.awaiting_vend is not None:
            # A vend there awaits this locker's count: say so until it is recorded.
            self._tech_show(
                replace(tv, draft=d, message="tech.awaiting_count", detail=d.locker, ok=False)
            )
            return
        self._tech_show(replace(tv, draft=d, message=None, detail=""))

    def _tech_scanned(self, code: str) -> None:
        tv = self._view.technician
        if tv is None or tv.page is not TechPage.RESTOCK:
            log.info("a code was scanned on the technician screens: ignored")
            return
        if code in tv.skus:
            self._tech_show(
                replace(
                    tv,
                    draft=replace(tv.draft, sku=code),
                    message="tech.sku_scanned",
                    detail=code,
                    ok=True,
                )
            )
        else:
            self._tech_show(replace(tv, message="tech.sku_unknown", detail=code[:40], ok=False))

    def _tech_restock(self) -> None:
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

        self._tech_do("restock", work)

    # --- service, self-test, bundle ----------------------------------------------------------

    def _tech_service(self, in_service: bool, reason: str) -> None:
        def work(desk: TechnicianDesk, tv: TechnicianView, actor: str) -> TechnicianView:
            state = desk.set_service(in_service, reason, actor)
            key = "tech.in_service" if state.in_service else "tech.out_of_service"
            return replace(tv, service=state, message=key, detail="", ok=True)

        self._tech_do("service", work)

    def _tech_self_test(self) -> None:
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

        self._tech_do("self-test", work)

    def _tech_bundle(self) -> None:
        def work(desk: TechnicianDesk, tv: TechnicianView, actor: str) -> TechnicianView:
            path = desk.write_bundle(actor)
            return replace(tv, message="tech.bundle_written", detail=path, ok=True)

        self._tech_do("bundle", work)

    # --- plumbing ----------------------------------------------------------------------------

    def _tech(self, what: str) -> TechnicianView | None:
        """The technician view when `what` may act now (technician screens, not busy)."""
        v = self._view
        if v.state is not SessionState.TECHNICIAN or v.technician is None or v.busy:
            log.info("technician %s in state %s: ignored", what, v.state.value)
            return None
        return v.technician

    def _tech_do(self, what: str, work: TechStep) -> None:
        tv = self._tech(what)
        if tv is None or self.desk is None or self._session is None:
            return
        self._tech_show(replace(tv, message=None, detail=""), busy=True)
        try:
            tv = work(self.desk, tv, self._session.member.id)
        except KioskError as e:
            log.warning("technician %s refused: %s", what, e)
            tv = replace(tv, message="tech.failed", detail=str(e), ok=False)
        self._tech_show(tv)

    def _tech_base(self, session: MemberSession) -> KioskView:
        return KioskView(
            state=SessionState.TECHNICIAN,
            member_name=session.member.name,
            member_role=session.member.role,
        )

    def _tech_show(
        self, tv: TechnicianView, busy: bool = False, base: KioskView | None = None
    ) -> None:
        base = base or self._view
        self._publish(replace(base, technician=tv, busy=busy))


def _draft_for(tv: TechnicianView, locker: str) -> RestockDraft:
    """Picking a locker starts from what it holds now."""
    stock = next((s for s in tv.lockers if s.locker == locker), None)
    if stock is None:
        return RestockDraft(locker)
    return RestockDraft(locker, stock.sku, stock.count, stock.best_before)
