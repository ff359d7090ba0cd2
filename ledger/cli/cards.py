"""`timebank-ledger card issue|revoke`: members' printed cards. One member's card with the PIN
typed at the terminal (never on the command line), or cards for several members at once with no
PIN yet (`--no-pin`), each member setting theirs on the console's on-screen pad."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ledger import audit, card_batch, cards, members
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.card_pdf import CardSheet, card_pdf, cards_pdf
from ledger.cli.base import add_command, add_group, emit, read_pin, with_book
from ledger.cli.staff import cli_actor
from ledger.db import utcnow
from ledger.errors import BadRequest, MemberDeactivated, UnknownMember


def _record(s: Session, member: str, **detail: Any) -> None:
    audit.record(
        s,
        AuditAction.CARD_ISSUED,
        cli_actor(),
        CLI_ACTOR_ADDRESS,
        utcnow(),
        member=member,
        **detail,
    )


def _private_pdf(target: Path, pdf: bytes) -> None:
    # Only the owner may read it: it holds the cards' secrets until printed and deleted.
    target.touch(mode=0o600)
    target.write_bytes(pdf)


def cmd_card_issue(args: argparse.Namespace) -> int:
    target = Path(args.pdf) if args.pdf else None
    if target is not None and not target.parent.is_dir():
        raise BadRequest(f"--pdf {args.pdf}: folder {target.parent} does not exist")
    if len(args.member) > 1 and not args.no_pin:
        raise BadRequest(
            "several members: add --no-pin (each member sets their PIN on the console's"
            " on-screen pad when they collect the card); nothing was issued"
        )
    if args.no_pin:
        return _issue_without_pin(args, target)
    pin = read_pin(args)
    cards.check_pin_format(pin)

    def work(s: Session) -> dict[str, Any]:
        member = members.active_member(s, args.member[0])
        card, code = cards.replace_card(s, member, cards.hash_pin(pin), utcnow())
        _record(s, member.id, card=card.id)
        return {"card": card.id, "code": code, "member": card.member_id, "name": member.name}

    data = with_book(args.db, work)
    if target is None:
        emit(
            args,
            {k: data[k] for k in ("card", "code", "member")},
            f"card {data['card']} for {data['member']} (earlier cards revoked)\n"
            f"code to print as a QR code (shown only this once): {data['code']}",
        )
        return 0
    _private_pdf(
        target, card_pdf(data["code"], data["name"], data["member"], CardSheet(args.sheet))
    )
    out = {"card": data["card"], "member": data["member"], "pdf": str(target)}
    emit(
        args,
        out,
        f"card {data['card']} for {data['member']} (earlier cards revoked)\n"
        f"print {target}, then delete it: it holds the card's code",
    )
    return 0


def _issue_without_pin(args: argparse.Namespace, target: Path | None) -> int:
    """Cards with no PIN for every member named, all or none: a member unknown or deactivated
    is an error and nothing is issued."""
    if target is None:
        raise BadRequest("--no-pin cards are printed: give --pdf FILE; nothing was issued")
    if len(args.member) > card_batch.MAX_BATCH:
        raise BadRequest(f"at most {card_batch.MAX_BATCH} members at once; nothing was issued")

    def work(s: Session) -> list[dict[str, Any]]:
        batch = card_batch.plan(s, args.member, may_replace=True)
        for member, _, why in batch.skipped:
            if why is card_batch.Skipped.UNKNOWN:
                raise UnknownMember(f"no member {member!r}; nothing was issued")
            raise MemberDeactivated(f"member {member} was deactivated; nothing was issued")
        issued = card_batch.issue(s, batch, utcnow())
        for card, _ in issued:
            _record(s, card.member_id, card=card.id, batch=len(issued), pin_set=False)
        return [
            {"card": card.id, "member": card.member_id, "printed": printed}
            for card, printed in issued
        ]

    issued = with_book(args.db, work)
    _private_pdf(target, cards_pdf([i.pop("printed") for i in issued], CardSheet(args.sheet)))
    emit(
        args,
        {"cards": issued, "pdf": str(target)},
        f"{len(issued)} cards with no PIN yet (earlier cards revoked): "
        + ", ".join(f"{i['card']} for {i['member']}" for i in issued)
        + f"\nprint {target}, then delete it: it holds the cards' codes. Each member sets"
        " their PIN on the console's on-screen pad (their page, 设置卡密码) before using a kiosk",
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


def register(sub: Any) -> None:
    card = add_group(sub, "card", "printed member cards with a PIN")
    issue = add_command(
        card,
        "issue",
        cmd_card_issue,
        help="issue a card (earlier ones revoked); code shown once. Several members: --no-pin",
    )
    issue.add_argument("member", metavar="MEMBER", nargs="+")
    issue.add_argument("--pdf", metavar="FILE", help="write the card(s) to print as a PDF")
    issue.add_argument(
        "--sheet",
        choices=[c.value for c in CardSheet],
        default=CardSheet.CARD.value,
        help="card: one CR80 card a page; a4: on A4 with cut marks (eight a page for several)",
    )
    # The PIN is read from a prompt or standard input (read_pin), never from the command line.
    issue.add_argument(
        "--no-pin",
        action="store_true",
        help="no PIN yet (members not here): each member sets it on the console's on-screen pad"
        " before the card works; needs --pdf",
    )
    revoke = add_command(card, "revoke", cmd_card_revoke, help="revoke a lost or stolen card")
    revoke.add_argument("card", metavar="CARD")
