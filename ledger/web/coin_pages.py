"""The console's coin pages: the hub (/staff/coins), volunteer hours for one member, and for a
whole activity from a sign-in sheet or a typed list: a preview of every row, then the commit
(ledger.activities, the same functions as `timebank-ledger activity-import`). Amounts over the
office's threshold need a manager (ledger.approval); every credit is audited."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import activities, audit, income, members, settings, sheet
from ledger.approval import NeedsManager
from ledger.audit import AuditAction
from ledger.db import Account, LedgerTransaction, Posting, StaffRole
from ledger.errors import BadRequest
from ledger.limits import MAX_COINS_PER_HOUR
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Field = Annotated[str, Form(max_length=200)]
SheetField = Annotated[str, Form(max_length=sheet.MAX_SHEET_BYTES)]
# A sign-in sheet's upload and its preview's hidden copy: larger than the console's other forms.
SHEET_BODY_MAX = sheet.MAX_SHEET_BYTES * 2 + 64 * 1024


def refusal(layer: WebLayer, s: Session, who: SignedIn, exc: NeedsManager, path: str) -> str:
    """Record a refused manager's action in the audit log; the words to show."""
    audit.record(
        s,
        AuditAction.ACCESS_REFUSED,
        who.staff.username,
        who.address,
        layer.clock(),
        path=path,
        needs="manager",
        **exc.extra,
    )
    return "needs_manager"


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def office(s: Session) -> settings.Settings:
        return settings.load(s)

    @web.get("/staff/coins")
    def hub(request: Request, who: Clerk) -> Response:
        with layer.db() as s, s.begin():
            rules = office(s)
        return layout.render(request, "coins.html", rules=rules)

    def hours_page(request: Request, status: int = 200, **extra: Any) -> Response:
        with layer.db() as s, s.begin():
            rules = office(s)
            tx_id = request.query_params.get("tx", "")
            done = _credited(s, int(tx_id)) if tx_id.isdigit() and len(tx_id) < 10 else None
        today = rules.local(layer.clock()).date().isoformat()
        form = {"member": "", "hours": "", "day": today, "note": "", **extra.pop("form", {})}
        context = {"error": "", "error_key": "", "needs": None, "reason": None, "done": done}
        context.update(extra)
        return layout.render(request, "coins_hours.html", status, rules=rules, form=form, **context)

    @web.get("/staff/coins/hours")
    def hours_form(request: Request, who: Clerk) -> Response:
        return hours_page(request, form={"member": request.query_params.get("member", "")[:16]})

    @web.post("/staff/coins/hours")
    def credit_hours(
        request: Request,
        who: Clerk,
        member: Field = "",
        hours: Field = "",
        day: Field = "",
        note: Field = "",
    ) -> Response:
        form = {"member": member.strip(), "hours": hours.strip(), "day": day, "note": note}
        # One member's hours are an activity of one: credited once per (what, day, member), so
        # a double click or a second tab pays nothing twice (ledger.activities).
        rows = [sheet.SheetRow(1, form["member"], "", "", form["hours"])]
        if not note.strip() or not form["member"]:
            return hours_page(request, 400, form=form, error_key="coins.need_fields")
        try:
            when = _day(day)
        except BadRequest:
            return hours_page(request, 400, form=form, error_key="activity.bad_day")
        if not _hours_ok(form["hours"]):
            reason = {"code": "bad_hours", "hours": form["hours"][:20]}
            return hours_page(request, 400, form=form, reason=reason)
        try:
            with layer.db() as s, s.begin():
                rules = office(s)
                draft = activities.Draft(note, when, form["hours"], rules.coins_per_hour)
                outcome = activities.commit(
                    s, draft, rows, rules, who.may(StaffRole.MANAGER), who.staff.username
                )
                row = outcome.rows[0]
                if row.status == "needs_manager":
                    exc = NeedsManager(
                        extra={"coins": row.coins, "threshold": rules.manager_above_coins}
                    )
                    refusal(layer, s, who, exc, request.url.path)
                elif row.status == "credit":
                    audit.record(
                        s,
                        AuditAction.HOURS_CREDITED,
                        who.staff.username,
                        who.address,
                        layer.clock(),
                        member=row.member,
                        hours=row.hours,
                        coins=row.coins,
                        day=draft.day.isoformat(),
                        activity=outcome.activity_id,
                        tx=row.tx,
                    )
        except BadRequest as exc:
            return hours_page(request, 400, form=form, error=str(exc))
        if row.status == "needs_manager":
            needs = {"coins": row.coins, "threshold": rules.manager_above_coins}
            return hours_page(request, 403, form=form, needs=needs)
        if row.status != "credit":
            assert row.reason is not None
            reason = {"code": row.reason.code, **row.reason.values}
            status = 409 if row.status == "already" else 400
            return hours_page(request, status, form=form, reason=reason)
        return layout.redirect(request, f"/staff/coins/hours?tx={row.tx}")

    def activity_page(request: Request, status: int = 200, **context: Any) -> Response:
        with layer.db() as s, s.begin():
            rules = office(s)
        today = rules.local(layer.clock()).date().isoformat()
        form = {"name": "", "day": today, "hours": "", "attendees": "", **context.pop("form", {})}
        context = {"error": "", **context}
        return layout.render(
            request, "activity_form.html", status, rules=rules, form=form, **context
        )

    @web.get("/staff/coins/activity")
    def activity_form(request: Request, who: Clerk) -> Response:
        return activity_page(request)

    @web.post("/staff/coins/activity/preview", max_body_size=SHEET_BODY_MAX)
    async def activity_preview(
        request: Request,
        who: Clerk,
        name: Field = "",
        day: Field = "",
        hours: Field = "",
        attendees: SheetField = "",
        upload: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        raw = await upload.read(sheet.MAX_SHEET_BYTES + 1) if upload is not None else b""
        form = {"name": name, "day": day, "hours": hours, "attendees": attendees}
        try:
            kind, text = _sheet(raw, attendees)
            rows = sheet.parse_csv(text) if kind == "csv" else sheet.parse_list(text)
            with layer.db() as s, s.begin():
                rules = office(s)
                draft = activities.Draft(name, _day(day), hours.strip(), rules.coins_per_hour)
                outcome = activities.judge(s, draft, rows, rules, who.may(StaffRole.MANAGER))
        except BadRequest as exc:
            return activity_page(request, 400, form=form, error=str(exc))
        return layout.render(
            request,
            "activity_result.html",
            outcome=outcome.as_dict(),
            committed=False,
            kind=kind,
            sheet=text,
        )

    @web.post("/staff/coins/activity/commit", max_body_size=SHEET_BODY_MAX)
    def activity_commit(
        request: Request,
        who: Clerk,
        name: Field = "",
        day: Field = "",
        hours: Field = "",
        kind: Field = "list",
        sheet_text: Annotated[str, Form(alias="sheet", max_length=sheet.MAX_SHEET_BYTES)] = "",
    ) -> Response:
        form = {"name": name, "day": day, "hours": hours, "attendees": ""}
        try:
            rows = sheet.parse_csv(sheet_text) if kind == "csv" else sheet.parse_list(sheet_text)
            with layer.db() as s, s.begin():
                rules = office(s)
                draft = activities.Draft(name, _day(day), hours.strip(), rules.coins_per_hour)
                outcome = activities.commit(
                    s, draft, rows, rules, who.may(StaffRole.MANAGER), who.staff.username
                )
                audit.record(
                    s,
                    AuditAction.ACTIVITY_CREDITED,
                    who.staff.username,
                    who.address,
                    layer.clock(),
                    activity=outcome.activity_id,
                    name=outcome.draft.name,
                    day=outcome.draft.day.isoformat(),
                    credited=outcome.count("credit"),
                    coins=outcome.coins,
                    already=outcome.count("already"),
                    needs_manager=outcome.count("needs_manager"),
                    refused=outcome.count("refused"),
                )
        except BadRequest as exc:
            return activity_page(request, 400, form=form, error=str(exc))
        return layout.render(
            request,
            "activity_result.html",
            outcome=outcome.as_dict(),
            committed=True,
            kind=kind,
            sheet="",
        )

    return web


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadRequest(f"the date {raw.strip()[:20]!r} is not like 2026-01-31") from None


def _hours_ok(raw: str) -> bool:
    """Hours a credit can be made of at the lowest rate (the rate itself is checked later)."""
    try:
        income.coins_for_hours(raw, MAX_COINS_PER_HOUR)
    except BadRequest:
        return False
    return True


def _sheet(raw: bytes, typed: str) -> tuple[str, str]:
    """('csv', text) for an uploaded sheet, else ('list', the typed numbers)."""
    if raw:
        return "csv", sheet.decode(raw)
    if typed.strip():
        return "list", typed
    raise BadRequest("upload the sign-in sheet or type the attendees' member numbers")


def _credited(s: Session, tx_id: int) -> dict[str, Any] | None:
    """What the notice after a credit says: the member and coins of transaction `tx_id`."""
    found = s.execute(
        select(Account.member_id, Posting.amount)
        .join(Account, Account.id == Posting.account_id)
        .join(LedgerTransaction, LedgerTransaction.id == Posting.transaction_id)
        .where(
            Posting.transaction_id == tx_id,
            Posting.amount > 0,
            LedgerTransaction.kind == "volunteer_hours",
        )
    ).first()
    if found is None or found[0] is None:
        return None
    member = members.get_member(s, found[0])
    return {"member": member.id, "name": member.name, "coins": found[1]}
