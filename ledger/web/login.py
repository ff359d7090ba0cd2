"""Staff login and logout: username and password (argon2), then the authenticator's code when
the account has one; a rate limit per address, escalating lock-outs per account and address,
and every try in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ledger import audit, rate_limits, staff
from ledger.audit import AuditAction
from ledger.db import Staff, WebSessionState
from ledger.staff_lockouts import LoginTries
from ledger.web import layout
from ledger.web.access import address
from ledger.web.errors import TooManyLogins
from ledger.web.layer import WebLayer, web_router

# Every login try from one address, right or wrong: each costs an argon2 hash (~0.1 s of a
# core), so a flood must not take the machine. A dozen at once, then one every 5 s.
LOGIN_ATTEMPTS = rate_limits.Rate(burst=12, per_second=0.2)

FormField = Annotated[str, Form(max_length=500)]


@dataclass(frozen=True)
class Outcome:
    account: Staff | None = None  # the password was right
    locked_until: datetime | None = None


def _minutes(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def router(layer: WebLayer) -> APIRouter:
    web = web_router()
    attempts = rate_limits.Buckets(LOGIN_ATTEMPTS, lambda: layer.clock().timestamp())

    def login_page(
        request: Request, status: int = 200, error: str = "", **values: object
    ) -> Response:
        next_page = layout.local_path(request.query_params.get("next", "/staff/")[:2000])
        return layout.render(
            request,
            "login.html",
            status,
            error=error,
            values=values,
            next_page=next_page,
            bye=request.query_params.get("bye") == "1",
        )

    def take_attempt(where: str) -> None:
        wait = attempts.take(where)
        if wait:
            raise TooManyLogins(rate_limits.whole_seconds(wait))

    @web.get("/staff/login")
    def show_login(request: Request) -> Response:
        session = layer.sessions.find(request)
        if session is not None and session.state == WebSessionState.SIGNED_IN:
            return layout.redirect(request, "/staff/")
        return login_page(request)

    @web.post("/staff/login")
    def log_in(
        request: Request, username: FormField = "", password: FormField = "", next: FormField = ""
    ) -> Response:
        where = address(request)
        take_attempt(where)
        now = layer.clock()
        username = username.strip().lower()[:40]
        with layer.db() as s, s.begin():
            tries = LoginTries(s, username, where, now)
            row = s.get(Staff, username) if staff.USERNAME.fullmatch(username) else None
            # A typed name that is no account may be a password typed in the wrong box.
            who = row.username if row is not None else None
            unknown = {} if row is not None else {"unknown_username": True}
            locked = tries.locked_until()
            if locked is not None:
                audit.record(s, AuditAction.LOGIN_LOCKED, who, where, now, **unknown)
                outcome = Outcome(locked_until=locked)
            elif not staff.password_matches(row, password):
                started = tries.failed()
                locks = {"locked": True} if started else {}
                audit.record(s, AuditAction.LOGIN_FAILED, who, where, now, **unknown, **locks)
                outcome = Outcome(locked_until=started)
            else:
                assert row is not None
                if row.totp_secret is None:
                    tries.succeeded()
                    audit.record(s, AuditAction.LOGIN, row.username, where, now)
                outcome = Outcome(account=row)
        target = layout.local_path(next)
        if outcome.account is None:
            if outcome.locked_until is None:
                return login_page(request, 401, "login.wrong")
            minutes = _minutes(outcome.locked_until, now)
            return login_page(request, 429, "login.locked", minutes=minutes)
        if outcome.account.totp_secret is not None:
            layer.sessions.start(request, WebSessionState.AWAITING_CODE, outcome.account.username)
            return layout.redirect(request, "/staff/login/code?next=" + quote(target))
        layer.sessions.start(request, WebSessionState.SIGNED_IN, outcome.account.username)
        return layout.redirect(request, target)

    def code_page(
        request: Request, status: int = 200, error: str = "", **values: object
    ) -> Response:
        next_page = layout.local_path(request.query_params.get("next", "/staff/")[:2000])
        return layout.render(
            request, "login_code.html", status, error=error, values=values, next_page=next_page
        )

    @web.get("/staff/login/code")
    def show_code(request: Request) -> Response:
        session = layer.sessions.find(request)
        if session is None or session.state != WebSessionState.AWAITING_CODE:
            return layout.redirect(request, "/staff/login")
        return code_page(request)

    @web.post("/staff/login/code")
    def check_code(request: Request, code: FormField = "", next: FormField = "") -> Response:
        session = layer.sessions.find(request)
        if session is None or session.state != WebSessionState.AWAITING_CODE:
            return layout.redirect(request, "/staff/login")
        where = address(request)
        take_attempt(where)
        now = layer.clock()
        with layer.db() as s, s.begin():
            row = staff.get_staff(s, str(session.staff))
            tries = LoginTries(s, row.username, where, now)
            locked = tries.locked_until()
            if (
                locked is None
                and row.disabled_at is None
                and staff.code_matches(row, code.strip(), now)
            ):
                tries.succeeded()
                audit.record(s, AuditAction.LOGIN, row.username, where, now, second_factor=True)
                right = True
            else:
                right = False
                if locked is None:
                    locked = tries.failed()
                    audit.record(s, AuditAction.CODE_FAILED, row.username, where, now)
                else:
                    audit.record(s, AuditAction.LOGIN_LOCKED, row.username, where, now)
        if not right:
            if locked is not None:
                layer.sessions.end(request)  # locked: the password must be typed again after
                return login_page(request, 429, "login.locked", minutes=_minutes(locked, now))
            return code_page(request, 401, "login.code_wrong")
        layer.sessions.start(request, WebSessionState.SIGNED_IN, row.username)
        return layout.redirect(request, layout.local_path(next))

    @web.post("/staff/logout")
    def log_out(request: Request) -> Response:
        session = layer.sessions.find(request)
        if session is not None and session.state == WebSessionState.SIGNED_IN:
            with layer.db() as s, s.begin():
                audit.record(s, AuditAction.LOGOUT, session.staff, address(request), layer.clock())
        layer.sessions.end(request)
        return layout.redirect(request, "/staff/login?bye=1")

    return web
