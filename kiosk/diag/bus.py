"""`kiosk diag bus`: what a technician runs at a lock-board bus that says nothing.

The same status read is sent at each usual line speed (19200, 9600, 38400, 115200), a few times
per board, on its own port (the kiosk service must not hold it). Per board and speed it counts
replies (a valid frame), checksum errors (bytes, but no valid frame) and timeouts (nothing),
then says what that pattern usually means in a cabinet:

- replies at one speed only: that is the board's speed (set [lockboard] baud to it);
- replies with checksum errors beside them: noise (termination at both ends, a common GND);
- bytes at every speed but never a frame: A and B swapped (an inverted line reads as garbage),
  or a line without termination or ground;
- silence at every speed: power, DIP address, protocol, or A/B swapped (a board on swapped
  wires hears nothing, so it says nothing).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from drivers.errors import PortUnavailable
from drivers.lockboard import open_board
from drivers.lockboard.profile import MAX_LOCKS, BoardProfile
from kiosk.core.errors import LockBoardError

SCAN_BAUDS = (19200, 9600, 38400, 115200)


@dataclass(frozen=True)
class Speed:
    """One board at one line speed: how its `reads` status reads ended."""

    baud: int
    board: int
    replies: int = 0
    checksum_errors: int = 0
    timeouts: int = 0


@dataclass
class BusScan:
    port: str
    protocol: str
    boards: list[int]
    configured_baud: int | None
    reads: int
    speeds: list[Speed] = field(default_factory=list)
    port_error: str = ""
    configured_by: str = "the config"  # where configured_baud comes from, for the hint

    def answering(self, board: int) -> list[Speed]:
        """The speeds at which `board` gave at least one valid reply, most replies first."""
        hits = [s for s in self.speeds if s.board == board and s.replies]
        return sorted(hits, key=lambda s: -s.replies)

    def hints(self) -> list[str]:
        """What to do next, in words a technician at the cabinet can act on."""
        if self.port_error:
            return [
                f"the port does not open: {self.port_error}",
                PortUnavailable.hint,
            ]
        return [line for board in self.boards for line in self._board_hints(board)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "protocol": self.protocol,
            "boards": self.boards,
            "configured_baud": self.configured_baud,
            "reads": self.reads,
            "speeds": [asdict(s) for s in self.speeds],
            "port_error": self.port_error,
            "hints": self.hints(),
        }

    def _board_hints(self, board: int) -> list[str]:
        answering = self.answering(board)
        mine = [s for s in self.speeds if s.board == board]
        if answering:
            best = answering[0]
            lines = [f"board {board} answers at {best.baud} baud"]
            if self.configured_baud is not None and best.baud != self.configured_baud:
                lines[0] += (
                    f", not at {self.configured_baud} ({self.configured_by}): set [lockboard] "
                    f"baud = {best.baud} in the kiosk's config and give `kiosk board` --baud "
                    f"{best.baud}, or set the board back to {self.configured_baud}"
                )
            if best.checksum_errors or best.timeouts:
                lines.append(
                    f"board {board}: {best.checksum_errors} garbled and {best.timeouts} "
                    f"unanswered of {self.reads} reads at {best.baud} baud: noise on the line; "
                    "fit 120 ohm termination at the two ends of the bus only, give supply, "
                    "boards and adapter one common GND, and keep A/B a twisted pair"
                )
            return lines
        garbled = [str(s.baud) for s in mine if s.checksum_errors]
        if garbled:
            return [
                f"board {board}: bytes came back at {', '.join(garbled)} baud but never a valid "
                "frame: the RS485 A and B wires are probably swapped (an inverted line reads as "
                "garbage): swap them and scan again; if that changes nothing, check the 120 ohm "
                "termination at both ends, a common GND, and that no two boards share an address"
            ]
        return [
            f"board {board}: nothing came back at any speed: check the board's 12 V and GND, "
            f"that its DIP address is {board}, that it speaks {self.protocol}, and swap the "
            "RS485 A and B wires (a board on swapped wires hears nothing, so it says nothing)"
        ]


def scan_bus(
    port: str,
    protocol: str,
    boards: list[int],
    *,
    configured_baud: int | None = None,
    configured_by: str = "the config",
    reads: int = 3,
    timeout: float = 0.3,
    bauds: tuple[int, ...] = SCAN_BAUDS,
) -> BusScan:
    """Send `reads` status reads to each board at each speed; nothing is ever unlocked."""
    scan = BusScan(port, protocol, list(boards), configured_baud, reads)
    scan.configured_by = configured_by
    for baud in bauds:
        profile = BoardProfile.for_protocol(
            protocol,
            baud=baud,
            read_retries=0,
            command_timeout=timeout,
            locks=MAX_LOCKS[protocol],
        )
        with open_board(port, profile) as device:
            for board in boards:
                for _ in range(reads):
                    try:
                        device.status(board)
                    except PortUnavailable as e:
                        scan.port_error = str(e)
                        return scan
                    except LockBoardError:
                        pass  # counted below
                counts = device.counters().get(str(board), {})
                scan.speeds.append(Speed(baud, board, **counts))
    return scan


def table(scan: BusScan) -> str:
    """The scan as a technician reads it: one line per board and speed, then the hints."""
    lines = [
        f"bus scan of {scan.port} ({scan.protocol}), {scan.reads} status "
        f"read{'' if scan.reads == 1 else 's'} per board and speed; nothing is unlocked",
        f"{'board':<7}{'baud':<8}{'replies':<9}{'checksum errors':<17}timeouts",
    ]
    for s in sorted(scan.speeds, key=lambda s: (s.board, scan.speeds.index(s))):
        mark = f"  <- {scan.configured_by}" if s.baud == scan.configured_baud else ""
        lines.append(
            f"{s.board:<7}{s.baud:<8}{s.replies:<9}{s.checksum_errors:<17}{s.timeouts}{mark}"
        )
    lines.append("")
    lines += [f"- {hint}" for hint in scan.hints()]
    return "\n".join(lines)
