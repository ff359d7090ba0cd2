"""`timebank-ledger member|secret ...`: members and their phone codes (cards: ledger.cli.cards)."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from ledger import audit, member_twins, members
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.cli import devices, twins
from ledger.cli.base import add_command, add_group, emit, with_book
from ledger.cli.staff import cli_actor
from ledger.db import Role, utcnow
from ledger.limits import MAX_COINS, Bounded

ROLES = [r.value for r in Role]


def _line(m: dict[str, Any]) -> str:
    grant = ", monthly grant" if m["grant"] else ""
    return f"{m['member']}  {m['name']} ({m['role']}{grant})  {m['balance']} coins"


def _record(s: Session, action: AuditAction, member: str, **detail: Any) -> None:
    audit.record(s, action, cli_actor(), CLI_ACTOR_ADDRESS, utcnow(), member=member, **detail)


def cmd_member_add(args: argparse.Namespace) -> int:
    contact = members.Contact(args.phone, args.address, args.notes)

    def work(s: Session) -> dict[str, Any]:
        found = member_twins.likely_twins(
            s, args.name, members.clean_phone(args.phone), args.address
        )
        twins.refuse_strong(args, found, "a member like this is enrolled already")
        member = members.add_member(
            s,
            args.name,
            Role(args.role),
            args.coins,
            args.grant,
            contact,
            allow_duplicate=args.allow_duplicate,
        )
        _record(
            s,
            AuditAction.MEMBER_ADDED,
            member.id,
            name=member.name,
            phone=member.phone,
            **twins.audited(args, found),
        )
        summary = members.member_summary(s, member.id)
        return {**summary, "secret": member.totp_secret, "similar": found}

    data = with_book(args.db, work)
    keys = ("member", "secret", "name", "role", "balance", "grant", "phone", "similar")
    out = {k: data[k] for k in keys}
    # The softer sign (the same name alone) does not refuse, nor a sign confirmed with
    # --allow-duplicate: it is said, with who it names.
    emit(
        args,
        out,
        _line(out)
        + twins.note(out["similar"], out["member"])
        + f"\nfor the member's phone: timebank-ledger member enrol {out['member']} (a one-time"
        " link, or 登记一部手机 on the member's console page); without a phone: card issue",
    )
    return 0


def cmd_member_show(args: argparse.Namespace) -> int:
    data = with_book(args.db, lambda s: members.member_details(s, args.member))
    lines = [
        _line(data),
        f"balance {data['balance']} coins (posted {data['posted_balance']}, held {data['held']})",
        *(f"{field}: {data[field]}" for field in ("phone", "address", "notes") if data[field]),
        *([] if data["active"] else ["DEACTIVATED: no card or phone code signs in"]),
        "phone code: " + ("active" if data["phone_code"] else "revoked"),
        "cards: " + (", ".join(f"{c['card']} {c['state']}" for c in data["cards"]) or "none"),
        "history:" if data["history"] else "history: none",
    ]
    lines += [
        f"  #{h['tx']} {h['at'][:19]} {h['kind']:<15} {h['coins']:+d} -> {h['balance_after']}"
        f"  {h['memo']}" + (f" (by {h['actor']})" if h["actor"] else "")
        for h in data["history"]
    ]
    emit(args, data, "\n".join(lines))
    return 0


def cmd_member_list(args: argparse.Namespace) -> int:
    role = Role(args.role) if args.role else None
    found = with_book(args.db, lambda s: members.list_members(s, role))
    emit(args, {"members": found}, "\n".join(_line(m) for m in found) or "no members")
    return 0


def cmd_member_set(args: argparse.Namespace) -> int:
    role = Role(args.role) if args.role else None

    def work(s: Session) -> dict[str, Any]:
        now = members.member_summary(s, args.member)
        contact, found = None, []
        if (args.phone, args.address, args.notes) != (None, None, None):
            contact = members.Contact(
                now["phone"] if args.phone is None else args.phone,
                now["address"] if args.address is None else args.address,
                now["notes"] if args.notes is None else args.notes,
            )
        if (args.name, args.phone, args.address) != (None, None, None):
            # As the console's edit form: only a likeness this change brings.
            found = member_twins.brought_by_edit(
                s,
                now,
                now["name"] if args.name is None else args.name,
                now["phone"] if args.phone is None else members.clean_phone(args.phone),
                now["address"] if args.address is None else args.address,
            )
            lead = f"with this change {args.member} would look like a member enrolled already"
            twins.refuse_strong(args, found, lead)
        changed = members.update_member(s, args.member, args.name, role, args.grant, contact)
        if changed:
            _record(
                s,
                AuditAction.MEMBER_EDITED,
                args.member,
                changed=changed,
                **twins.audited(args, found),
            )
        return {**members.member_summary(s, args.member), "similar": found}

    data = with_book(args.db, work)
    emit(args, data, _line(data) + twins.note(data["similar"], data["member"]))
    return 0


def cmd_member_deactivate(args: argparse.Namespace) -> int:
    def work(s: Session) -> int:
        revoked = members.deactivate_member(s, args.member, utcnow())
        _record(s, AuditAction.MEMBER_DEACTIVATED, args.member, cards_revoked=revoked)
        return revoked

    revoked = with_book(args.db, work)
    data = {"member": args.member, "active": False, "cards_revoked": revoked}
    emit(args, data, f"{args.member} deactivated: {revoked} card(s) revoked, phone codes off")
    return 0


def cmd_member_unlock(args: argparse.Namespace) -> int:
    def work(s: Session) -> int:
        cleared = members.unlock_member(s, args.member)
        _record(s, AuditAction.MEMBER_UNLOCKED, args.member, cleared=cleared)
        return cleared

    cleared = with_book(args.db, work)
    data = {"member": args.member, "cleared": cleared}
    emit(args, data, f"{args.member}: wrong tries of {cleared} card(s) or phone codes forgotten")
    return 0


def cmd_secret_rotate(args: argparse.Namespace) -> int:
    secret = with_book(args.db, lambda s: members.rotate_secret(s, args.member))
    data = {"member": args.member, "secret": secret}
    emit(args, data, f"new TOTP secret for {args.member} (old codes stop working): {secret}")
    return 0


def cmd_secret_revoke(args: argparse.Namespace) -> int:
    with_book(args.db, lambda s: members.revoke_secret(s, args.member))
    emit(args, {"member": args.member, "phone_code": False}, f"phone codes of {args.member} off")
    return 0


def _contact_options(parser: argparse.ArgumentParser, clear: str = "") -> None:
    parser.add_argument("--phone", help="the member's phone number" + clear)
    parser.add_argument("--address", help="the member's address" + clear)
    parser.add_argument("--notes", help="the office's notes on the member" + clear)


def register(sub: Any) -> None:
    member = add_group(sub, "member", "members")
    add = add_command(member, "add", cmd_member_add, help="enrol a member")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--coins", type=Bounded(0, MAX_COINS), default=0, help="opening grant from the grant pool"
    )
    add.add_argument("--role", choices=ROLES, default=Role.MEMBER.value)
    add.add_argument(
        "--grant", action="store_true", help="eligible for the monthly grant (grant-month)"
    )
    _contact_options(add)
    twins.add_flag(add, "enrol")
    show = add_command(member, "show", cmd_member_show, help="a member, balance and history")
    show.add_argument("member", metavar="ID")
    lst = add_command(member, "list", cmd_member_list, help="all members and balances")
    lst.add_argument("--role", choices=ROLES)
    mset = add_command(member, "set", cmd_member_set, help="change name, role, grant or contact")
    mset.add_argument("member", metavar="ID")
    mset.add_argument("--name")
    mset.add_argument("--role", choices=ROLES)
    mset.add_argument(
        "--grant",
        action=argparse.BooleanOptionalAction,
        help="eligible for the monthly grant, or not (--no-grant)",
    )
    _contact_options(mset, " ('' clears it)")
    twins.add_flag(mset, "save")
    deactivate = add_command(
        member,
        "deactivate",
        cmd_member_deactivate,
        help="deactivate (never delete): cards revoked, phone codes off, no sign-in",
    )
    deactivate.add_argument("member", metavar="ID")
    unlock = add_command(
        member, "unlock", cmd_member_unlock, help="end lock-outs of the member's cards and codes"
    )
    unlock.add_argument("member", metavar="ID")
    devices.register(member)  # enrol, devices, device-revoke: members' phones

    secret = add_group(sub, "secret", "members' phone-code (TOTP) secrets")
    rotate = add_command(secret, "rotate", cmd_secret_rotate, help="issue a new secret")
    rotate.add_argument("member", metavar="MEMBER")
    srevoke = add_command(secret, "revoke", cmd_secret_revoke, help="turn phone codes off")
    srevoke.add_argument("member", metavar="MEMBER")
