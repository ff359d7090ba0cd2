"""The ledger's error hierarchy: each API error carries a stable code and an HTTP status.

The HTTP layer turns any `ApiError` into `{"error": code, "message": message}`; the CLI prints
the message and exits 2.
"""

from __future__ import annotations

from typing import Any, ClassVar


class LedgerError(Exception):
    """Base class of every error the ledger raises on purpose."""


class ApiError(LedgerError):
    """An error with a stable code and HTTP status that a kiosk can act on."""

    code: ClassVar[str] = "internal"
    status: ClassVar[int] = 500
    default_message: ClassVar[str] = "internal error"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message}


class BadRequest(ApiError, ValueError):
    """The request body or parameters are not what the contract says."""

    code, status, default_message = "bad_request", 422, "malformed request"


class IdempotencyKeyRequired(ApiError, ValueError):
    """A money-moving call came without an Idempotency-Key header."""

    code, status = "idempotency_key_required", 400
    default_message = "this call needs an Idempotency-Key header"


class IdempotencyMismatch(ApiError, ValueError):
    """An Idempotency-Key was reused with a different request."""

    code, status = "idempotency_mismatch", 422
    default_message = "this Idempotency-Key was already used for a different request"


class Unauthorized(ApiError, PermissionError):
    """The kiosk key is missing or unknown."""

    code, status, default_message = "unauthorized", 401, "missing or unknown kiosk key"


class InvalidCode(ApiError, ValueError):
    """A scanned member code is malformed, unknown or not valid now."""

    code, status, default_message = "invalid_code", 401, "code not accepted"


class InvalidSession(ApiError, LookupError):
    """The session is unknown, ended or expired."""

    code, status, default_message = "invalid_session", 401, "session unknown or expired"


class InsufficientFunds(ApiError, ValueError):
    """The member's spendable balance does not cover the price."""

    code, status, default_message = "insufficient_funds", 402, "not enough coins"


class Forbidden(ApiError, PermissionError):
    """The thing asked for belongs to another kiosk."""

    code, status, default_message = "forbidden", 403, "this belongs to another kiosk"


class NotFound(ApiError, LookupError):
    """No such route or resource."""

    code, status, default_message = "not_found", 404, "not found"


class UnknownSku(NotFound):
    """The catalog has no item with this SKU."""

    code, default_message = "unknown_sku", "no such item in the catalog"


class UnknownHold(NotFound):
    """No hold with this id."""

    code, default_message = "unknown_hold", "no such hold"


class UnknownMember(NotFound):
    """No member with this id."""

    code, default_message = "unknown_member", "no such member"


class CodeUsed(ApiError, ValueError):
    """This phone code (member, time step) was already accepted once."""

    code, status, default_message = "code_used", 409, "this code was already used"


class PriceChanged(ApiError, ValueError):
    """The price the kiosk showed differs from the catalog's price."""

    code, status, default_message = "price_changed", 409, "the price has changed"


class HoldNotOpen(ApiError, ValueError):
    """The hold was already settled the other way, or has expired."""

    code, status, default_message = "hold_not_open", 409, "the hold is no longer open"


class UnbalancedTransaction(LedgerError, ValueError):
    """A transaction's postings do not sum to zero (a bug, never a user error)."""
