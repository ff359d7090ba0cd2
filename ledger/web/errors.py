"""What the web pages refuse: each is answered with a page (or a redirect to the login page),
never the JSON of the kiosk's API."""

from __future__ import annotations

from typing import ClassVar

from ledger.errors import LedgerError


class WebRefusal(LedgerError):
    """A web request refused with `status`, and the key of its page's words (ledger.web.words)."""

    status: ClassVar[int] = 400
    words: ClassVar[str] = "error.bad_request"


class CsrfRefused(WebRefusal):
    """A form came without the session's CSRF token, or with another one."""

    status, words = 403, "error.csrf"


class LoginRequired(WebRefusal):
    """A console page asked for by a browser with no signed-in staff: sent to the login page."""

    status, words = 303, "error.login"


class RoleRefused(WebRefusal):
    """A console page above the signed-in account's role."""

    status, words = 403, "error.role"


class PageNotFound(WebRefusal):
    status, words = 404, "error.not_found"


class TooManyLogins(WebRefusal):
    """Login attempts from one address came faster than the limit (ledger.web.login)."""

    status, words = 429, "error.too_many"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many logins from this address; wait {retry_after} s")
        self.retry_after = retry_after
