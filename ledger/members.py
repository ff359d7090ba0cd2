"""Members of the time bank: enrolment (with their TOTP secret and account) and look-up."""

from __future__ import annotations

import secrets
from typing import Any

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import book, cards, history, lockouts
from ledger.db import Card, Member, Role, utcnow
from ledger.errors import BadRequest, UnknownMember
from ledger.limits import MAX_COINS

MEMBER_ID_DIGITS = 6  # "m" + 6 digits: short enough to type, never contains ':'


def new_member_id(s: Session) -> str:
    while True:
        candidate = "m" + str(secrets.randbelow(10**MEMBER_ID_DIGITS)).zfill(MEMBER_ID_DIGITS)
        if s.get(Member, candidate) is None:
            return candidate


def add_member(
    s: Session, name: str, role: Role = Role.MEMBER, coins: int = 0, grant_eligible: bool = False
) -> Member:
    """Enrol a member; starting coins come from the grant pool as a real transaction."""
    if not name.strip():
        raise BadRequest("a member needs a name")
    if not 0 <= coins <= MAX_COINS:
        raise BadRequest(f"starting coins must be 0 to {MAX_COINS}, got {coins}")
    book.ensure_system_accounts(s)
    member = Member(
        id=new_member_id(s),
        name=name.strip(),
        role=role,
        totp_secret=pyotp.random_base32(),
        grant_eligible=grant_eligible,
    )
    s.add(member)
    s.flush()
    book.open_member_account(s, member.id, member.name)
    if coins:
        book.grant(s, member.id, coins, memo="opening grant")
    return member


def get_member(s: Session, member_id: str) -> Member:
    member = s.get(Member, member_id)
    if member is None:
        raise UnknownMember(f"no member {member_id!r}")
    return member


def update_member(
    s: Session,
    member_id: str,
    name: str | None = None,
    role: Role | None = None,
    grant_eligible: bool | None = None,
) -> Member:
    """Change a member's name, role or monthly-grant eligibility (what is None stays)."""
    member = get_member(s, member_id)
    if name is not None:
        if not name.strip():
            raise BadRequest("a member needs a name")
        member.name = name.strip()
    if role is not None:
        member.role = role
    if grant_eligible is not None:
        member.grant_eligible = grant_eligible
    s.flush()
    return member


def rotate_secret(s: Session, member_id: str) -> str:
    """A new phone-code secret (new phone, or the old one leaked); old codes stop working."""
    member = get_member(s, member_id)
    member.totp_secret = pyotp.random_base32()
    s.flush()
    return member.totp_secret


def revoke_secret(s: Session, member_id: str) -> None:
    """No phone codes for this member any more (lost phone); cards still work."""
    get_member(s, member_id).totp_secret = None
    s.flush()


def unlock_member(s: Session, member_id: str) -> int:
    """Forget the wrong tries and lock-outs of the member's phone codes and cards (staff, who
    have seen the member); returns how many credentials were locked or counting."""
    get_member(s, member_id)
    card_ids = s.scalars(select(Card.id).where(Card.member_id == member_id))
    keys = [lockouts.credential_key(lockouts.CredentialKind.PHONE, member_id)]
    keys += [lockouts.credential_key(lockouts.CredentialKind.CARD, c) for c in card_ids]
    return lockouts.unlock(s, keys)


def member_summary(s: Session, member_id: str) -> dict[str, Any]:
    """What `member show` prints: identity plus posted, held and spendable coins."""
    member = get_member(s, member_id)
    posted = book.posted_balance(s, book.member_account_id(member.id))
    held = book.open_holds_total(s, member.id, utcnow())
    return {
        "member": member.id,
        "name": member.name,
        "role": member.role.value,
        "balance": posted - held,
        "posted_balance": posted,
        "held": held,
        "grant": member.grant_eligible,
        "phone_code": member.totp_secret is not None,
    }


def member_details(s: Session, member_id: str) -> dict[str, Any]:
    """The summary plus the member's cards and history (every posting, oldest first)."""
    now = utcnow()
    member_cards = s.scalars(select(Card).where(Card.member_id == member_id).order_by(Card.id))
    return {
        **member_summary(s, member_id),
        "cards": [{"card": c.id, "state": cards.card_state(s, c, now)} for c in member_cards],
        "history": history.postings(s, member_id),
    }


def list_members(s: Session, role: Role | None = None) -> list[dict[str, Any]]:
    query = select(Member.id).order_by(Member.id)
    if role is not None:
        query = query.where(Member.role == role)
    return [member_summary(s, member_id) for member_id in s.scalars(query)]
