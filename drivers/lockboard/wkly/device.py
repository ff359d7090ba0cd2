""" "WKLY" lock boards on one serial bus, as the kiosk core's LockBoard.

An unlock is 0x82, answered with the door's state; a status read is 0x84, answered with one
DOOR byte per channel, so each board tells its size (a lock beyond it is UnknownLocker). These
boards report the door only: every LockState has item_sensed False.

The board also sends 0x85 unasked whenever a door opens or closes. Such a frame is never taken
for an answer: while a command waits, the decoder counts it as "answers something else" and
reads on; between commands, what arrived is read (not flushed unread) and decoded. Either way
the newest pushed state of each lock is kept (`pushed()`), beside the answers, never instead.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from drivers.errors import BoardRefused
from drivers.lockboard.base import BusLockBoard
from drivers.lockboard.profile import BoardProfile
from drivers.lockboard.wkly import codec as wkly
from drivers.serial_link import UNASKED, Decoder, Tap, Unasked
from kiosk.core.interfaces import LockerAddress, LockState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushedDoor:
    """The newest door change a board reported unasked, and when it was heard (monotonic)."""

    state: LockState
    at: float


class WklyLockBoard(BusLockBoard[wkly.LockReply, wkly.StatusReply]):
    """Every WKLY board (addresses 0..31) on one RS485 port."""

    protocol = "wkly"
    first_board = 0
    last_board = wkly.MAX_BOARD
    pushes = True

    def __init__(
        self, url: str, profile: BoardProfile | None = None, tap: Tap | None = None
    ) -> None:
        self._pushed: dict[LockerAddress, PushedDoor] = {}
        self._events = 0
        self._guard = threading.Lock()  # the link's reader and status_report() both use it
        super().__init__(url, profile, tap)

    def pushed(self, locker: LockerAddress) -> PushedDoor | None:
        """The newest door change the board reported itself for `locker`; None if none yet."""
        with self._guard:
            return self._pushed.get(locker)

    def status_report(self) -> dict[str, Any]:
        with self._guard:
            events = self._events
        return {**super().status_report(), "door_events": events}

    # -- the protocol ---------------------------------------------------------------------------

    def _unlock_frame(self, locker: LockerAddress) -> bytes:
        return wkly.open_lock(locker.board, locker.lock)

    def _unlock_decoder(self, locker: LockerAddress) -> Decoder[wkly.LockReply]:
        def decode(buf: bytes, gap: bool) -> tuple[wkly.LockReply | Unasked | None, int]:
            reply, used = self._decode(buf, gap)
            if reply is None or reply is UNASKED:
                return reply, used
            if not isinstance(reply, wkly.LockReply) or (
                reply.cmd,
                reply.board,
                reply.lock,
            ) != (wkly.Cmd.OPEN, locker.board, locker.lock):
                return UNASKED, used
            return reply, used

        return decode

    def _echoed_state(self, reply: wkly.LockReply, locker: LockerAddress) -> LockState | None:
        if reply.failed:
            # It heard the unlock (never re-sent); whether the door moved is for a read to say.
            log.warning(
                "unlock %s: the board answered status %#04x, door %#04x: no state to report",
                locker,
                reply.status,
                reply.door,
            )
            return None
        return self.profile.lock_state(bool(reply.door))

    def _status_frame(self, board: int) -> bytes:
        return wkly.query_all(board)

    def _status_decoder(self, board: int) -> Decoder[wkly.StatusReply]:
        def decode(buf: bytes, gap: bool) -> tuple[wkly.StatusReply | Unasked | None, int]:
            reply, used = self._decode(buf, gap)
            if reply is None or reply is UNASKED:
                return reply, used
            if not isinstance(reply, wkly.StatusReply) or reply.board != board:
                return UNASKED, used
            if reply.status != wkly.STATUS_OK:
                raise BoardRefused(
                    f"board {board}: status read answered with status {reply.status:#04x}"
                )
            return reply, used

        return decode

    def _states(self, reply: wkly.StatusReply, board: int) -> dict[int, LockState]:
        # Every channel the board reports, up to profile.locks where a technician restricts.
        count = min(reply.channels, self.profile.locks)
        failed = [n for n in range(1, count + 1) if reply.door(n) == wkly.DOOR_FAILED]
        if failed:
            raise BoardRefused(
                f"board {board}: the board reports the door sensor of lock "
                f"{', '.join(map(str, failed))} as failed (0xFF)"
            )
        return {n: self.profile.lock_state(bool(reply.door(n))) for n in range(1, count + 1)}

    # -- door events --------------------------------------------------------------------------

    def _decode(self, buf: bytes, gap: bool) -> tuple[wkly.Reply | Unasked | None, int]:
        """A reply, or UNASKED for a door event (kept first) so the wait goes on."""
        reply, used = wkly.decode_reply(buf, gap)
        if isinstance(reply, wkly.DoorEvent):
            self._heard_event(reply)
            return UNASKED, used
        return reply, used

    def _stray(self, data: bytes) -> None:
        while data:
            reply, used = wkly.decode_reply(data, gap=True)
            if used == 0:
                break
            data = data[used:]
            if isinstance(reply, wkly.DoorEvent):
                self._heard_event(reply)
            elif reply is not None:
                log.info("wkly: an unasked %s between commands, dropped", type(reply).__name__)

    def _heard_event(self, event: wkly.DoorEvent) -> None:
        if event.door not in (wkly.DOOR_OPEN, wkly.DOOR_CLOSED) or event.lock == 0:
            log.warning("wkly: board %d reports lock %d's door as %#04x", *_fields(event))
            return
        locker = LockerAddress(event.board, event.lock)
        state = self.profile.lock_state(bool(event.door))
        with self._guard:
            self._pushed[locker] = PushedDoor(state, time.monotonic())
            self._events += 1
        log.info(
            "wkly: locker %s reports its door %s", locker, "open" if state.hook_open else "closed"
        )


def _fields(event: wkly.DoorEvent) -> tuple[int, int, int]:
    return event.board, event.lock, event.door
