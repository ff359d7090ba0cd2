"""Pure codec for the "8A/80" XOR lock boards (8-50 channels, DIP address 1-31): no I/O.

Command frames, host -> board (5 bytes)::

    +------+-------+------+------+------+
    | 0x8A | BOARD | LOCK | 0x11 | XOR  |   unlock one lock; LOCK 1..50 (0 = every lock in turn)
    | 0x80 | BOARD | 0x00 | 0x33 | XOR  |   query every channel's feedback
    +------+-------+------+------+------+
    XOR = b0 ^ b1 ^ b2 ^ b3

    unlock lock 1 on board 1:  8A 01 01 11 9B        query board 1:  80 01 00 33 B2

Unlock reply, board -> host (5 bytes), sent once the pulse is given::

    +------+-------+------+-------+------+
    | 0x8A | BOARD | LOCK | STATE | XOR  |   STATE 0x11 = feedback input active, 0x00 = not
    +------+-------+------+-------+------+

Query reply, board -> host (4 + N bytes, N = channel groups of 8: 1 for 8 channels,
3 for 24, 7 for 50)::

    +------+-------+-----+-----+-----+-----+------+------+
    | 0x80 | BOARD | G_N | ... | G_2 | G_1 | 0x33 | XOR  |
    +------+-------+-----+-----+-----+-----+------+------+
    G_1 = locks 1-8 with bit 0 (LSB) = lock 1, G_2 = locks 9-16, ...: the HIGHEST group
    comes first.  24 channels, locks 1, 9 and 17 active:  80 01 01 01 01 33 B3

Only door (hook) feedback exists; these boards have no item sensor. On the usual wiring an
active input (bit 1, STATE 0x11) means the lock is CLOSED; which level means "open" is a
board-profile setting. The reply's length depends on the board's channel count, which the
host may not know (a 24-channel board may drive 20 lockers), so a reply ends at a quiet gap
on the line: decoders take `gap=True` when the line has been quiet since the last byte.
A 0x80 reply could also be the start of a longer one (`80 01 01 33 B3` is a whole 8-channel
reply and the first 5 bytes of a 24-channel one), so without `gap` or `groups` the decoder
waits. Frame layout as used by many public drivers of these boards (e.g. Python and C#
locker projects sending `8A 01 01 11 9B`).
"""

from __future__ import annotations

import enum
import functools
import operator
from dataclasses import dataclass

COMMAND_LENGTH = 5
UNLOCK_FUNCTION = 0x11
QUERY_FUNCTION = 0x33
STATE_ACTIVE = 0x11
STATE_IDLE = 0x00
MAX_BOARD = 31
MAX_LOCKS = 50
MAX_GROUPS = (MAX_LOCKS + 7) // 8
MAX_REPLY_LENGTH = 4 + MAX_GROUPS


class Cmd(enum.IntEnum):
    """The header byte, which is also the command."""

    UNLOCK = 0x8A
    QUERY = 0x80


_FUNCTION = {Cmd.UNLOCK: UNLOCK_FUNCTION, Cmd.QUERY: QUERY_FUNCTION}
_HEADERS = frozenset(int(c) for c in Cmd)


@dataclass(frozen=True)
class Command:
    """A 5-byte host -> board frame. `lock` 0 means every lock (unlock) or the board (query)."""

    cmd: Cmd
    board: int
    lock: int = 0

    def encode(self) -> bytes:
        _check_board(self.board)
        if not 0 <= self.lock <= MAX_LOCKS:
            raise ValueError(f"lock {self.lock} is outside 1..{MAX_LOCKS} (0 = all)")
        return _frame([self.cmd, self.board, self.lock, _FUNCTION[self.cmd]])


@dataclass(frozen=True)
class UnlockReply:
    """The 5-byte answer to an unlock: the raw feedback level of that lock after the pulse."""

    board: int
    lock: int
    active: bool

    def encode(self) -> bytes:
        state = STATE_ACTIVE if self.active else STATE_IDLE
        return _frame([Cmd.UNLOCK, self.board, self.lock, state])


@dataclass(frozen=True)
class StatusReply:
    """The answer to a query: raw feedback bits, `bits[0]` is lock 1; a multiple of 8 long."""

    board: int
    bits: tuple[bool, ...]

    def __post_init__(self) -> None:
        groups, rest = divmod(len(self.bits), 8)
        if rest or not 1 <= groups <= MAX_GROUPS:
            raise ValueError(f"a status reply holds 8..{MAX_GROUPS * 8} bits in groups of 8")

    @property
    def channels(self) -> int:
        return len(self.bits)

    def bit(self, lock: int) -> bool:
        """The raw bit of a 1-based lock; a lock beyond the board's channels raises ValueError."""
        if not 1 <= lock <= len(self.bits):
            raise ValueError(f"lock {lock} is outside this board's 1..{len(self.bits)}")
        return self.bits[lock - 1]

    def encode(self) -> bytes:
        groups = [
            sum(1 << i for i, on in enumerate(self.bits[g : g + 8]) if on)
            for g in range(0, len(self.bits), 8)
        ]
        return _frame([Cmd.QUERY, self.board, *reversed(groups), QUERY_FUNCTION])


