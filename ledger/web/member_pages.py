"""The console's member forms: add a member or edit one (warning of a likely duplicate, which
the clerk may confirm is someone else: the same phone, the same name and address, or softer,
the same name; ledger.member_twins), deactivate one (never delete), and end the lock-outs of
their cards and phone codes. Every change is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ledger import audit, member_twins, members
from ledger.audit import AuditAction
from ledger.db import Role, StaffRole
from ledger.errors import BadRequest, DuplicateMember, UnknownMember
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Field = Annotated[str, Form(max_length=2000)]
ROLES = [r.value for r in Role]
# What a member's page says after a form of this module or of ledger.web.cards_pages.
DONE = (
    "added",
    "saved",
    "deactivated",
    "unlocked",
    "card_issued",
    "pin_reset",
    "pin_set",
    "phone_revoked",
)


def _form(
    name: str = "",
    phone: str = "",
    address: str = "",
    notes: str = "",
    role: str = Role.MEMBER.value,
    grant: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "phone": phone,
        "address": address,
        "notes": notes,
        "role": role if role in ROLES else Role.MEMBER.value,
        "grant": grant,
    }


def _member_url(member_id: str, done: str) -> str:
    return f"/staff/members/{member_id}?done={done}"


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def form_page(request: Request, form: dict[str, Any], **context: Any) -> Response:
        context = {"error": "", "twins": [], "member_id": "", **context}
        status = 409 if context["twins"] else 400 if context["error"] else 200
        return layout.render(request, "member_form.html", status, form=form, roles=ROLES, **context)

    @web.get("/staff/members/new")
    def new_member(request: Request, who: Clerk) -> Response:
        return form_page(request, _form())

    @web.post("/staff/members/new")
    def add_member(
        request: Request,
        who: Clerk,
        name: Field = "",
        phone: Field = "",
        address: Field = "",
        notes: Field = "",
        role: Field = Role.MEMBER.value,
        grant: Field = "",
        anyway: Field = "",
    ) -> Response:
        form = _form(name, phone, address, notes, role, grant == "1")
        contact = members.Contact(phone, address, notes)
        try:
            with layer.db() as s, s.begin():
                if anyway != "1":  # every sign, the same name alone too, before saving
                    twins = member_twins.likely_twins(s, name, members.clean_phone(phone), address)
                    if twins:
                        return form_page(request, form, twins=twins)
                member = members.add_member(
                    s,
                    name,
                    Role(form["role"]),
                    grant_eligible=form["grant"],
                    contact=contact,
                    allow_duplicate=anyway == "1",
                )
                audit.record(
                    s,
                    AuditAction.MEMBER_ADDED,
                    who.staff.username,
                    who.address,
                    layer.clock(),
                    member=member.id,
                    name=member.name,
                    phone=member.phone,
                    duplicate_confirmed=anyway == "1",
                )
                member_id = member.id
        except DuplicateMember as exc:
            return form_page(request, form, twins=exc.extra["members"])
        except BadRequest as exc:
            return form_page(request, form, error=str(exc))
        return layout.redirect(request, _member_url(member_id, "added"))

    @web.get("/staff/members/{member_id}/edit")
    def edit_member(request: Request, who: Clerk, member_id: str) -> Response:
        with layer.db() as s, s.begin():
            m = _summary(s, member_id)
        form = _form(
            m["name"], m["phone"] or "", m["address"] or "", m["notes"] or "", m["role"], m["grant"]
        )
        return form_page(request, form, member_id=m["member"])

    @web.post("/staff/members/{member_id}/edit")
    def save_member(
        request: Request,
        who: Clerk,
        member_id: str,
        name: Field = "",
        phone: Field = "",
        address: Field = "",
        notes: Field = "",
        role: Field = Role.MEMBER.value,
        grant: Field = "",
        anyway: Field = "",
    ) -> Response:
        form = _form(name, phone, address, notes, role, grant == "1")
        try:
            with layer.db() as s, s.begin():
                before = _summary(s, member_id)
                twins = [] if anyway == "1" else _new_twins(s, before, name, phone, address)
                if twins:
                    return form_page(request, form, twins=twins, member_id=member_id)
                changed = members.update_member(
                    s,
                    member_id,
                    name,
                    Role(form["role"]),
                    form["grant"],
                    members.Contact(phone, address, notes),
                )
                if changed:
                    audit.record(
                        s,
                        AuditAction.MEMBER_EDITED,
                        who.staff.username,
                        who.address,
                        layer.clock(),
                        member=member_id,
                        changed=changed,
                        duplicate_confirmed=anyway == "1",
                    )
        except BadRequest as exc:
            return form_page(request, form, error=str(exc), member_id=member_id)
        return layout.redirect(request, _member_url(member_id, "saved"))

    @web.get("/staff/members/{member_id}/deactivate")
    def confirm_deactivate(request: Request, who: Clerk, member_id: str) -> Response:
        with layer.db() as s, s.begin():
            member = _summary(s, member_id)
        return layout.render(request, "member_deactivate.html", member=member)

    @web.post("/staff/members/{member_id}/deactivate")
    def deactivate(request: Request, who: Clerk, member_id: str) -> Response:
        with layer.db() as s, s.begin():
            _summary(s, member_id)
            revoked = members.deactivate_member(s, member_id, layer.clock())
            audit.record(
                s,
                AuditAction.MEMBER_DEACTIVATED,
                who.staff.username,
                who.address,
                layer.clock(),
                member=member_id,
                cards_revoked=revoked,
            )
        return layout.redirect(request, _member_url(member_id, "deactivated"))

    @web.post("/staff/members/{member_id}/unlock")
    def unlock(request: Request, who: Clerk, member_id: str) -> Response:
        with layer.db() as s, s.begin():
            _summary(s, member_id)
            cleared = members.unlock_member(s, member_id)
            audit.record(
                s,
                AuditAction.MEMBER_UNLOCKED,
                who.staff.username,
                who.address,
                layer.clock(),
                member=member_id,
                cleared=cleared,
            )
        return layout.redirect(request, _member_url(member_id, "unlocked"))

    return web


def _new_twins(
    s: Session, before: dict[str, Any], name: str, phone: str, address: str
) -> list[dict[str, Any]]:
    """Members the edited one may now duplicate that they did not before: a sign the edit
    brings (a namesake confirmed at enrolment is not warned of at every edit)."""
    try:
        cleaned = members.clean_phone(phone)
    except BadRequest:
        return []  # update_member names the bad phone
    return member_twins.brought_by_edit(s, before, name, cleaned, address)


def _summary(s: Session, member_id: str) -> dict[str, Any]:
    try:
        return members.member_summary(s, member_id[:16])
    except UnknownMember as exc:
        raise PageNotFound(str(exc)) from exc
