"""The touch UI's error hierarchy."""

from kiosk.core.errors import KioskError


class UIError(KioskError):
    """Base of every error raised by the touch UI."""


class FontNotFound(UIError, FileNotFoundError):
    """No font that can draw Simplified Chinese was found; the message names what was tried."""


class MissingTranslation(UIError, KeyError):
    """A translation key, or a value it formats, is missing from a catalog."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownLanguage(UIError, ValueError):
    """A language was asked for that has no translation catalog."""