Reply = UnlockReply | StatusReply


# -- encoders -------------------------------------------------------------------------------


def checksum(data: bytes | bytearray | list[int]) -> int:
    """XOR of every byte of `data`."""
    return functools.reduce(operator.xor, data, 0)


def unlock(board: int, lock: int) -> bytes:
    """Pulse one lock: `unlock(1, 1) == bytes.fromhex("8A0101119B")`."""
    if not 1 <= lock <= MAX_LOCKS:
        raise ValueError(f"lock {lock} is outside 1..{MAX_LOCKS}")
    return Command(Cmd.UNLOCK, board, lock).encode()


def unlock_all(board: int) -> bytes:
    return Command(Cmd.UNLOCK, board, 0).encode()


def status_request(board: int) -> bytes:
    """Ask one board for every channel's feedback: `80 <board> 00 33 <XOR>`."""
    return Command(Cmd.QUERY, board, 0).encode()


def status_reply(board: int, bits: tuple[bool, ...]) -> bytes:
    """What a board sends back to a query; `bits` is padded with zeros to whole groups."""
    padded = tuple(bits) + (False,) * (-len(bits) % 8)
    return StatusReply(board, padded).encode()


# -- decoders -------------------------------------------------------------------------------
#
# Each returns (frame, used). used == 0: the buffer may hold the start of a frame, read more.
# used > 0 with frame None: that many bytes are garbage - drop them and call again.
# A decoder never uses more than len(buf) bytes.


def decode_command(buf: bytes) -> tuple[Command | None, int]:
    """Find the next 5-byte command frame. What a board (the simulator) reads."""
    skipped = _skip_to_header(buf)
    if skipped:
        return None, skipped
    if len(buf) < COMMAND_LENGTH:
        return None, 0
    cmd = Cmd(buf[0])
    if buf[3] != _FUNCTION[cmd] or buf[4] != checksum(buf[:4]) or buf[1] > MAX_BOARD:
        return None, 1
    if buf[2] > MAX_LOCKS or (cmd is Cmd.QUERY and buf[2] != 0):
        return None, 1
    return Command(cmd, buf[1], buf[2]), COMMAND_LENGTH


def decode_reply(
    buf: bytes, gap: bool = False, groups: int | None = None
) -> tuple[Reply | None, int]:
    """Find the next reply. `gap`: the line has been quiet since buf's last byte, so a reply
    can end nowhere later. `groups`: the board's channel groups when known (fixes the length).
    """
    skipped = _skip_to_header(buf)
    if skipped:
        return None, skipped
    if not buf:
        return None, 0
    if buf[0] == Cmd.UNLOCK:
        if len(buf) < COMMAND_LENGTH:
            return None, 1 if gap else 0
        if buf[3] in (STATE_ACTIVE, STATE_IDLE) and buf[4] == checksum(buf[:4]):
            return UnlockReply(buf[1], buf[2], buf[3] == STATE_ACTIVE), COMMAND_LENGTH
        return None, 1
    if groups is not None:
        return _status_of_length(buf, 4 + groups, gap)
    if not gap and len(buf) < MAX_REPLY_LENGTH:
        return None, 0
    # The whole burst first: a shorter valid prefix of it is a coincidence, not a frame.
    lengths = range(5, min(len(buf), MAX_REPLY_LENGTH) + 1)
    for length in sorted(lengths, key=lambda n: (n != len(buf), n)):
        if _is_status(buf, length):
            return _status_from(buf, length), length
    return None, 1


def _status_of_length(buf: bytes, length: int, gap: bool) -> tuple[StatusReply | None, int]:
    if len(buf) < length:
        return None, 1 if gap else 0
    if _is_status(buf, length):
        return _status_from(buf, length), length
    return None, 1


def _is_status(buf: bytes, length: int) -> bool:
    return (
        len(buf) >= length
        and buf[length - 2] == QUERY_FUNCTION
        and buf[length - 1] == checksum(buf[: length - 1])
    )


def _status_from(buf: bytes, length: int) -> StatusReply:
    groups = buf[2 : length - 2]
    bits: list[bool] = []
    for group in reversed(groups):  # G_1 (locks 1-8) is the last group on the wire
        bits.extend(bool(group >> i & 1) for i in range(8))
    return StatusReply(buf[1], tuple(bits))


def _skip_to_header(buf: bytes) -> int:
    for i, byte in enumerate(buf):
        if byte in _HEADERS:
            return i
    return len(buf)


def _check_board(board: int) -> None:
    if not 0 <= board <= MAX_BOARD:
        raise ValueError(f"board {board} is outside 0..{MAX_BOARD}")


def _frame(body: list[int]) -> bytes:
    return bytes([*body, checksum(body)])
