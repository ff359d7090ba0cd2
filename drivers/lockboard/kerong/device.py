"""Kerong-style lock boards on one serial bus, as the kiosk core's LockBoard.

Each board's firmware dialect (kerong.Dialect) is learned from its status replies and kept per
board, so a technician sets nothing: a board of current firmware (status answered with 0x35,
unlocks never answered) is sent its unlock and then read; an older, echoing board is waited
for. A board not yet heard from is read once before its first unlock; if it does not answer
that read, its unlock waits for an answer as an echoing board would give.
"""

from __future__ import annotations

from typing import Any

from drivers.lockboard.base import BusLockBoard
from drivers.lockboard.kerong import codec as kerong
from drivers.lockboard.profile import BoardProfile
from drivers.serial_link import UNASKED, Decoder, Tap, Unasked
from kiosk.core.interfaces import LockerAddress, LockState

# The command bytes a board may put in its answer to each of our commands.
_STATUS_ANSWERS = frozenset({kerong.Cmd.STATUS, kerong.Cmd.STATUS_REPLY})
# Only older firmware answers an unlock, echoing 0x31. A 0x35 frame is never taken for an
# unlock's answer: it may be a late answer to an earlier status read.
_UNLOCK_ANSWERS = frozenset({kerong.Cmd.UNLOCK})


class KerongLockBoard(BusLockBoard[kerong.StatusReply, kerong.StatusReply]):
    """Every Kerong board (addresses 0..15) on one RS485 port."""

    protocol = "kerong"
    first_board = 0
    last_board = kerong.MAX_BOARD

    def __init__(
        self, url: str, profile: BoardProfile | None = None, tap: Tap | None = None
    ) -> None:
        super().__init__(url, profile, tap)
        self._dialects: dict[int, kerong.Dialect] = {}

    def dialect(self, board: int) -> kerong.Dialect | None:
        """The firmware dialect `board` last answered in; None before its first status reply."""
        return self._dialects.get(board)

    def status_report(self) -> dict[str, Any]:
        dialects = {str(b): d.value for b, d in sorted(self._dialects.items())}
        return {**super().status_report(), "dialects": dialects}

    def _unlock_frame(self, locker: LockerAddress) -> bytes:
        return kerong.unlock(locker.board, locker.lock)

    def _unlock_decoder(self, locker: LockerAddress) -> Decoder[kerong.StatusReply]:
        return _expect(locker.board, _UNLOCK_ANSWERS)

    def _echoed_state(self, reply: kerong.StatusReply, locker: LockerAddress) -> LockState:
        return self.profile.lock_state(reply.hook_bit(locker.lock), reply.item_bit(locker.lock))

    def _status_frame(self, board: int) -> bytes:
        return kerong.status_request(board)

    def _status_decoder(self, board: int) -> Decoder[kerong.StatusReply]:
        return _expect(board, _STATUS_ANSWERS)

    def _states(self, reply: kerong.StatusReply, board: int) -> dict[int, LockState]:
        return {
            lock: self.profile.lock_state(reply.hook_bit(lock), reply.item_bit(lock))
            for lock in range(1, self.profile.locks + 1)
        }

    def _answers_unlocks(self, board: int) -> bool | None:
        dialect = self._dialects.get(board)
        return None if dialect is None else dialect is kerong.Dialect.ECHOING

    def _heard_status(self, board: int, reply: kerong.StatusReply) -> None:
        # Kept from every reply, not only the first: a board swapped for one of other
        # firmware at the same address is followed.
        self._dialects[board] = kerong.dialect_of(reply)


def _expect(board: int, cmds: frozenset[kerong.Cmd]) -> Decoder[kerong.StatusReply]:
    """A reply decoder for which another board's or another command's answer is UNASKED.
    Kerong frames have a fixed length, so the line's quiet gap does not matter."""

    def decode(buf: bytes, gap: bool) -> tuple[kerong.StatusReply | Unasked | None, int]:
        reply, used = kerong.decode_reply(buf)
        if reply is not None and (reply.board != board or reply.cmd not in cmds):
            return UNASKED, used
        return reply, used

    return decode
