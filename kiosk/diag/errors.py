"""The diagnostics package's error hierarchy."""

from kiosk.core.errors import KioskError


class DiagError(KioskError):
    """Base of every error raised by the technician tools."""


class RestockError(DiagError, ValueError):
    """A restock entry names an unknown locker or holds a SKU, count or date that is not allowed."""


class BundleError(DiagError, OSError):
    """The diagnostic bundle could not be written where it was asked to go."""


class LockTestError(DiagError, ValueError):
    """A lock test names a locker that is not one of this kiosk's."""
