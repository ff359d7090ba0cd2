"""The kiosk core's error hierarchy."""


class KioskError(Exception):
    """Base of every error raised by the kiosk core and the parts it talks to."""


class LockBoardError(KioskError, OSError):
    """The lock board did not answer, or answered something that is not a valid frame."""


class LedgerError(KioskError):
    """The ledger refused a request; `code` is the contract's stable error code."""

    def __init__(self, code: str, message: str = "", status: int = 0) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status


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
