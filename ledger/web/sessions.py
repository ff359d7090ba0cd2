"""Server-side sessions of the web pages: a random id in an HttpOnly, SameSite=Lax cookie
(Secure when the request came over HTTPS), the row in web_sessions kept under its SHA-256.

A visitor gets an anonymous session the first time a page shows them a form (it carries the
form's CSRF token); logging in replaces it by a new one, so an id seen before the login is
worth nothing after it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi import Request, Response
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import WebSession, WebSessionState

COOKIE = "tb_session"
ANONYMOUS_FOR = timedelta(hours=2)  # a form left open this long must be opened again
SIGNED_IN_FOR = timedelta(hours=12)  # one working day, then log in again
IDLE_FOR = timedelta(minutes=30)  # a console left alone signs out
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
_MAX_COOKIE = 100


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _alive(row: WebSession, now: datetime) -> bool:
    if row.expires_at <= now:
        return False
    return row.state == WebSessionState.ANONYMOUS or now - row.last_seen_at < IDLE_FOR


class WebSessions:
    """Finds, starts and ends the session of a request (cached on `request.state`)."""

    def __init__(self, db: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self.db, self.clock = db, clock

    def find(self, request: Request) -> WebSession | None:
        if hasattr(request.state, "web_session"):
            found: WebSession | None = request.state.web_session
            return found
        token = request.cookies.get(COOKIE, "")
        found = None
        if token and len(token) <= _MAX_COOKIE:
            now = self.clock()
            with self.db() as s, s.begin():
                row = s.get(WebSession, digest(token))
                if row is not None and _alive(row, now):
                    if now - row.last_seen_at >= TOUCH_EVERY:
                        row.last_seen_at = now
                    found = row
        request.state.web_session = found
        return found

    def ensure(self, request: Request) -> WebSession:
        """The request's session, an anonymous one started if it has none."""
        return self.find(request) or self.start(request, WebSessionState.ANONYMOUS, None)

    def start(self, request: Request, state: WebSessionState, staff: str | None) -> WebSession:
        """A new session for this browser (the old one, if any, ends): at login, and for a
        visitor given their first form."""
        now = self.clock()
        token = secrets.token_urlsafe(32)
        lasting = ANONYMOUS_FOR if state == WebSessionState.ANONYMOUS else SIGNED_IN_FOR
        with self.db() as s, s.begin():
            self._drop(s, request)
            # Expired rows go whenever a session starts: the table holds only live ones.
            s.execute(delete(WebSession).where(WebSession.expires_at <= now))
            row = WebSession(
                id_hash=digest(token),
                state=state,
                staff=staff,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                last_seen_at=now,
                expires_at=now + lasting,
            )
            s.add(row)
        request.state.web_session = row
        request.state.web_cookie = token
        return row

    def end(self, request: Request) -> None:
        with self.db() as s, s.begin():
            self._drop(s, request)
        request.state.web_session = None
        request.state.web_cookie = ""

    def _drop(self, s: Session, request: Request) -> None:
        token = request.cookies.get(COOKIE, "")
        if token and len(token) <= _MAX_COOKIE:
            s.execute(delete(WebSession).where(WebSession.id_hash == digest(token)))


def set_cookie(request: Request, response: Response) -> None:
    """Give the browser the session started (or forget the one ended) by this request."""
    token = getattr(request.state, "web_cookie", None)
    if token is None:
        return
    secure = request.url.scheme == "https"  # behind the proxy: its X-Forwarded-Proto
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/")
    else:
        response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=secure, path="/")
