"""`timebank-ledger member|card|secret ...`: members, their cards and phone codes."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from ledger import cards, members
from ledger.cli.base import add_command, add_group, emit, read_pin, with_book
from ledger.db import Role
from ledger.limits import MAX_COINS, Bounded

ROLES = [r.value for r in Role]


def _line(m: dict[str, Any]) -> str:
    grant = ", monthly grant" if m["grant"] else ""
    return f"{m['member']}  {m['name']} ({m['role']}{grant})  {m['balance']} coins"


def cmd_member_add(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        member = members.add_member(s, args.name, Role(args.role), args.coins, args.grant)
        summary = members.member_summary(s, member.id)
        return {**summary, "secret": member.totp_secret}

    data = with_book(args.db, work)
    out = {k: data[k] for k in ("member", "secret", "name", "role", "balance", "grant")}
    emit(
        args,
        out,
        _line(out) + f"\nTOTP secret (put it in the member's phone app): {out['secret']}",
    )
    return 0


def cmd_member_show(args: argparse.Namespace) -> int:
    data = with_book(args.db, lambda s: members.member_details(s, args.member))
    lines = [
        _line(data),
        f"balance {data['balance']} coins (posted {data['posted_balance']}, held {data['held']})",
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
        members.update_member(s, args.member, args.name, role, args.grant)
        return members.member_summary(s, args.member)

    data = with_book(args.db, work)
    emit(args, data, _line(data))
    return 0


def cmd_member_unlock(args: argparse.Namespace) -> int:
    cleared = with_book(args.db, lambda s: members.unlock_member(s, args.member))
    data = {"member": args.member, "cleared": cleared}
    emit(args, data, f"{args.member}: wrong tries of {cleared} card(s) or phone codes forgotten")
    return 0


def cmd_card_issue(args: argparse.Namespace) -> int:
    pin = read_pin(args)

    def work(s: Session) -> dict[str, Any]:
        card, code = cards.issue_card(s, members.get_member(s, args.member), pin)
        return {"card": card.id, "code": code, "member": card.member_id}

    data = with_book(args.db, work)
    emit(
        args,
        data,
        f"card {data['card']} for {data['member']}\n"
        f"code to print as a QR code (shown only this once): {data['code']}",
    )
    return 0


def cmd_card_revoke(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        card = cards.revoke_card(s, args.card)
        assert card.revoked_at is not None
        return {
            "card": card.id,
            "member": card.member_id,
            "revoked_at": card.revoked_at.isoformat(),
        }

    data = with_book(args.db, work)
    emit(args, data, f"card {data['card']} of {data['member']} revoked")
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
    show = add_command(member, "show", cmd_member_show, help="a member, balance and history")
    show.add_argument("member", metavar="ID")
    lst = add_command(member, "list", cmd_member_list, help="all members and balances")
    lst.add_argument("--role", choices=ROLES)
    mset = add_command(member, "set", cmd_member_set, help="change name, role or grant")
    mset.add_argument("member", metavar="ID")
    mset.add_argument("--name")
    mset.add_argument("--role", choices=ROLES)
    mset.add_argument(
        "--grant",
        action=argparse.BooleanOptionalAction,
        help="eligible for the monthly grant, or not (--no-grant)",
    )
    unlock = add_command(
        member, "unlock", cmd_member_unlock, help="end lock-outs of the member's cards and codes"
    )
    unlock.add_argument("member", metavar="ID")

    card = add_group(sub, "card", "printed member cards with a PIN")
    issue = add_command(card, "issue", cmd_card_issue, help="issue a card; prints its code once")
    issue.add_argument("member", metavar="MEMBER")
    # The PIN is read from a prompt or standard input (read_pin), never from the command line.
    revoke = add_command(card, "revoke", cmd_card_revoke, help="revoke a lost or stolen card")
    revoke.add_argument("card", metavar="CARD")

    secret = add_group(sub, "secret", "members' phone-code (TOTP) secrets")
    rotate = add_command(secret, "rotate", cmd_secret_rotate, help="issue a new secret")
    rotate.add_argument("member", metavar="MEMBER")
    srevoke = add_command(secret, "revoke", cmd_secret_revoke, help="turn phone codes off")
    srevoke.add_argument("member", metavar="MEMBER")
