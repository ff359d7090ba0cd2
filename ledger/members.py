"""Members of the time bank: enrolment (with their TOTP secret and account, refusing a likely
duplicate unless told: ledger.member_twins), changes, deactivation (never deletion) and look-up."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import book, cards, history, lockouts, member_twins
from ledger.db import Card, Member, Role, utcnow
from ledger.errors import BadRequest, DuplicateMember, MemberDeactivated, UnknownMember
from ledger.limits import MAX_COINS

MEMBER_ID_DIGITS = 6  # "m" + 6 digits: short enough to type, never contains ':'


def new_member_id(s: Session) -> str:
    while True:
        candidate = "m" + str(secrets.randbelow(10**MEMBER_ID_DIGITS)).zfill(MEMBER_ID_DIGITS)
        if s.get(Member, candidate) is None:
            return candidate


PHONE_PATTERN = re.compile(r"\+?[0-9]{5,20}")
MAX_NAME, MAX_ADDRESS, MAX_NOTES = 200, 300, 2000


@dataclass(frozen=True)
class Contact:
    """How the office reaches a member; None (or blank) is 'not given'."""

    phone: str | None = None
    address: str | None = None
    notes: str | None = None


def clean_phone(raw: str | None) -> str | None:
    """A phone number as stored: digits and a leading '+', spaces and dashes dropped."""
    if raw is None or not raw.strip():
        return None
    phone = re.sub(r"[\s\-()]", "", raw)
    if not PHONE_PATTERN.fullmatch(phone):
        raise BadRequest(f"phone {raw.strip()!r}: 5 to 20 digits, optionally after a '+'")
    return phone


def _text(raw: str | None, what: str, longest: int) -> str | None:
    if raw is None or not raw.strip():
        return None
    if len(raw.strip()) > longest:
        raise BadRequest(f"{what} is longer than {longest} characters")
    return raw.strip()


def _name(raw: str) -> str:
    if not raw.strip():
        raise BadRequest("a member needs a name")
    if len(raw.strip()) > MAX_NAME:
        raise BadRequest(f"a name is longer than {MAX_NAME} characters")
    return raw.strip()


def add_member(
    s: Session,
    name: str,
    role: Role = Role.MEMBER,
    coins: int = 0,
    grant_eligible: bool = False,
    contact: Contact = Contact(),
    allow_duplicate: bool = False,
) -> Member:
    """Enrol a member; starting coins come from the grant pool as a real transaction. A likely
    duplicate (ledger.member_twins: the same phone, or the same name and address) is refused
    with DuplicateMember unless `allow_duplicate`. The same name alone is a softer sign that
    does not refuse here: the console asks the clerk first, the CLI notes it."""
    name = _name(name)
    if not 0 <= coins <= MAX_COINS:
        raise BadRequest(f"starting coins must be 0 to {MAX_COINS}, got {coins}")
    phone = clean_phone(contact.phone)
    if not allow_duplicate:
        found = member_twins.likely_twins(s, name, phone, contact.address)
        twins = [t for t in found if t["strong"]]  # the same name alone: the caller's to say
        if twins:
            raise DuplicateMember(
                f"a member like this is enrolled already: {member_twins.described(twins)};"
                " the same person? (confirm to enrol anyway)",
                extra={"members": twins},
            )
    book.ensure_system_accounts(s)
    member = Member(
        id=new_member_id(s),
        name=name,
        role=role,
        totp_secret=pyotp.random_base32(),
        grant_eligible=grant_eligible,
        phone=phone,
        address=_text(contact.address, "an address", MAX_ADDRESS),
        notes=_text(contact.notes, "the notes", MAX_NOTES),
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


def active_member(s: Session, member_id: str) -> Member:
    """The member, refused with MemberDeactivated if deactivated (no card for them)."""
    member = get_member(s, member_id)
    if member.deactivated_at is not None:
        raise MemberDeactivated(f"member {member_id} was deactivated")
    return member


def update_member(
    s: Session,
    member_id: str,
    name: str | None = None,
    role: Role | None = None,
    grant_eligible: bool | None = None,
    contact: Contact | None = None,
) -> dict[str, Any]:
    """Change a member's name, role, monthly-grant eligibility or contact (what is None stays;
    a contact given replaces all three of its fields). Returns what changed, old and new."""
    member = get_member(s, member_id)
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = _name(name)
    if role is not None:
        wanted["role"] = role
    if grant_eligible is not None:
        wanted["grant_eligible"] = grant_eligible
    if contact is not None:
        wanted["phone"] = clean_phone(contact.phone)
        wanted["address"] = _text(contact.address, "an address", MAX_ADDRESS)
        wanted["notes"] = _text(contact.notes, "the notes", MAX_NOTES)
    changed: dict[str, Any] = {}
    for field, value in wanted.items():
        old = getattr(member, field)
        if old != value:
            changed[field] = [_shown(old), _shown(value)]
            setattr(member, field, value)
    s.flush()
    return changed


def _shown(value: Any) -> Any:
    return value.value if isinstance(value, Role) else value


def deactivate_member(s: Session, member_id: str, now: datetime) -> int:
    """Deactivate a member (never deleted: the history stays): their cards are revoked and
    their phone codes turned off, and ledger.signin refuses them. Returns cards revoked."""
    member = get_member(s, member_id)
    if member.deactivated_at is None:
        member.deactivated_at = now
    revoked = 0
    for card in s.scalars(select(Card).where(Card.member_id == member_id)):
        if card.revoked_at is None:
            card.revoked_at = now
            revoked += 1
    member.totp_secret = None
    s.flush()
    return revoked


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
        "phone": member.phone,
        "address": member.address,
        "notes": member.notes,
        "active": member.deactivated_at is None,
    }


def member_details(s: Session, member_id: str) -> dict[str, Any]:
    """The summary plus the member's cards and history (every posting, oldest first)."""
    now = utcnow()
    member_cards = s.scalars(select(Card).where(Card.member_id == member_id).order_by(Card.id))
    listed = [{"card": c.id, "state": cards.card_state(s, c, now)} for c in member_cards]
    phone_locked = lockouts.locked_until(s, lockouts.CredentialKind.PHONE, member_id, now)
    return {
        **member_summary(s, member_id),
        "cards": listed,
        # A card or the phone codes locked after wrong tries: the console offers the unlock.
        "locked": phone_locked is not None or any(c["state"] == "locked" for c in listed),
        "history": history.postings(s, member_id),
    }


def list_members(s: Session, role: Role | None = None) -> list[dict[str, Any]]:
    query = select(Member.id).order_by(Member.id)
    if role is not None:
        query = query.where(Member.role == role)
    return [member_summary(s, member_id) for member_id in s.scalars(query)]
