"""Printed member cards `tbc1:<card_id>:<card_secret>` and their PINs, with lock-out.

The card secret is random, so a SHA-256 hash is enough; a PIN is short and guessable, so it
is hashed with scrypt (slow on purpose), and wrong PINs lock that card alone (ledger.lockouts).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import lockouts
from ledger.db import Card, Member, utcnow
from ledger.errors import (
    ApiError,
    BadRequest,
    CardRevoked,
    InvalidCode,
    LockedOut,
    PinNotSet,
    PinRequired,
    UnknownCard,
    WrongPin,
)
from ledger.lockouts import CredentialKind
from ledger.totp import CARD_PREFIX

CARD_ID_PATTERN = re.compile(r"c[0-9a-f]{8}")
CARD_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
PIN_PATTERN = re.compile(r"\d{4,8}")
# scrypt cost: ~16 MiB and tens of milliseconds per check, so guessing offline is slow too.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
# The pin_hash of a card printed in a batch for members not at the office (the console's
# 批量打印, `card issue M1 M2 ... --no-pin`): no scrypt hash looks like it, so no PIN matches
# and the card signs in nowhere until its member types a PIN on the console's pad
# (set_pin_hash). The clerk never learns the PIN, as with a card issued on the pad.
NO_PIN = "none"


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got.hex(), digest)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_pin_format(pin: str) -> None:
    if not PIN_PATTERN.fullmatch(pin):
        raise BadRequest("a PIN is 4 to 8 digits")


def issue_card(s: Session, member: Member, pin: str) -> tuple[Card, str]:
    """One more card for `member`, earlier cards left as they are (staff issue cards with
    `replace_card`); returns it and its code, which is never retrievable again."""
    check_pin_format(pin)
    return _new_card(s, member, hash_pin(pin))


def replace_card(s: Session, member: Member, pin_hash: str, now: datetime) -> tuple[Card, str]:
    """The card staff issue (`card issue`, the console): a new card for `member` with an
    already hashed PIN (the console's pad hashes it) or NO_PIN (a batch printed for members
    not at the office), its code never retrievable again; the
    member's earlier cards are revoked, so a lost one stops working when its replacement is
    printed."""
    for old in s.scalars(select(Card).where(Card.member_id == member.id)):
        if old.revoked_at is None:
            old.revoked_at = now
    return _new_card(s, member, pin_hash)


def has_pin(card: Card) -> bool:
    return card.pin_hash != NO_PIN


def _new_card(s: Session, member: Member, pin_hash: str) -> tuple[Card, str]:
    while True:
        card_id = "c" + secrets.token_hex(4)
        if s.get(Card, card_id) is None:
            break
    secret = secrets.token_urlsafe(18)
    card = Card(id=card_id, member_id=member.id, secret_hash=hash_secret(secret), pin_hash=pin_hash)
    s.add(card)
    s.flush()
    return card, f"{CARD_PREFIX}:{card_id}:{secret}"


def active_card(s: Session, member_id: str) -> Card | None:
    """The member's card in use (replace_card leaves at most one), if any."""
    query = select(Card).where(Card.member_id == member_id, Card.revoked_at.is_(None))
    return s.scalars(query.order_by(Card.created_at.desc())).first()


def set_pin_hash(s: Session, card: Card, pin_hash: str) -> None:
    """A new PIN for the card (the member forgot theirs); its wrong tries are forgotten."""
    if card.revoked_at is not None:
        raise CardRevoked(f"card {card.id} was revoked; issue a new card instead")
    card.pin_hash = pin_hash
    lockouts.unlock(s, [lockouts.credential_key(CredentialKind.CARD, card.id)])
    s.flush()


def get_card(s: Session, card_id: str) -> Card:
    card = s.get(Card, card_id)
    if card is None:
        raise UnknownCard(f"no card {card_id!r}")
    return card


def revoke_card(s: Session, card_id: str, now: datetime | None = None) -> Card:
    """Revoke a card (lost or stolen); revoking twice keeps the first time."""
    card = get_card(s, card_id)
    if card.revoked_at is None:
        card.revoked_at = now or utcnow()
        s.flush()
    return card


def card_state(s: Session, card: Card, now: datetime) -> str:
    if card.revoked_at is not None:
        return "revoked"
    if lockouts.locked_until(s, CredentialKind.CARD, card.id, now) is not None:
        return "locked"
    return "active" if has_pin(card) else "no_pin"


def parse_card_code(code: str) -> tuple[str, str]:
    """(card_id, secret) of a card code, or InvalidCode saying what is wrong with it."""
    parts = code.strip().split(":")
    if len(parts) != 3:
        raise InvalidCode(f"a card code has 3 parts separated by ':', this one has {len(parts)}")
    _, card_id, secret = parts
    if not CARD_ID_PATTERN.fullmatch(card_id):
        raise InvalidCode(f"card id {card_id!r} is malformed: expected 'c' and 8 hex digits")
    if not CARD_SECRET_PATTERN.fullmatch(secret):
        raise InvalidCode("the card secret is malformed")
    return card_id, secret


def accept_card(s: Session, code: str, pin: str | None, now: datetime) -> Member | ApiError:
    """The card's member, or the refusal of a wrong PIN to raise AFTER committing `s`.

    A wrong PIN must be counted even though the sign-in fails, so its refusal is returned, not
    raised (raising would roll the count back); every returned refusal is a wrong guess. Other
    refusals, a lock-out in force among them, change nothing and raise.
    """
    card_id, secret = parse_card_code(code)
    card = s.scalar(select(Card).where(Card.id == card_id).with_for_update())
    if card is None or not hmac.compare_digest(card.secret_hash, hash_secret(secret)):
        raise InvalidCode("this card is not known to the time bank")
    if card.revoked_at is not None:
        raise CardRevoked("this card was revoked; ask the time-bank staff for a new one")
    if not has_pin(card):  # before asking for a PIN: no PIN can be right
        raise PinNotSet("this card has no PIN yet; set it at the community office")
    if not pin:
        raise PinRequired("enter the card's PIN")
    tries = lockouts.Tries(s, CredentialKind.CARD, card.id, now)
    locked = tries.refusal()
    if locked is not None:
        raise locked  # before the PIN is even checked: guessing on meanwhile learns nothing
    if pin_matches(pin, card.pin_hash):
        tries.succeeded()
        member = s.get(Member, card.member_id)
        assert member is not None  # foreign key
        return member
    outcome = tries.failed()
    if isinstance(outcome, LockedOut):
        return outcome
    return WrongPin(f"wrong PIN; {outcome} tries left", extra={"attempts_left": outcome})
