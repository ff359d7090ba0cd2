"""Who may see a console page: a dependency that finds the signed-in staff account or sends
the browser to the login page, and refuses (403, audited) a page above the account's role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from ledger import audit
from ledger.audit import AuditAction
from ledger.db import Staff, StaffRole, WebSessionState
from ledger.staff import StaffView, view
from ledger.web.errors import LoginRequired, RoleRefused

RANK = {StaffRole.CLERK: 0, StaffRole.MANAGER: 1, StaffRole.ADMIN: 2}


def address(request: Request) -> str:
    """The client's address: the proxy's X-Forwarded-For when the server believes the proxy
    (ledger.server_limits), else the peer's."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class SignedIn:
    """The staff account behind a console request, and where it came from."""

    staff: StaffView
    address: str

    def may(self, role: StaffRole) -> bool:
        return RANK[self.staff.role] >= RANK[role]


def signed_in(minimum: StaffRole = StaffRole.CLERK) -> Callable[[Request], SignedIn]:
    """A dependency: the signed-in account if its role is at least `minimum`."""

    def dependency(request: Request) -> SignedIn:
        layer = request.app.state.web
        session = layer.sessions.find(request)
        if session is None or session.state != WebSessionState.SIGNED_IN:
            raise LoginRequired("this page needs a staff login")
        with layer.db() as s, s.begin():
            row = s.get(Staff, session.staff)
            if row is None or row.disabled_at is not None:
                raise LoginRequired("the staff account is gone or disabled")
            who = SignedIn(view(row), address(request))
            if not who.may(minimum):
                audit.record(
                    s,
                    AuditAction.ACCESS_REFUSED,
                    row.username,
                    who.address,
                    layer.clock(),
                    path=request.url.path,
                )
        request.state.staff = who  # for the page's layout (name, role, menu)
        if not who.may(minimum):
            raise RoleRefused(f"{request.url.path} needs the {minimum.value} role")
        return who

    return dependency
