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

    def __init__(
        self,
        message: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.extra = extra or {}  # contract fields beside error and message, e.g. attempts_left
        self.headers = headers or {}
        super().__init__(self.message)

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


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

    code, status, default_message = "session_expired", 401, "session unknown or expired"


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


class HoldExpired(ApiError, ValueError):
    """The hold lapsed before it was captured; its coins went back to the member."""

    code, status, default_message = "hold_expired", 410, "the hold has expired"


class PinRequired(ApiError, ValueError):
    """A card code came without the member's PIN."""

    code, status, default_message = "pin_required", 423, "this card needs its PIN"


class WrongPin(ApiError, ValueError):
    """The PIN does not match the card."""

    code, status, default_message = "wrong_pin", 401, "wrong PIN"


class LockedOut(ApiError, PermissionError):
    """Too many wrong tries: the card, the member's phone codes, or sign-ins from this client
    address are locked for a while (`retry_after` seconds)."""

    code, status, default_message = "locked_out", 429, "too many wrong tries; locked for a while"


class RateLimited(ApiError, RuntimeError):
    """The caller sent more than its rate allows (ledger.rate_limits); retry after a while."""

    code, status, default_message = "rate_limited", 429, "too many requests; retry later"


class CardRevoked(ApiError, PermissionError):
    """The card was revoked by staff."""

    code, status, default_message = "card_revoked", 403, "this card was revoked"


class PinNotSet(ApiError, PermissionError):
    """A card printed in a batch whose member has not yet set its PIN at the office."""

    code, status, default_message = "pin_not_set", 403, "this card has no PIN yet"


class DuplicateMember(ApiError, ValueError):
    """A member like this one is enrolled already (the same phone, or the same name and
    address: `extra` lists them, ledger.member_twins): the same person?"""

    code, status, default_message = "duplicate_member", 409, "this member may be enrolled already"


class MemberDeactivated(ApiError, PermissionError):
    """The member was deactivated by staff: no sign-in, no new card."""

    code, status, default_message = "member_deactivated", 403, "this member was deactivated"


class UnknownCard(NotFound):
    """No card with this id."""

    code, default_message = "unknown_card", "no such card"


class UnknownKiosk(NotFound):
    """No kiosk with this id."""

    code, default_message = "unknown_kiosk", "no such kiosk"


class UnknownTransaction(NotFound):
    """No transaction with this id."""

    code, default_message = "unknown_transaction", "no such transaction"


class AlreadyReversed(ApiError, ValueError):
    """The transaction (or refunded hold) was already reversed; a reversal happens once."""

    code, status, default_message = "already_reversed", 409, "already reversed"


class NotRefundable(ApiError, ValueError):
    """Only a captured hold can be refunded."""

    code, status, default_message = "not_refundable", 409, "this hold cannot be refunded"


class NotStaff(ApiError, PermissionError):
    """A correction was attributed to someone who is not staff."""

    code, status, default_message = "not_staff", 403, "only staff may do this"


class LegacySchema(LedgerError, RuntimeError):
    """The database has ledger tables that Alembic does not know about (made before migrations)."""


class DatabaseUrlError(LedgerError, ValueError):
    """The database URL cannot be used as given (a password on the command line, a file others
    can read, not a URL); the message never holds the password."""


class UnbalancedTransaction(LedgerError, ValueError):
    """A transaction's postings do not sum to zero (a bug, never a user error)."""


class RequestInProgress(ApiError, RuntimeError):
    """A request with this Idempotency-Key is still being processed; retry after it finishes."""

    code, status = "request_in_progress", 409
    default_message = "a request with this Idempotency-Key is still being processed; retry soon"


class UnknownPairing(NotFound):
    """No pairing with this id for this kiosk."""

    code, default_message = "unknown_pairing", "no such pairing"


class PairingGone(ApiError, LookupError):
    """The pairing can no longer give a session (base of expired, used and declined)."""

    code, status, default_message = "pairing_gone", 410, "this pairing is over; start a new one"


class PairingExpired(PairingGone):
    """The member did not confirm the pairing in time."""

    code, default_message = "pairing_expired", "the pairing expired; start a new one"


class PairingUsed(PairingGone):
    """The pairing's session was already handed to the kiosk."""

    code, default_message = "pairing_used", "this pairing's session was already handed out"


class PairingDeclined(PairingGone):
    """The member declined the pairing on their phone."""

    code, default_message = "pairing_declined", "the member declined on their phone"


class SlowDown(ApiError, RuntimeError):
    """The kiosk polls a pairing faster than the interval it was given."""

    code, status, default_message = "slow_down", 429, "polling too fast; wait the interval"


class TooManyAttempts(PairingGone):
    """Too many failed sign-ins on one pairing's page."""

    code, default_message = "too_many_attempts", "too many failed sign-ins; start again"
