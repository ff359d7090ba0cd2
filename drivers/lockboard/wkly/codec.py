"""Pure codec for the "WKLY" lock boards (frames start with ASCII `WKLY`): no I/O.

Every frame, both ways::

    +----+----+----+----+-----+-------+-----+----------+-----+
    | 57 | 4B | 4C | 59 | LEN | BOARD | CMD | DATA ... | XOR |
    +----+----+----+----+-----+-------+-----+----------+-----+
    LEN = the whole frame's length in bytes (8 + len(DATA)); BOARD 0..31;
    XOR = every byte before it, the four start bytes included.

    open lock 1 on board 0:  57 4B 4C 59 09 00 82 01 83
    query board 0:           57 4B 4C 59 08 00 84 85

Commands (host -> board) and what their DATA holds:

    0x80 open several at once   COUNT, LOCK...      0x84 query every lock   (none)
    0x81 flash a channel's LED  LOCK                0x86 open every lock    (none)
    0x82 open one lock          LOCK                0x87 open several in turn  COUNT, LOCK...
    0x83 query one lock         LOCK

Replies (board -> host) carry the command byte they answer; DATA starts with STATUS
(0x00 done, 0xFF failed):

    0x82 / 0x83   STATUS, LOCK, DOOR              DOOR 0x00 open, 0x01 closed, 0xFF failed
    0x84          STATUS, N, DOOR_1 ... DOOR_N    N = the board's channel count
    0x80 0x81 0x86 0x87 and others   STATUS [, LOCK]

and one frame the board sends unasked, whenever a door opens or closes:

    0x85          LOCK, DOOR                      (no STATUS byte)

Door feedback only: these boards have no item sensor. Frame layout from the public
junerver/LockDemo (app/src/test/.../ExampleUnitTest.kt, lockctl/LockCtlBoardCmdHelper.java)
and an ESP-IDF driver of the same boards; where they disagree, docs/protocols.md says so.
"""

from __future__ import annotations

import enum
import functools
import operator
from dataclasses import dataclass

HEADER = b"WKLY"
MIN_LENGTH = 8  # header, LEN, BOARD, CMD, XOR: a frame with no DATA
MAX_LENGTH = 0xFF  # LEN is one byte
MAX_BOARD = 31
# An 0x84 reply holds one byte per channel: LEN caps a board at 255 - 10 channels.
MAX_CHANNELS = MAX_LENGTH - MIN_LENGTH - 2
STATUS_OK = 0x00
STATUS_FAILED = 0xFF
DOOR_OPEN = 0x00
DOOR_CLOSED = 0x01
DOOR_FAILED = 0xFF


class Cmd(enum.IntEnum):
    OPEN_MANY = 0x80
    FLASH = 0x81
    OPEN = 0x82
    QUERY = 0x83
    QUERY_ALL = 0x84
    DOOR_EVENT = 0x85  # board -> host only, unasked
    OPEN_ALL = 0x86
    OPEN_IN_TURN = 0x87


# What each command sends after CMD: a list of locks (COUNT first), one lock, or nothing.
_LISTS = frozenset({Cmd.OPEN_MANY, Cmd.OPEN_IN_TURN})
_ONE_LOCK = frozenset({Cmd.FLASH, Cmd.OPEN, Cmd.QUERY})
_NOTHING = frozenset({Cmd.QUERY_ALL, Cmd.OPEN_ALL})


@dataclass(frozen=True)
class Frame:
    """Any well-formed frame: header, length and checksum right, DATA not yet interpreted."""

    board: int
    cmd: int
    data: bytes = b""

    def encode(self) -> bytes:
        if not 0 <= self.board <= MAX_BOARD:
            raise ValueError(f"board {self.board} is outside 0..{MAX_BOARD}")
        length = MIN_LENGTH + len(self.data)
        if length > MAX_LENGTH:
            raise ValueError(f"a frame holds at most {MAX_LENGTH - MIN_LENGTH} data bytes")
        body = HEADER + bytes([length, self.board, self.cmd]) + self.data
        return body + bytes([checksum(body)])


