"""Pure codec for Kerong-style (KR-CU16 family) RS485 lock boards: bytes in, frames out, no I/O.

Command frame, host -> board (5 bytes)::

    +------+------+------+------+------+
    | 0x02 | ADDR | CMD  | 0x03 | SUM  |
    +------+------+------+------+------+
    ADDR = board << 4 | (lock - 1)     board 0..15, lock 1..16 as printed on the board
    CMD  = 0x30 status of one board    0x31 unlock one lock
           0x32 status of all          0x33 unlock all
    SUM  = low byte of the sum of every preceding byte

    unlock lock 1 on board 0:  02 00 31 03 36

Status reply, board -> host (9 bytes)::

    +------+------+------+-------+--------+--------+---------+------+------+
    | 0x02 | ADDR | CMD  | L1-8  | L9-16  | IR1-8  | IR9-16  | 0x03 | SUM  |
    +------+------+------+-------+--------+--------+---------+------+------+
    L*  : one bit per lock hook, bit 0 (LSB) of L1-8 is lock 1 ... bit 7 is lock 8
    IR* : one bit per infrared item sensor, same order

Two firmware dialects answer differently (`Dialect`): current CU16 firmware answers 0x30 with
CMD 0x35 and 0x32 with CMD 0x36, and sends nothing back to an unlock; older firmware answers
every command with this frame, its CMD echoed. The reply holds RAW bits; what 1 means
(open / present) is a board-profile setting. Every lock number in this module is 1-based, as
a technician reads it off the board.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

STX = 0x02
ETX = 0x03
COMMAND_LENGTH = 5
REPLY_LENGTH = 9
MAX_BOARD = 15
LOCKS_PER_BOARD = 16


class Cmd(enum.IntEnum):
    """The command byte: 0x30-0x33 from the host; 0x35 / 0x36 only in current firmware's
    replies."""

    STATUS = 0x30
    UNLOCK = 0x31
    STATUS_ALL = 0x32
    UNLOCK_ALL = 0x33
    STATUS_REPLY = 0x35  # current firmware's answer to STATUS
    STATUS_ALL_REPLY = 0x36  # current firmware's answer to STATUS_ALL


class Dialect(enum.Enum):
    """How a board's firmware answers, told by the command byte of its status replies."""

    CURRENT = "current"  # status answered with 0x35 (0x32 with 0x36); an unlock gets no answer
    ECHOING = "echoing"  # every command answered with the status frame, its command echoed


_HOST_COMMANDS = frozenset({Cmd.STATUS, Cmd.UNLOCK, Cmd.STATUS_ALL, Cmd.UNLOCK_ALL})
_REPLY_COMMANDS = frozenset(int(c) for c in Cmd)
# What current firmware puts in CMD when it answers a status request.
REPLY_TO = {Cmd.STATUS: Cmd.STATUS_REPLY, Cmd.STATUS_ALL: Cmd.STATUS_ALL_REPLY}


@dataclass(frozen=True)
class Command:
    """A 5-byte host -> board frame."""

    cmd: Cmd
    board: int
    lock: int = 1

    def encode(self) -> bytes:
        return _frame([STX, address(self.board, self.lock), self.cmd, ETX])


@dataclass(frozen=True)
class StatusReply:
    """A 9-byte board -> host status frame. `hooks[0]` / `items[0]` are lock 1 (raw bits)."""

    board: int
    cmd: Cmd
    hooks: tuple[bool, ...]
    items: tuple[bool, ...]
    lock: int = 1

    def __post_init__(self) -> None:
        if len(self.hooks) != LOCKS_PER_BOARD or len(self.items) != LOCKS_PER_BOARD:
            raise ValueError(f"a status reply holds exactly {LOCKS_PER_BOARD} hook and item bits")

    def hook_bit(self, lock: int) -> bool:
        return self.hooks[_lock_index(lock)]

    def item_bit(self, lock: int) -> bool:
        return self.items[_lock_index(lock)]

    def encode(self) -> bytes:
        return _frame(
            [
                STX,
                address(self.board, self.lock),
                self.cmd,
                *_pack_bits(self.hooks),
                *_pack_bits(self.items),
                ETX,
            ]
        )


Frame = Command | StatusReply


# -- encoders -------------------------------------------------------------------------------


def address(board: int, lock: int = 1) -> int:
    """The ADDR byte: board in the high nibble, lock - 1 in the low nibble."""
    if not 0 <= board <= MAX_BOARD:
        raise ValueError(f"board {board} is outside 0..{MAX_BOARD}")
    return board << 4 | _lock_index(lock)


