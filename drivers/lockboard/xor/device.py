""" "8A/80" XOR lock boards on one serial bus, as the kiosk core's LockBoard.

These boards report door feedback only: every LockState has item_sensed False and
item_present True (unknown, never "gone"); `profile.item_sensors` is False. Each board tells
its size in its status reply (one byte per 8 channels); a lock beyond it is UnknownLocker.
"""

from __future__ import annotations

from drivers.lockboard.base import BusLockBoard
from drivers.lockboard.xor import codec as xor
from drivers.serial_link import UNASKED, Decoder, Unasked
from kiosk.core.interfaces import LockerAddress, LockState


class XorLockBoard(BusLockBoard[xor.UnlockReply, xor.StatusReply]):
    """Every XOR board (DIP addresses 1..31) on one RS485/RS232 port."""

    protocol = "xor"
    first_board = 1
    last_board = xor.MAX_BOARD

    def _unlock_frame(self, locker: LockerAddress) -> bytes:
        return xor.unlock(locker.board, locker.lock)

    def _unlock_decoder(self, locker: LockerAddress) -> Decoder[xor.UnlockReply]:
        def decode(buf: bytes, gap: bool) -> tuple[xor.UnlockReply | Unasked | None, int]:
            reply, used = xor.decode_reply(buf, gap)
            if reply is None:
                return None, used
            if not isinstance(reply, xor.UnlockReply) or (reply.board, reply.lock) != (
                locker.board,
                locker.lock,
            ):
                return UNASKED, used
            return reply, used

        return decode

    def _echoed_state(self, reply: xor.UnlockReply, locker: LockerAddress) -> LockState:
        return self.profile.lock_state(reply.active)

    def _status_frame(self, board: int) -> bytes:
        return xor.status_request(board)

    def _status_decoder(self, board: int) -> Decoder[xor.StatusReply]:
        def decode(buf: bytes, gap: bool) -> tuple[xor.StatusReply | Unasked | None, int]:
            reply, used = xor.decode_reply(buf, gap)
            if reply is None:
                return None, used
            if not isinstance(reply, xor.StatusReply) or reply.board != board:
                return UNASKED, used
            return reply, used

        return decode

    def _states(self, reply: xor.StatusReply, board: int) -> dict[int, LockState]:
        # The reply's length is the board's size: 8, 16, 24 ... channels. Every channel it
        # reports is shown, up to profile.locks where a technician or the config restricts.
        count = min(reply.channels, self.profile.locks)
        return {lock: self.profile.lock_state(reply.bit(lock)) for lock in range(1, count + 1)}