@dataclass(frozen=True)
class Command:
    """A host -> board command: `locks` is what its DATA names (empty for 0x84 and 0x86)."""

    cmd: Cmd
    board: int
    locks: tuple[int, ...] = ()

    def encode(self) -> bytes:
        for lock in self.locks:
            if not 1 <= lock <= MAX_CHANNELS:
                raise ValueError(f"lock {lock} is outside 1..{MAX_CHANNELS}")
        if self.cmd in _LISTS:
            if not self.locks:
                raise ValueError(f"command {self.cmd:#04x} names at least one lock")
            data = bytes([len(self.locks), *self.locks])
        elif self.cmd in _ONE_LOCK:
            if len(self.locks) != 1:
                raise ValueError(f"command {self.cmd:#04x} names exactly one lock")
            data = bytes(self.locks)
        elif self.cmd in _NOTHING:
            if self.locks:
                raise ValueError(f"command {self.cmd:#04x} names no lock")
            data = b""
        else:
            raise ValueError(f"{self.cmd:#04x} is not a command a host sends")
        return Frame(self.board, self.cmd, data).encode()


@dataclass(frozen=True)
class LockReply:
    """The answer to 0x82 (open one) or 0x83 (query one): STATUS, LOCK, DOOR."""

    cmd: Cmd
    board: int
    status: int
    lock: int
    door: int

    @property
    def failed(self) -> bool:
        """The board says it could not do it, or could not read the door."""
        return self.status != STATUS_OK or self.door not in (DOOR_OPEN, DOOR_CLOSED)

    def encode(self) -> bytes:
        return Frame(self.board, self.cmd, bytes([self.status, self.lock, self.door])).encode()


@dataclass(frozen=True)
class StatusReply:
    """The answer to 0x84: STATUS, then one DOOR byte per channel; `doors[0]` is lock 1."""

    board: int
    status: int
    doors: tuple[int, ...]

    @property
    def channels(self) -> int:
        return len(self.doors)

    def door(self, lock: int) -> int:
        """The raw DOOR byte of a 1-based lock; beyond the board's channels: ValueError."""
        if not 1 <= lock <= len(self.doors):
            raise ValueError(f"lock {lock} is outside this board's 1..{len(self.doors)}")
        return self.doors[lock - 1]

    def encode(self) -> bytes:
        data = bytes([self.status, len(self.doors), *self.doors])
        return Frame(self.board, Cmd.QUERY_ALL, data).encode()


@dataclass(frozen=True)
class DoorEvent:
    """0x85, sent by the board unasked when a door opens or closes: LOCK, DOOR (its new state)."""

    board: int
    lock: int
    door: int

    def encode(self) -> bytes:
        return Frame(self.board, Cmd.DOOR_EVENT, bytes([self.lock, self.door])).encode()


@dataclass(frozen=True)
class Ack:
    """The answer to any other command: its STATUS and whatever DATA followed it."""

    cmd: int
    board: int
    status: int
    rest: bytes = b""

    def encode(self) -> bytes:
        return Frame(self.board, self.cmd, bytes([self.status]) + self.rest).encode()


Reply = LockReply | StatusReply | DoorEvent | Ack


# -- encoders -------------------------------------------------------------------------------


def checksum(data: bytes | bytearray) -> int:
    """XOR of every byte of `data` (the start bytes included)."""
    return functools.reduce(operator.xor, data, 0)


def open_lock(board: int, lock: int) -> bytes:
    """Open one lock: `open_lock(0, 1) == bytes.fromhex("574B4C590900820183")`."""
    return Command(Cmd.OPEN, board, (lock,)).encode()


def query_lock(board: int, lock: int) -> bytes:
    return Command(Cmd.QUERY, board, (lock,)).encode()


