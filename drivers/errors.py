"""The drivers' error hierarchy. Link errors are LockBoardErrors, so the core handles one type."""

from kiosk.core.errors import CommandNotSent, KioskError, LockBoardError


class LinkError(LockBoardError):
    """The serial link to a board failed: no answer, a corrupt answer, or the port is gone."""


class NoAnswer(LinkError, TimeoutError):
    """Nothing at all came back before the command timeout."""

    hint = (
        "check the wiring: RS485 A and B swapped (swap them and retry), the board's 12 V and"
        " GND, its DIP address (BOARD in BOARD:LOCK), the adapter's port, and --protocol/baud"
        " (`kiosk diag bus` tries every usual speed)"
    )


class CorruptReply(LinkError):
    """Bytes came back, but no valid frame was among them before the command timeout."""

    hint = (
        "check the wiring: a common GND between supply, boards and adapter, 120 ohm termination"
        " at the two ends only, no two boards on one DIP address, and the right --protocol/baud"
        " (`kiosk diag bus` counts garbled answers per speed)"
    )


class PortUnavailable(LinkError):
    """The port could not be opened or failed mid-command (adapter unplugged); it is being
    reopened in the background."""

    hint = (
        "check the RS485 adapter: is it plugged in (ls -l /dev/timebank-lockboard0), is the"
        " udev rule right, and is another program (the kiosk service) holding the port"
    )


class NotSent(PortUnavailable, CommandNotSent):
    """The port was gone before the frame was written (or the write itself failed, so no whole
    frame can have reached the board, whose checksum refuses a partial one)."""


class BoardRefused(LinkError):
    """The board answered with its failure status: it heard the command and says it could not
    carry it out (WKLY STATUS 0xFF)."""

    hint = (
        "the board is there and heard the command but reports a failure: check that lock's"
        " cable and sensor on the board, and the board's 12 V supply"
    )


class UnknownLocker(LockBoardError, ValueError):
    """The locker is not on this bus: no such board address, or no such lock on that board."""


class AlreadyUnlocked(LockBoardError):
    """This vend's unlock was already sent once; it is never sent a second time."""


class ScannerUnavailable(KioskError, OSError):
    """The scanner's port could not be opened."""
