"""The GPIO drivers' errors. Lock errors are LockBoardErrors, so the core handles one type."""

from kiosk.core.errors import KioskError, LockBoardError


class GpioError(KioskError):
    """A GPIO part could not be set up or driven."""


class PinSetupError(GpioError, ValueError):
    """A pin number is missing, used twice, or refused by the pin factory."""


class RelayLockError(LockBoardError):
    """A relay lock could not be pulsed or read."""


class UnknownLocker(RelayLockError, KeyError):
    """No relay lock is wired for this locker address."""
