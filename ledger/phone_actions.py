"""One-use tokens of the phone's money forms: a double tap (or a resent form) acts once.

Each confirm page carries a fresh random token. The post that acts writes the token's row in
the same database transaction as its coins, before them: a repeat waits for that row (the
primary key; SQLite's write lock) and then finds it, so it shows the first one's result
instead of acting again. A token belongs to the device it was given to.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from ledger.errors import BadRequest
from ledger.phone_tables import PhoneAction

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def done_before(s: Session, token: str, device_id: str, kind: str) -> PhoneAction | None:
    """The action this token already made on this device, if any (of this kind)."""
    if not TOKEN.fullmatch(token):
        raise BadRequest("the form has no valid one-use token; open it again")
    found = s.get(PhoneAction, token)
    if found is not None and (found.device_id != device_id or found.kind != kind):
        raise BadRequest("this form's token was given for another phone or form; open it again")
    return found


def act_once(
    s: Session, token: str, device_id: str, kind: str, now: datetime, act: Callable[[], str]
) -> tuple[str, bool]:
    """(result, acted): `act` runs unless the token was used; its result is kept for repeats.

    The row goes in first and is flushed, so on PostgreSQL a concurrent twin blocks on the
    primary key until this transaction ends, then fails with IntegrityError (its caller
    rolls back and calls `done_before` in a new transaction).
    """
    earlier = done_before(s, token, device_id, kind)
    if earlier is not None:
        return earlier.result, False
    row = PhoneAction(token=token, device_id=device_id, kind=kind, result="", created_at=now)
    s.add(row)
    s.flush()
    row.result = act()
    s.flush()
    return row.result, True
