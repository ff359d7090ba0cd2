"""Kerong-style lock boards on one serial bus, as the kiosk core's LockBoard."""

from __future__ import annotations

from drivers.lockboard.base import BusLockBoard
from drivers.lockboard.kerong import codec as kerong
from drivers.serial_link import Decoder
from kiosk.core.interfaces import LockerAddress, LockState


class KerongLockBoard(BusLockBoard[kerong.StatusReply, kerong.StatusReply]):
    """Every Kerong board (addresses 0..15) on one RS485 port."""

    protocol = "kerong"
    first_board = 0
    last_board = kerong.MAX_BOARD

    def _unlock_frame(self, locker: LockerAddress) -> bytes:
        return kerong.unlock(locker.board, locker.lock)

    def _unlock_decoder(self, locker: LockerAddress) -> Decoder[kerong.StatusReply]:
        return _expect(locker.board, kerong.Cmd.UNLOCK)

    def _echoed_state(self, reply: kerong.StatusReply, locker: LockerAddress) -> LockState:
        return self.profile.lock_state(reply.hook_bit(locker.lock), reply.item_bit(locker.lock))

    def _status_frame(self, board: int) -> bytes:
        return kerong.status_request(board)

    def _status_decoder(self, board: int) -> Decoder[kerong.StatusReply]:
        return _expect(board, kerong.Cmd.STATUS)

    def _states(self, reply: kerong.StatusReply, board: int) -> dict[int, LockState]:
        return {
            lock: self.profile.lock_state(reply.hook_bit(lock), reply.item_bit(lock))
            for lock in range(1, self.profile.locks + 1)
        }


def _expect(board: int, cmd: kerong.Cmd) -> Decoder[kerong.StatusReply]:
    """A reply decoder that treats another board's or another command's answer as noise.
    Kerong frames have a fixed length, so the line's quiet gap does not matter."""

    def decode(buf: bytes, gap: bool) -> tuple[kerong.StatusReply | None, int]:
        reply, used = kerong.decode_reply(buf)
        if reply is not None and (reply.board != board or reply.cmd != cmd):
            return None, used
        return reply, used

    return decode