def query_all(board: int) -> bytes:
    """Ask one board for every door: `57 4B 4C 59 08 <board> 84 <XOR>`."""
    return Command(Cmd.QUERY_ALL, board).encode()


def status_reply(board: int, doors: tuple[int, ...], status: int = STATUS_OK) -> bytes:
    """What a board sends back to 0x84."""
    return StatusReply(board, status, tuple(doors)).encode()


# -- decoders -------------------------------------------------------------------------------
#
# Each returns (frame, used). used == 0: the buffer may hold the start of a frame, read more.
# used > 0 with frame None: that many bytes are garbage - drop them and call again.
# A decoder never uses more than len(buf) bytes.


def decode_frame(buf: bytes, gap: bool = False) -> tuple[Frame | None, int]:
    """Find the next well-formed frame. `gap`: the line has been quiet since buf's last byte,
    so a frame still waiting for bytes will never get them (its length byte was garbage)."""
    skipped = _skip_to_header(buf)
    if skipped:
        return None, skipped
    if len(buf) <= len(HEADER):  # no length byte yet
        return None, 1 if gap and buf else 0
    length = buf[4]
    if length < MIN_LENGTH:
        return None, 1
    if len(buf) < length:
        return None, 1 if gap else 0
    if buf[length - 1] != checksum(buf[: length - 1]):
        return None, 1
    return Frame(buf[5], buf[6], bytes(buf[7 : length - 1])), length


def decode_command(buf: bytes) -> tuple[Command | None, int]:
    """Find the next host -> board command. What a board (the simulator) reads."""
    frame, used = decode_frame(buf)
    if frame is None:
        return None, used
    command = _command_of(frame)
    return command, used  # a well-formed frame that is no command is dropped whole


def decode_reply(buf: bytes, gap: bool = False) -> tuple[Reply | None, int]:
    """Find the next board -> host frame: an answer, or a door event sent unasked."""
    frame, used = decode_frame(buf, gap)
    if frame is None:
        return None, used
    return _reply_of(frame), used  # a frame whose DATA fits no layout is dropped whole


def _command_of(frame: Frame) -> Command | None:
    try:
        cmd = Cmd(frame.cmd)
    except ValueError:
        return None
    data = frame.data
    if frame.board > MAX_BOARD or cmd is Cmd.DOOR_EVENT:
        return None
    if cmd in _LISTS:
        if not data or data[0] != len(data) - 1 or data[0] == 0:
            return None
        locks = tuple(data[1:])
    elif cmd in _ONE_LOCK:
        if len(data) != 1:
            return None
        locks = tuple(data)
    else:
        if data:
            return None
        locks = ()
    if any(lock == 0 for lock in locks):
        return None
    return Command(cmd, frame.board, locks)


def _reply_of(frame: Frame) -> Reply | None:
    data = frame.data
    if frame.cmd in (Cmd.OPEN, Cmd.QUERY):
        if len(data) != 3:
            return None
        return LockReply(Cmd(frame.cmd), frame.board, data[0], data[1], data[2])
    if frame.cmd == Cmd.QUERY_ALL:
        if len(data) == 1 and data[0] != STATUS_OK:
            return StatusReply(frame.board, data[0], ())  # failed: no channels follow
        if len(data) < 2 or data[1] != len(data) - 2:
            return None
        return StatusReply(frame.board, data[0], tuple(data[2:]))
    if frame.cmd == Cmd.DOOR_EVENT:
        if len(data) != 2:
            return None
        return DoorEvent(frame.board, data[0], data[1])
    if not data:
        return None
    return Ack(frame.cmd, frame.board, data[0], bytes(data[1:]))


def _skip_to_header(buf: bytes) -> int:
    """Bytes before the next start of a header; a header cut off at the end is kept."""
    at = buf.find(HEADER)
    if at >= 0:
        return at
    for keep in range(len(HEADER) - 1, 0, -1):
        if buf.endswith(HEADER[:keep]):
            return len(buf) - keep
    return len(buf)
