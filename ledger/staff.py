"""Staff accounts of the console: add, list, disable, reset a password, enrol a second factor,
and check a login. Passwords are kept only as argon2id hashes (argon2-cffi)."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ledger.db import Staff, StaffRole, WebSession
from ledger.errors import BadRequest, NotFound

HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
# Verified when the username is unknown or disabled, so that a wrong username costs as long
# as a wrong password and the answer's time does not tell which usernames exist.
_DECOY_HASH = HASHER.hash("not a password of anyone")

USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,39}")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
TOTP_ISSUER = "Timebank ledger"


class UnknownStaff(NotFound):
    """No staff account by this username."""

    code = "unknown_staff"


@dataclass(frozen=True)
class StaffView:
    """What the console and `staff list` show of an account (never its hash or secret)."""

    username: str
    name: str
    role: StaffRole
    second_factor: bool
    disabled: bool

    def json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "name": self.name,
            "role": self.role.value,
            "second_factor": self.second_factor,
            "disabled": self.disabled,
        }


def view(row: Staff) -> StaffView:
    return StaffView(
        row.username, row.name, row.role, row.totp_secret is not None, row.disabled_at is not None
    )


def check_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise BadRequest(
            f"username {username!r}: 2 to 40 characters, lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter"
        )
    return username


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise BadRequest(f"a staff password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def get_staff(s: Session, username: str) -> Staff:
    row = s.get(Staff, username)
    if row is None:
        raise UnknownStaff(f"no staff account {username!r}")
    return row


def add_staff(s: Session, username: str, role: StaffRole, name: str, password: str) -> Staff:
    check_username(username)
    if s.get(Staff, username) is not None:
        raise BadRequest(f"staff account {username!r} exists already")
    row = Staff(
        username=username,
        name=name.strip() or username,
        role=role,
        password_hash=HASHER.hash(check_password(password)),
    )
    s.add(row)
    s.flush()
    return row


def list_staff(s: Session) -> list[StaffView]:
    return [view(row) for row in s.scalars(select(Staff).order_by(Staff.username))]


def end_sessions(s: Session, username: str) -> None:
    """Sign the account out of every browser (after a disable or a password reset)."""
    s.execute(delete(WebSession).where(WebSession.staff == username))


def disable(s: Session, username: str, now: datetime) -> Staff:
    row = get_staff(s, username)
    if row.disabled_at is None:
        row.disabled_at = now
    end_sessions(s, username)
    s.flush()
    return row


def set_password(s: Session, username: str, password: str) -> Staff:
    row = get_staff(s, username)
    row.password_hash = HASHER.hash(check_password(password))
    end_sessions(s, username)
    s.flush()
    return row


def enrol_totp(s: Session, username: str) -> str:
    """A new second-factor secret; answers its provisioning URI (shown once, as a QR code or
    typed into an authenticator app). A secret enrolled before stops working."""
    row = get_staff(s, username)
    row.totp_secret = pyotp.random_base32()
    row.totp_last_step = None
    s.flush()
    return pyotp.TOTP(row.totp_secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def password_matches(row: Staff | None, password: str) -> bool:
    """Whether `password` opens this account (None or disabled: never, at the same cost).
    A hash made with older parameters is renewed on the way."""
    usable = row is not None and row.disabled_at is None
    try:
        HASHER.verify(row.password_hash if row is not None and usable else _DECOY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    if row is None or not usable:
        return False
    if HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = HASHER.hash(password)
    return True


def code_matches(row: Staff, code: str, now: datetime) -> bool:
    """Whether `code` is the account's current second-factor code (one step either side for
    a slow clock), never one already taken."""
    if row.totp_secret is None or not re.fullmatch(r"\d{6}", code):
        return False
    totp = pyotp.TOTP(row.totp_secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if candidate > (row.totp_last_step or -1) and hmac.compare_digest(
            totp.generate_otp(candidate), code
        ):
            row.totp_last_step = candidate
            return True
    return False
