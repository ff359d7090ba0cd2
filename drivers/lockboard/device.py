"""Kerong-style lock boards on one serial bus, as the kiosk core's LockBoard."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from drivers.errors import CorruptReply, LinkError
from drivers.lockboard import kerong
from drivers.lockboard.profile import BoardProfile
from drivers.serial_link import SerialLink
from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockerAddress, LockState

log = logging.getLogger(__name__)

_Decoded = tuple[kerong.StatusReply | None, int]


class KerongLockBoard:
    """Every Kerong board on one RS485 port. Implements kiosk.core.interfaces.LockBoard."""

    def __init__(self, url: str, profile: BoardProfile | None = None) -> None:
        self.profile = profile or BoardProfile()
        if self.profile.protocol != "kerong":
            raise ValueError(f"protocol: KerongLockBoard cannot speak {self.profile.protocol!r}")
        self.url = url
        self._link = SerialLink(
            url, self.profile.baud, self.profile.command_timeout, self.profile.quiet_gap
        )

    def unlock(self, locker: LockerAddress) -> LockState | None:
        """Pulse one lock exactly once; return the state the board echoed, or None if its
        answer arrived garbled.

        The unlock frame is never re-sent, not even after a timeout: a lost answer does not
        mean a lost command, and a second pulse on a door that already opened may hand out a
        second item for one payment. What happened is found out with read(), which may retry.
        Raises LockBoardError when nothing at all came back.
        """
        self._check(locker)
        frame = kerong.unlock(locker.board, locker.lock)
        try:
            reply = self._link.transact(frame, _expect(locker.board, kerong.Cmd.UNLOCK))
        except CorruptReply as exc:
            # The board answered, so it heard the command; only the echoed state is lost.
            log.warning("unlock %s: answer unreadable, not re-sent: %s", locker, exc)
            return None
        except LinkError as exc:
            raise type(exc)(f"unlock {locker} not confirmed and NOT re-sent: {exc}") from exc
        return self._state_of(reply, locker.lock)

    def read(self, locker: LockerAddress) -> LockState:
        """Read one lock's hook and item sensors now (retried up to profile.read_retries)."""
        self._check(locker)
        return self._state_of(self._read_board(locker.board), locker.lock)

    def status(self, board: int) -> dict[int, LockState]:
        """Every lock of one board, 1..profile.locks."""
        self._check(LockerAddress(board, 1))
        reply = self._read_board(board)
        return {lock: self._state_of(reply, lock) for lock in range(1, self.profile.locks + 1)}

    def close(self) -> None:
        self._link.close()

    def status_report(self) -> dict[str, Any]:
        return {"protocol": "kerong", **self._link.status_report()}

    def __enter__(self) -> KerongLockBoard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    def _read_board(self, board: int) -> kerong.StatusReply:
        frame = kerong.status_request(board)
        attempts = 1 + self.profile.read_retries
        for attempt in range(1, attempts + 1):
            try:
                return self._link.transact(frame, _expect(board, kerong.Cmd.STATUS))
            except LinkError as exc:
                if attempt == attempts:
                    raise type(exc)(
                        f"board {board}: {attempts} status reads failed: {exc}"
                    ) from exc
                log.info("board %d: status read attempt %d failed: %s", board, attempt, exc)
        raise AssertionError("unreachable")

    def _state_of(self, reply: kerong.StatusReply, lock: int) -> LockState:
        return self.profile.lock_state(reply.hook_bit(lock), reply.item_bit(lock))

    def _check(self, locker: LockerAddress) -> None:
        if locker.board > kerong.MAX_BOARD or locker.lock > self.profile.locks:
            raise LockBoardError(
                f"locker {locker} does not exist on a Kerong bus "
                f"(boards 0..{kerong.MAX_BOARD}, locks 1..{self.profile.locks})"
            )


def _expect(board: int, cmd: kerong.Cmd) -> Callable[[bytes], _Decoded]:
    """A reply decoder that treats another board's or another command's answer as noise."""

    def decode(buf: bytes) -> _Decoded:
        reply, used = kerong.decode_reply(buf)
        if reply is not None and (reply.board != board or reply.cmd != cmd):
            return None, used
        return reply, used

    return decode
