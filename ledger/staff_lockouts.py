"""Lock-outs of console logins after wrong tries, per account and per client address.

An account is locked for 1 minute after 5 wrong passwords or codes, an address after 20 (an
office's PCs share one); each further lock-out doubles the wait, up to an hour. A right login
starts the account over; an address starts over after a quiet hour. The rows live in
staff_lockouts (ledger.db), so every ledger process sees the same counts.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger.db import StaffLockout

FIRST_LOCKOUT = timedelta(minutes=1)
LONGEST_LOCKOUT = timedelta(hours=1)
QUIET = timedelta(hours=1)  # wrong tries older than this no longer count


class Keyed(enum.Enum):
    ACCOUNT = "account"
    ADDRESS = "address"


MAX_FAILURES = {Keyed.ACCOUNT: 5, Keyed.ADDRESS: 20}


def lockout_length(lockouts: int) -> timedelta:
    doublings = min(max(lockouts - 1, 0), 16)
    return min(FIRST_LOCKOUT * 2**doublings, LONGEST_LOCKOUT)


class LoginTries:
    """The wrong tries of one login attempt's account and address, read once, locked for
    update so that concurrent wrong tries all count."""

    def __init__(self, s: Session, username: str, address: str, now: datetime) -> None:
        self.s, self.now = s, now
        self.keys = {
            Keyed.ACCOUNT: f"account:{username[:40]}",
            Keyed.ADDRESS: f"address:{address[:64]}",
        }
        self.rows = {
            kind: s.get(StaffLockout, key, with_for_update=True) for kind, key in self.keys.items()
        }

    def locked_until(self) -> datetime | None:
        """The later of the account's and the address's lock-outs in force, if any."""
        ends = [
            row.locked_until
            for row in self.rows.values()
            if row is not None and row.locked_until is not None and row.locked_until > self.now
        ]
        return max(ends, default=None)

    def failed(self) -> datetime | None:
        """Count one wrong try on both; answers the lock-out it started, if any."""
        started: datetime | None = None
        for kind, key in self.keys.items():
            row = self.rows[kind] or self._create(kind, key)
            if self.now - row.last_failure_at > QUIET:
                row.failures = 0
                if self.now - row.last_failure_at > QUIET * 24:
                    row.lockouts = 0  # a quiet day: escalation starts over too
            row.failures += 1
            row.last_failure_at = self.now
            if row.failures >= MAX_FAILURES[kind]:
                row.failures = 0
                row.lockouts += 1
                row.locked_until = self.now + lockout_length(row.lockouts)
                started = max(started or row.locked_until, row.locked_until)
        self.s.flush()
        return started

    def _create(self, kind: Keyed, key: str) -> StaffLockout:
        try:
            # A savepoint: on PostgreSQL a concurrent first wrong try may insert it first.
            with self.s.begin_nested():
                row = StaffLockout(key=key, failures=0, lockouts=0, last_failure_at=self.now)
                self.s.add(row)
        except IntegrityError:
            found = self.s.get(StaffLockout, key, with_for_update=True, populate_existing=True)
            assert found is not None  # the twin's row, committed before our insert failed
            row = found
        self.rows[kind] = row
        return row

    def succeeded(self) -> None:
        """The account's count and escalation start over (the address's do not: one known
        account must not wipe an address's guesses at others)."""
        row = self.rows[Keyed.ACCOUNT]
        if row is not None:
            self.s.delete(row)
            self.s.flush()
            self.rows[Keyed.ACCOUNT] = None


def unlock(s: Session, username: str) -> None:
    """Forget an account's wrong tries (after `staff password`)."""
    row = s.get(StaffLockout, f"account:{username}")
    if row is not None:
        s.delete(row)
        s.flush()