def checksum(data: bytes | bytearray | list[int]) -> int:
    """Low byte of the sum of `data`."""
    return sum(data) & 0xFF


def unlock(board: int, lock: int) -> bytes:
    """Pulse one lock: `unlock(0, 1) == bytes.fromhex("0200310336")`."""
    return Command(Cmd.UNLOCK, board, lock).encode()


def status_request(board: int) -> bytes:
    """Ask one board for its hook and item bits."""
    return Command(Cmd.STATUS, board).encode()


def status_all_request(board: int = 0) -> bytes:
    return Command(Cmd.STATUS_ALL, board).encode()


def unlock_all(board: int) -> bytes:
    return Command(Cmd.UNLOCK_ALL, board).encode()


def status_reply(
    board: int,
    cmd: Cmd,
    hooks: tuple[bool, ...],
    items: tuple[bool, ...],
    lock: int = 1,
) -> bytes:
    """What a board sends back (the simulator uses this)."""
    return StatusReply(board, cmd, tuple(hooks), tuple(items), lock).encode()


def dialect_of(reply: StatusReply) -> Dialect:
    """Which firmware sent `reply`: 0x35 / 0x36 is current firmware, an echoed command older."""
    return Dialect.CURRENT if reply.cmd in REPLY_TO.values() else Dialect.ECHOING


# -- decoders -------------------------------------------------------------------------------
#
# Each returns (frame, used). used == 0: the buffer holds the start of a frame, read more.
# used > 0 with frame None: that many bytes are garbage (noise, a bad checksum) - drop them
# and call again. A decoder never uses more than len(buf) bytes.


def decode_reply(buf: bytes) -> tuple[StatusReply | None, int]:
    """Find the next 9-byte status reply, of either dialect. What the host reads; skips
    anything else, including an RS485 adapter's echo of our own command."""
    skipped = _skip_to_stx(buf)
    if skipped:
        return None, skipped
    if len(buf) >= 3 and buf[2] not in _REPLY_COMMANDS:
        return None, 1
    if len(buf) < REPLY_LENGTH:
        return None, 0
    if buf[7] != ETX or buf[8] != checksum(buf[:8]):
        return None, 1
    return _reply_from(buf), REPLY_LENGTH


def decode_command(buf: bytes) -> tuple[Command | None, int]:
    """Find the next 5-byte command frame. What a board (the simulator) reads."""
    skipped = _skip_to_stx(buf)
    if skipped:
        return None, skipped
    if len(buf) >= 3 and buf[2] not in _HOST_COMMANDS:
        return None, 1
    if len(buf) < COMMAND_LENGTH:
        return None, 0
    if buf[3] != ETX or buf[4] != checksum(buf[:4]):
        return None, 1
    return Command(Cmd(buf[2]), buf[1] >> 4, (buf[1] & 0x0F) + 1), COMMAND_LENGTH


def decode(buf: bytes) -> tuple[Frame | None, int]:
    """Find the next frame of either kind (a bus sniffer's view).

    A command frame is preferred when both could match; a host or a board knows which
    direction it listens to and should use decode_reply / decode_command instead.
    """
    command, used = decode_command(buf)
    if command is not None:
        return command, used
    reply, used_reply = decode_reply(buf)
    if reply is not None:
        return reply, used_reply
    if used == 0 or used_reply == 0:
        # One of the two still sees the start of a frame it could complete.
        return None, 0
    return None, min(used, used_reply)


def _skip_to_stx(buf: bytes) -> int:
    start = buf.find(STX)
    return len(buf) if start < 0 else start


def _reply_from(buf: bytes) -> StatusReply:
    return StatusReply(
        board=buf[1] >> 4,
        cmd=Cmd(buf[2]),
        hooks=_unpack_bits(buf[3], buf[4]),
        items=_unpack_bits(buf[5], buf[6]),
        lock=(buf[1] & 0x0F) + 1,
    )


def _lock_index(lock: int) -> int:
    if not 1 <= lock <= LOCKS_PER_BOARD:
        raise ValueError(f"lock {lock} is outside 1..{LOCKS_PER_BOARD}")
    return lock - 1


def _frame(body: list[int]) -> bytes:
    return bytes([*body, checksum(body)])


def _pack_bits(bits: tuple[bool, ...]) -> tuple[int, int]:
    low = sum(1 << i for i, bit in enumerate(bits[:8]) if bit)
    high = sum(1 << i for i, bit in enumerate(bits[8:16]) if bit)
    return low, high


def _unpack_bits(low: int, high: int) -> tuple[bool, ...]:
    word = low | high << 8
    return tuple(bool(word >> i & 1) for i in range(LOCKS_PER_BOARD))
