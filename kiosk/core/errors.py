"""The kiosk core's error hierarchy."""

from typing import Any


class KioskError(Exception):
    """Base of every error raised by the kiosk core and the parts it talks to."""


class LockBoardError(KioskError, OSError):
    """The lock board did not answer, or answered something that is not a valid frame."""

    # What to check in the cabinet for this kind of failure (docs/technician-guide.md, 1.);
    # `kiosk board`, `kiosk diag` and the bundle print it after the error.
    hint = ""


class CommandNotSent(LockBoardError):
    """The command never left the kiosk (the port was gone before it was written): an unlock
    that was not sent cannot have moved the lock."""


class LedgerError(KioskError):
    """The ledger refused a request; `code` is the contract's stable error code."""

    def __init__(
        self, code: str, message: str = "", status: int = 0, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status
        self.extra = dict(extra or {})

    @property
    def final(self) -> bool:
        """True when repeating the same request can never succeed: a 4xx, except "still in
        flight", a timeout (408) and "too many requests" (429, e.g. slow_down), which a later
        repeat may get past. A 5xx is never final: the ledger answers bad input with a 4xx."""
        if not 400 <= self.status < 500 or self.status in (408, 429):
            return False
        return self.code != "request_in_progress"


class WrongPin(LedgerError, PermissionError):
    """The PIN typed for a printed card was wrong; `attempts_left` before the card locks."""

    @property
    def attempts_left(self) -> int | None:
        n = self.extra.get("attempts_left")
        return n if isinstance(n, int) else None


class LockedOut(LedgerError, PermissionError):
    """Too many wrong PINs: the card is locked for `retry_after` seconds."""

    @property
    def retry_after(self) -> int | None:
        n = self.extra.get("retry_after")
        return n if isinstance(n, int) else None


class PriceChanged(LedgerError, ValueError):
    """The price on the screen is no longer the ledger's; `price` is the current one."""

    @property
    def price(self) -> int | None:
        n = self.extra.get("price")
        return n if isinstance(n, int) else None


class SessionExpired(LedgerError, PermissionError):
    """The member's ledger session ended or expired before the request."""


class PairingGone(LedgerError, LookupError):
    """The pairing expired, was already handed out, or is unknown: start a new one."""


# Contract codes that have their own class; any other code is a plain LedgerError.
_BY_CODE: dict[str, type[LedgerError]] = {
    "wrong_pin": WrongPin,
    "locked_out": LockedOut,
    "price_changed": PriceChanged,
    "session_expired": SessionExpired,
    "invalid_session": SessionExpired,
    "pairing_expired": PairingGone,
    "pairing_used": PairingGone,
    "unknown_pairing": PairingGone,
}


def ledger_error(
    code: str, message: str = "", status: int = 0, extra: dict[str, Any] | None = None
) -> LedgerError:
    """The LedgerError subclass for a contract error code."""
    return _BY_CODE.get(code, LedgerError)(code, message, status, extra)


class LedgerUnreachable(LedgerError, ConnectionError):
    """The ledger could not be reached, or did not answer in time."""

    def __init__(self, message: str = "") -> None:
        super().__init__("unreachable", message)


class LedgerProtocolError(LedgerError, ValueError):
    """The ledger answered something that does not follow the v1 contract."""

    def __init__(self, message: str) -> None:
        super().__init__("bad_response", message)


class ConfigError(KioskError, ValueError):
    """The configuration file is missing a key or holds a value that is not allowed."""


class JournalError(KioskError):
    """The vend journal holds a record that cannot be acted on."""


class ServiceSwitchError(KioskError, ValueError):
    """A service-switch change was refused: no reason, a reason too long, or no technician."""


class DeskError(KioskError, ValueError):
    """A technician action was refused (bad entry, unknown locker); the message says why."""
