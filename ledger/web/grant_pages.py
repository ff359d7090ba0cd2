"""The console's monthly grant (a preview of who gets how much and the total, then the run;
months are the office's; a past month only for a manager: ledger.grants) and corrections
(adjust, reverse, refund, each with a reason; over the threshold only for a manager:
ledger.corrections and ledger.approval). Every action is audited, every refusal too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ledger import approval, audit, corrections, grants, settings
from ledger.approval import NeedsManager
from ledger.audit import AuditAction
from ledger.db import LedgerTransaction, StaffRole
from ledger.errors import ApiError, BadRequest
from ledger.limits import MAX_COINS, MAX_ROW_ID
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.coin_pages import refusal
from ledger.web.layer import WebLayer, web_router
from ledger.web.words import WORDS

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Field = Annotated[str, Form(max_length=500)]


def _whole(raw: str, low: int, high: int, what: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadRequest(f"{what} must be a whole number, got {raw.strip()[:20]!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{what} must be {low} to {high}, got {value}")
    return value


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def grant_page(
        request: Request, month: str, coins: str, status: int = 200, **extra: Any
    ) -> Response:
        context: dict[str, Any] = {"error": "", "needs": None, "done": None, **extra}
        with layer.db() as s, s.begin():
            rules = settings.load(s)
            month = month or grants.office_month(layer.clock(), rules)
            coins = coins or str(rules.monthly_grant_coins)
            plan = None
            try:
                amount = _whole(coins, 1, MAX_COINS, "the grant")
                plan = grants.preview(s, month, amount)
                when = grants.month_is(month, layer.clock(), rules)
            except BadRequest as exc:
                context["error"] = context["error"] or str(exc)
                when = ""
        return layout.render(
            request,
            "grant.html",
            status if not context["error"] or status != 200 else 400,
            rules=rules,
            month=month,
            coins=coins,
            plan=plan,
            when=when,
            **context,
        )

    @web.get("/staff/coins/grant")
    def grant_form(request: Request, who: Clerk) -> Response:
        month = request.query_params.get("month", "")[:7]
        coins = request.query_params.get("coins", "")[:8]
        return grant_page(request, month, coins)

    @web.post("/staff/coins/grant")
    def grant_run(request: Request, who: Clerk, month: Field = "", coins: Field = "") -> Response:
        try:
            with layer.db() as s, s.begin():
                rules = settings.load(s)
                amount = _whole(coins, 1, MAX_COINS, "the grant")
                paid: dict[str, Any] | None
                try:
                    paid = grants.run(
                        s, month, amount, layer.clock(), rules, who.may(StaffRole.MANAGER)
                    )
                except NeedsManager as exc:
                    refusal(layer, s, who, exc, request.url.path)
                    paid = None
                else:
                    assert paid is not None
                    audit.record(
                        s,
                        AuditAction.GRANT_PAID,
                        who.staff.username,
                        who.address,
                        layer.clock(),
                        month=paid["month"],
                        coins=amount,
                        members=len(paid["granted"]),
                        total=paid["total"],
                        month_is=paid["month_is"],
                    )
        except BadRequest as exc:
            return grant_page(request, month[:7], coins[:8], 400, error=str(exc))
        if paid is None:
            return grant_page(request, month[:7], coins[:8], 403, needs=True)
        done = {"month": paid["month"], "count": len(paid["granted"]), "total": paid["total"]}
        return grant_page(request, month, coins, done=done)

    def correct_page(request: Request, status: int = 200, **extra: Any) -> Response:
        context: dict[str, Any] = {"error": "", "needs": None, "done": None, **extra}
        context["form"] = context.get("form") or {"kind": ""}
        with layer.db() as s, s.begin():
            rules = settings.load(s)
        return layout.render(request, "correct.html", status, rules=rules, **context)

    @web.get("/staff/coins/correct")
    def correct_form(request: Request, who: Clerk) -> Response:
        return correct_page(request)

    def correction(
        request: Request,
        who: SignedIn,
        form: dict[str, str],
        action: AuditAction,
        work: Callable[[Session, settings.Settings, bool], LedgerTransaction | None],
    ) -> Response:
        """Run one correction: its reason required, over the threshold only for a manager."""
        if not form.get("reason", "").strip():
            return correct_page(request, 400, form=form, error_key="correct.no_reason")
        needs: dict[str, Any] | None = None
        tx: LedgerTransaction | None = None
        try:
            with layer.db() as s, s.begin():
                rules = settings.load(s)
                try:
                    tx = work(s, rules, who.may(StaffRole.MANAGER))
                except NeedsManager as exc:
                    # The refusal is audited in this transaction; the page is answered after it
                    # (on SQLite the page's own session would wait for this one's write lock).
                    refusal(layer, s, who, exc, request.url.path)
                    needs = {"coins": exc.extra["coins"], "threshold": rules.manager_above_coins}
                else:
                    audit.record(
                        s,
                        action,
                        who.staff.username,
                        who.address,
                        layer.clock(),
                        made=tx.id if tx else None,
                        **form,
                    )
        except ApiError as exc:
            key = f"correct.err_{exc.code}"  # what a clerk can act on, in their language
            if key in WORDS:
                return correct_page(request, 400, form=form, error_key=key)
            return correct_page(request, 400, form=form, error=str(exc))
        if needs is not None:
            return correct_page(request, 403, form=form, needs=needs)
        done = {**form, "tx": tx.id if tx else None}
        if form["kind"] == "reverse":
            done["target"] = form["tx"]
        return correct_page(request, done=done)

    @web.post("/staff/coins/adjust")
    def adjust(
        request: Request, who: Clerk, member: Field = "", coins: Field = "", reason: Field = ""
    ) -> Response:
        form = {
            "kind": "adjust",
            "member": member.strip().lower(),
            "coins": coins,
            "reason": reason,
        }

        def work(s: Session, rules: settings.Settings, manager: bool) -> LedgerTransaction:
            amount = _whole(coins, -MAX_COINS, MAX_COINS, "the coins")
            approval.check_amount(rules, amount, manager, "an adjustment")
            return corrections.adjust(s, form["member"], amount, reason, who.staff.username)

        return correction(request, who, form, AuditAction.COINS_ADJUSTED, work)

    @web.post("/staff/coins/reverse")
    def reverse(request: Request, who: Clerk, tx: Field = "", reason: Field = "") -> Response:
        form = {"kind": "reverse", "tx": tx.strip(), "reason": reason}

        def work(s: Session, rules: settings.Settings, manager: bool) -> LedgerTransaction:
            tx_id = _whole(tx, 1, MAX_ROW_ID, "the transaction number")
            moved = approval.transaction_coins(s, tx_id)
            approval.check_amount(rules, moved, manager, "a reversal")
            return corrections.reverse(s, tx_id, reason, who.staff.username)

        return correction(request, who, form, AuditAction.TX_REVERSED, work)

    @web.post("/staff/coins/refund")
    def refund(request: Request, who: Clerk, hold: Field = "", reason: Field = "") -> Response:
        form = {"kind": "refund", "hold": hold.strip()[:64], "reason": reason}

        def work(s: Session, rules: settings.Settings, manager: bool) -> LedgerTransaction | None:
            moved = approval.hold_coins(s, form["hold"])
            approval.check_amount(rules, moved, manager, "a refund")
            return corrections.refund(s, form["hold"], reason, who.staff.username)

        return correction(request, who, form, AuditAction.HOLD_REFUNDED, work)

    return web
