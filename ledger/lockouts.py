"""Lock-outs of one sign-in credential (a card's PIN, a member's phone codes) after wrong tries.

5 wrong tries lock the credential for 1 minute; each further lock-out doubles the wait, up to an
hour; a successful sign-in starts over. Only that credential is locked: a copied card guessed at
leaves the member's other cards and phone codes working. The state is a row of signin_lockouts
(ledger.db), so every ledger process on one database sees the same counts.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger.db import SigninLockout
from ledger.errors import LockedOut

MAX_FAILURES = 5
FIRST_LOCKOUT = timedelta(minutes=1)
LONGEST_LOCKOUT = timedelta(hours=1)


class CredentialKind(enum.Enum):
    CARD = "card"  # one printed card (its id), guessed at with PINs
    PHONE = "phone"  # one member number's phone codes, known member or not


LOCKED_MESSAGES = {
    CredentialKind.CARD: "too many wrong PINs: this card is locked for {wait}",
    CredentialKind.PHONE: "too many wrong codes: phone codes of this member are locked for {wait}",
}


def lockout_length(lockouts: int) -> timedelta:
    """How long the `lockouts`-th lock-out since the last success lasts."""
    doublings = min(max(lockouts - 1, 0), 16)  # 2**16 minutes is far past the cap already
    return min(FIRST_LOCKOUT * 2**doublings, LONGEST_LOCKOUT)


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} more seconds"
    minutes = (seconds + 59) // 60
    return "1 more minute" if minutes == 1 else f"{minutes} more minutes"


def locked_out(kind: CredentialKind, until: datetime, now: datetime) -> LockedOut:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return LockedOut(
        LOCKED_MESSAGES[kind].format(wait=wait_text(seconds)),
        extra={"retry_after": seconds},
        headers={"Retry-After": str(seconds)},
    )


def credential_key(kind: CredentialKind, ident: str) -> str:
    return f"{kind.value}:{ident}"


class Tries:
    """The wrong tries of one credential during one sign-in; its row is read once, locked for
    update, so that concurrent wrong tries (PostgreSQL, several processes) all count."""

    def __init__(self, s: Session, kind: CredentialKind, ident: str, now: datetime) -> None:
        self.s, self.kind, self.now = s, kind, now
        self.key = credential_key(kind, ident)
        self.row = self._read()

    def _read(self) -> SigninLockout | None:
        query = select(SigninLockout).where(SigninLockout.credential == self.key)
        return self.s.scalar(query.with_for_update())

    def refusal(self) -> LockedOut | None:
        """The lock-out in force, if any: then the credential is not even checked."""
        row = self.row
        if row is not None and row.locked_until is not None and row.locked_until > self.now:
            return locked_out(self.kind, row.locked_until, self.now)
        return None

    def failed(self) -> LockedOut | int:
        """Count one wrong try: the lock-out it starts, else the tries left before one."""
        row = self.row or self._create()
        locked = self.refusal()
        if locked is not None:  # a concurrent try made the row and locked it meanwhile
            return locked
        row.failures += 1
        if row.failures < MAX_FAILURES:
            self.s.flush()
            return MAX_FAILURES - row.failures
        row.failures = 0  # the next round after this lock-out has its full count again
        row.lockouts += 1
        row.locked_until = self.now + lockout_length(row.lockouts)
        self.s.flush()
        return locked_out(self.kind, row.locked_until, self.now)

    def succeeded(self) -> None:
        """The credential was right: its count and its escalation start over."""
        if self.row is not None:
            self.s.delete(self.row)
            self.s.flush()
            self.row = None

    def _create(self) -> SigninLockout:
        try:
            # A savepoint: on PostgreSQL a concurrent first wrong try may insert it first.
            with self.s.begin_nested():
                row = SigninLockout(credential=self.key, failures=0, lockouts=0)
                self.s.add(row)
        except IntegrityError:
            found = self._read()
            assert found is not None  # the twin's row, committed before our insert failed
            row = found
        self.row = row
        return row


def locked_until(s: Session, kind: CredentialKind, ident: str, now: datetime) -> datetime | None:
    """Until when the credential is locked, if it is now (for `member show`)."""
    row = s.get(SigninLockout, credential_key(kind, ident))
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def unlock(s: Session, keys: list[str]) -> int:
    """Forget the wrong tries of these credentials (staff, after checking who is asking)."""
    rows = list(s.scalars(select(SigninLockout).where(SigninLockout.credential.in_(keys))))
    for row in rows:
        s.delete(row)
    s.flush()
    return len(rows)
