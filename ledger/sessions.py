"""Kiosk sessions: a member signed in at one kiosk, for a short time, by an opaque id."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from ledger.db import KioskSession, utcnow
from ledger.errors import Forbidden, InvalidSession, NotFound
from ledger.limits import well_formed_id

SESSION_TTL = timedelta(minutes=10)


def open_session(
    s: Session, kiosk_id: str, member_id: str, now: datetime | None = None
) -> KioskSession:
    now = now or utcnow()
    session = KioskSession(
        id=secrets.token_urlsafe(24),
        kiosk_id=kiosk_id,
        member_id=member_id,
        created_at=now,
        expires_at=now + SESSION_TTL,
    )
    s.add(session)
    s.flush()
    return session


def live_session(
    s: Session, session_id: str, kiosk_id: str, now: datetime | None = None
) -> KioskSession:
    """The session if it is open and belongs to this kiosk."""
    now = now or utcnow()
    session = s.get(KioskSession, session_id)
    if session is None or session.ended_at is not None or session.expires_at <= now:
        raise InvalidSession("the session is unknown, ended or expired; scan the code again")
    if session.kiosk_id != kiosk_id:
        raise Forbidden("this session was opened at another kiosk")
    return session


_sessions = KioskSession.__table__
# Built once with bound parameters (see ledger.book_sql): it runs on every hold.
_LIVE_MEMBER = select(_sessions.c.member_id, _sessions.c.kiosk_id).where(
    _sessions.c.id == bindparam("sid"),
    _sessions.c.ended_at.is_(None),
    _sessions.c.expires_at > bindparam("now"),
)


def live_member(s: Session | Connection, session_id: str, kiosk_id: str, now: datetime) -> str:
    """The member of the session if it is open and belongs to this kiosk (one Core read)."""
    row = s.execute(_LIVE_MEMBER, {"sid": session_id, "now": now}).first()
    if row is None:
        raise InvalidSession("the session is unknown, ended or expired; scan the code again")
    if row.kiosk_id != kiosk_id:
        raise Forbidden("this session was opened at another kiosk")
    return str(row.member_id)


def end_session(s: Session, session_id: str, kiosk_id: str, now: datetime | None = None) -> None:
    """End the session; ending an unknown or already ended session is harmless, but a
    malformed id (not one the ledger hands out) is a 404."""
    if not well_formed_id(session_id):
        raise NotFound("no such session")
    session = s.get(KioskSession, session_id)
    if session is None or session.ended_at is not None:
        return
    if session.kiosk_id != kiosk_id:
        raise Forbidden("this session was opened at another kiosk")
    session.ended_at = now or utcnow()
    s.flush()
