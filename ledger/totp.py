"""Phone codes `tb1:<member_id>:<otp>`: RFC 6238 TOTP (HMAC-SHA256, 8 digits, 30 s step), from
the member's own secret or any of their enrolled phones' (ledger.devices).

A code is accepted within one step either side of now, and each (member, step) only once.
Wrong codes lock that member number's phone codes (ledger.lockouts), known member or not: a
wrong code is answered alike, in about the same time, whether the member exists or not.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import devices, lockouts
from ledger.db import Member, UsedTotpStep
from ledger.errors import ApiError, CodeUsed, InvalidCode, LockedOut
from ledger.lockouts import CredentialKind

DIGITS = 8
STEP_SECONDS = 30
WINDOW_STEPS = 1  # phone and kiosk clocks may differ by up to one step
PHONE_PREFIX = "tb1"
CARD_PREFIX = "tbc1"
# [0-9], not \d: \d also takes other scripts' digits ("١٢٣"), which the HMAC check cannot compare.
MEMBER_ID_PATTERN = re.compile(r"m[0-9]{6}")
OTP_PATTERN = re.compile(rf"[0-9]{{{DIGITS}}}")
# The one answer to a wrong code, for a member who exists, one who does not, and one whose
# phone codes were revoked: any difference would tell which member numbers exist.
WRONG_CODE = "the code is wrong or too old; scan the code your phone shows now"
# Checked in place of a secret when there is none, so that the answer takes as long.
_DECOY_SECRET = pyotp.random_base32()


def totp_for(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, digest=hashlib.sha256, interval=STEP_SECONDS)


def phone_code(member_id: str, secret: str, at: float | None = None) -> str:
    """The code a member's phone shows at time `at` (what the QR code holds)."""
    otp = totp_for(secret).at(int(time.time() if at is None else at))
    return f"{PHONE_PREFIX}:{member_id}:{otp}"


def parse_phone_code(code: str) -> tuple[str, str]:
    """(member_id, otp) of a phone code, or InvalidCode saying what is wrong with it."""
    code = code.strip()
    prefix = code.split(":", 1)[0]
    if prefix != PHONE_PREFIX:
        raise InvalidCode(
            f"not a member code: expected '{PHONE_PREFIX}:<member>:<code>' or "
            f"'{CARD_PREFIX}:<card>:<secret>'"
        )
    parts = code.split(":")
    if len(parts) != 3:
        raise InvalidCode(f"a phone code has 3 parts separated by ':', this one has {len(parts)}")
    _, member_id, otp = parts
    if not MEMBER_ID_PATTERN.fullmatch(member_id):
        raise InvalidCode(f"member id {member_id!r} is malformed: expected 'm' and 6 digits")
    if not OTP_PATTERN.fullmatch(otp):
        raise InvalidCode(f"the one-time code must be {DIGITS} digits")
    return member_id, otp


def matching_step(secret: str, otp: str, now: float) -> int | None:
    """The time step within the window whose code equals `otp`, if any."""
    totp = totp_for(secret)
    current = int(now) // STEP_SECONDS
    for step in range(max(0, current - WINDOW_STEPS), current + WINDOW_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), otp):
            return step
    return None


def accept_phone_code(s: Session, code: str, now: datetime) -> Member | ApiError:
    """The member whose valid, unused phone code this is (its step marked used in `s`), or the
    refusal of a wrong code to raise AFTER committing `s` (see ledger.cards.accept_card)."""
    member_id, otp = parse_phone_code(code)
    member = s.get(Member, member_id)
    tries = lockouts.Tries(s, CredentialKind.PHONE, member_id, now)
    locked = tries.refusal()
    if locked is not None:
        raise locked
    # The member's own secret and each live enrolled phone's (ledger.devices): the code names
    # the member, not the phone, so the kiosk reads every phone alike.
    known = [member.totp_secret] if member is not None and member.totp_secret else []
    if member is not None:
        known += devices.live_secrets(s, member_id)
    steps = [matching_step(secret, otp, now.timestamp()) for secret in known or [_DECOY_SECRET]]
    step = next((found for found in steps if found is not None), None)
    if step is None or not known or member is None:
        outcome = tries.failed()
        return outcome if isinstance(outcome, LockedOut) else InvalidCode(WRONG_CODE)
    used = s.scalar(
        select(UsedTotpStep).where(UsedTotpStep.member_id == member_id, UsedTotpStep.step == step)
    )
    if used is not None:
        raise CodeUsed("this code was already used; wait for the next code on the phone")
    try:
        # A savepoint: on PostgreSQL a concurrent twin may insert first; the key catches it.
        with s.begin_nested():
            s.add(UsedTotpStep(member_id=member_id, step=step))
    except IntegrityError:
        raise CodeUsed("this code was already used; wait for the next code on the phone") from None
    tries.succeeded()
    return member
