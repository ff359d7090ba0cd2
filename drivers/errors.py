"""The drivers' error hierarchy. Link errors are LockBoardErrors, so the core handles one type."""

from kiosk.core.errors import CommandNotSent, KioskError, LockBoardError


class LinkError(LockBoardError):
    """The serial link to a board failed: no answer, a corrupt answer, or the port is gone."""


class NoAnswer(LinkError, TimeoutError):
    """Nothing at all came back before the command timeout."""


class CorruptReply(LinkError):
    """Bytes came back, but no valid frame was among them before the command timeout."""


class PortUnavailable(LinkError):
    """The port could not be opened or failed mid-command (adapter unplugged); it is being
    reopened in the background."""


class NotSent(PortUnavailable, CommandNotSent):
    """The port was gone before the frame was written (or the write itself failed, so no whole
    frame can have reached the board, whose checksum refuses a partial one)."""


class UnknownLocker(LockBoardError, ValueError):
    """The locker is not on this bus: no such board address, or no such lock on that board."""


class AlreadyUnlocked(LockBoardError):
    """This vend's unlock was already sent once; it is never sent a second time."""


class ScannerUnavailable(KioskError, OSError):
    """The scanner's port could not be opened."""
