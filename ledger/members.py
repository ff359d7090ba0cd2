"""Members of the time bank: enrolment (with their TOTP secret and account) and look-up."""

from __future__ import annotations

import secrets
from typing import Any

import pyotp
from sqlalchemy.orm import Session

from ledger import book
from ledger.db import Member, Role, utcnow
from ledger.errors import BadRequest, UnknownMember

MEMBER_ID_DIGITS = 6  # "m" + 6 digits: short enough to type, never contains ':'


def new_member_id(s: Session) -> str:
    while True:
        candidate = "m" + str(secrets.randbelow(10**MEMBER_ID_DIGITS)).zfill(MEMBER_ID_DIGITS)
        if s.get(Member, candidate) is None:
            return candidate


def add_member(s: Session, name: str, role: Role = Role.MEMBER, coins: int = 0) -> Member:
    """Enrol a member; starting coins come from the grant pool as a real transaction."""
    if not name.strip():
        raise BadRequest("a member needs a name")
    if coins < 0:
        raise BadRequest(f"starting coins must not be negative, got {coins}")
    book.ensure_system_accounts(s)
    member = Member(
        id=new_member_id(s), name=name.strip(), role=role, totp_secret=pyotp.random_base32()
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
    }
