"""What every serial lock-board bus does the same way, whatever its wire protocol: one unlock
pulse per vend, "accepted" kept apart from what the sensors show, retried status reads.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

from drivers.errors import (
    BoardRefused,
    CorruptReply,
    LinkError,
    NoAnswer,
    NotSent,
    PortUnavailable,
    UnknownLocker,
)
from drivers.lockboard.counters import BoardCounters
from drivers.lockboard.late_answers import LateAnswers
from drivers.lockboard.profile import BoardProfile
from drivers.pulses import PulsedVends
from drivers.serial_link import Decoder, SerialLink, Tap
from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockerAddress, LockState

log = logging.getLogger(__name__)

U = TypeVar("U")  # the protocol's answer to an unlock
S = TypeVar("S")  # the protocol's answer to a status read
F = TypeVar("F")


@dataclass(frozen=True)
class OpenResult:
    """An unlock as two facts: did the board accept it, and what do the sensors show after."""

    locker: LockerAddress
    accepted: bool  # the board heard the unlock: it answered it, or a status read right after
    echoed: LockState | None  # the state the board sent with its answer (often before moving)
    after: LockState | None  # a status read once the lock had time to move
    read_error: str = ""  # why `after` is missing
    # False: the board's firmware never answers an unlock (current Kerong CU16), so `accepted`
    # and `echoed` come from the status read sent right after it.
    answered: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "locker": str(self.locker),
            "accepted": self.accepted,
            "echoed": None if self.echoed is None else state_bits(self.echoed),
            "after": None if self.after is None else state_bits(self.after),
            "read_error": self.read_error,
            "answered": self.answered,
        }


def state_bits(state: LockState) -> dict[str, bool | None]:
    """A lock's sensors for people and JSON: item_present is None where there is no sensor."""
    return {
        "hook_open": state.hook_open,
        "item_present": state.item_present if state.item_sensed else None,
    }


class BusLockBoard(ABC, Generic[U, S]):
    """Every board on one serial bus. Implements kiosk.core.interfaces.LockBoard."""

    protocol: ClassVar[str]
    first_board: ClassVar[int]  # the lowest bus address; `status()` reads it by default
    last_board: ClassVar[int]
    # Boards that send frames unasked (WKLY door events): what arrives between commands is
    # read and handed to _stray() instead of being flushed unread.
    pushes: ClassVar[bool] = False

    def __init__(
        self, url: str, profile: BoardProfile | None = None, tap: Tap | None = None
    ) -> None:
        self.profile = profile or BoardProfile.for_protocol(self.protocol)
        if self.profile.protocol != self.protocol:
            raise ValueError(
                f"protocol: {type(self).__name__} cannot speak {self.profile.protocol!r}"
            )
        self.url = url
        self._link = SerialLink(
            url,
            self.profile.baud,
            self.profile.command_timeout,
            self.profile.quiet_gap,
            reply_gap=self.profile.reply_gap,
            tap=tap,
            stray=self._stray if self.pushes else None,
        )
        self._pulsed = PulsedVends()
        self._counters: dict[int, BoardCounters] = {}
        self._counting = threading.Lock()  # commands run on several threads, reports on others
        self._late = LateAnswers(self.profile.late_answer_limit)

    # -- the LockBoard protocol -------------------------------------------------------------

    def unlock(self, locker: LockerAddress, vend: str | None = None) -> LockState | None:
        """Pulse one lock exactly once; return the state the board echoed, or None if its
        answer arrived garbled.

        The unlock frame is never re-sent, not even after a timeout: a lost answer does not
        mean a lost command, and a second pulse on a door that already opened may hand out a
        second item for one payment. Given `vend`, a second call for the same vend raises
        AlreadyUnlocked without touching the bus. What happened is found out with read(),
        which may retry. A board whose firmware never answers an unlock is not waited for:
        the state returned is a status read taken right after the frame went out. Raises
        LockBoardError when nothing at all came back.
        """
        state, _answered = self._unlock(locker, vend)
        return state

    def read(self, locker: LockerAddress) -> LockState:
        """Read one lock's hook and item sensors now (retried up to profile.read_retries)."""
        self._check(locker)
        return self._state_of(self._read_board(locker.board), locker)

    def close(self) -> None:
        self._link.close()

    # -- for technicians and diagnostics ----------------------------------------------------

    def open(self, locker: LockerAddress, vend: str | None = None) -> OpenResult:
        """Unlock, let the lock move, then read: "accepted" and "opened" as two facts.

        Raises like unlock() when the board did not answer the unlock at all.
        """
        echoed, answered = self._unlock(locker, vend)
        time.sleep(self.profile.unlock_settle)
        try:
            after: LockState | None = self.read(locker)
            error = ""
        except LockBoardError as exc:
            after, error = None, str(exc)
        return OpenResult(locker, True, echoed, after, error, answered)

    def status(self, board: int | None = None) -> dict[int, LockState]:
        """Every lock of one board (default: the lowest address), 1..profile.locks; fewer
        where the board reports fewer channels (XOR boards tell their size)."""
        board = self.first_board if board is None else board
        self._check(LockerAddress(board, 1))
        return self._states(self._read_board(board), board)

    def status_report(self) -> dict[str, Any]:
        """The link's health: connected / reconnecting since when / the last error, and per
        board how many commands got a reply, only garbled bytes, or nothing."""
        return {"protocol": self.protocol, **self._link.status(), "boards": self.counters()}

    def counters(self) -> dict[str, dict[str, int]]:
        """Per bus address: replies, checksum_errors (bytes but no valid frame), timeouts."""
        with self._counting:
            return {str(b): c.as_dict() for b, c in sorted(self._counters.items())}

    def wait_connected(self, timeout: float) -> bool:
        """Block until the port is open again after an unplug; True when it is."""
        return self._link.wait_connected(timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what each protocol supplies --------------------------------------------------------

    @abstractmethod
    def _unlock_frame(self, locker: LockerAddress) -> bytes: ...

    @abstractmethod
    def _unlock_decoder(self, locker: LockerAddress) -> Decoder[U]: ...

    @abstractmethod
    def _echoed_state(self, reply: U, locker: LockerAddress) -> LockState | None:
        """The state the unlock's answer carries; None when it carries none usable."""

    @abstractmethod
    def _status_frame(self, board: int) -> bytes: ...

    @abstractmethod
    def _status_decoder(self, board: int) -> Decoder[S]: ...

    @abstractmethod
    def _states(self, reply: S, board: int) -> dict[int, LockState]:
        """Every lock 1..profile.locks the reply holds, from one status reply."""

    def _answers_unlocks(self, board: int) -> bool | None:
        """Whether `board` answers an unlock: True, False, or None while not yet known."""
        return True

    def _heard_status(self, board: int, reply: S) -> None:
        """A status reply came from `board`; a protocol whose firmware varies learns from it."""

    def _stray(self, data: bytes) -> None:
        """Bytes that arrived unasked between two commands (only when `pushes`)."""

    # -- shared internals -------------------------------------------------------------------

    def _unlock(self, locker: LockerAddress, vend: str | None) -> tuple[LockState | None, bool]:
        """unlock(), and whether the board answered it itself (False: a status read did)."""
        self._check(locker)
        self._pulsed.claim(vend, locker)
        if self._answers_unlocks(locker.board) is None:
            self._probe(locker.board)
        self._late.unlocking(locker.board)
        if self._answers_unlocks(locker.board) is False:
            return self._unlock_then_read(locker), False
        try:
            reply = self._transact(
                locker.board, self._unlock_frame(locker), self._unlock_decoder(locker)
            )
        except CorruptReply as exc:
            # The board answered, so it heard the command; only the echoed state is lost.
            log.warning("unlock %s: answer unreadable, not re-sent: %s", locker, exc)
            return None, True
        except LinkError as exc:
            raise type(exc)(f"unlock {locker} not confirmed and NOT re-sent: {exc}") from exc
        return self._echoed_state(reply, locker), True

    def _unlock_then_read(self, locker: LockerAddress) -> LockState:
        """Send the unlock to a board that never answers one, then read to confirm it heard."""
        try:
            self._link.send(self._unlock_frame(locker))
        except LinkError as exc:
            raise type(exc)(f"unlock {locker} not confirmed and NOT re-sent: {exc}") from exc
        try:
            reply = self._read_board(locker.board)
        except LinkError as exc:
            # The unlock frame went out whole: whatever stopped the read after it (the port
            # gone before a retry was written is NotSent), this unlock is never "not sent".
            kind = PortUnavailable if isinstance(exc, NotSent) else type(exc)
            raise kind(
                f"unlock {locker} sent (this board never answers an unlock), but the status "
                f"read after it failed; NOT re-sent: {exc}"
            ) from exc
        return self._state_of(reply, locker)

    def _state_of(self, reply: S, locker: LockerAddress) -> LockState:
        states = self._states(reply, locker.board)
        if locker.lock not in states:
            raise UnknownLocker(
                f"locker {locker}: board {locker.board} reports {len(states)} channels, "
                f"so lock {locker.lock} is not on it"
            )
        return states[locker.lock]

    def _probe(self, board: int) -> None:
        """One status read, before the first unlock of a board not yet heard from, to learn
        whether it answers unlocks. If it fails, the unlock waits for an answer as before."""
        try:
            reply = self._transact(board, self._status_frame(board), self._status_decoder(board))
        except LinkError as exc:
            log.info("board %d: status read before its first unlock failed: %s", board, exc)
            return
        self._heard_status(board, reply)

    def _read_board(self, board: int) -> S:
        self._late.wait_before_read(board)
        frame = self._status_frame(board)
        attempts = 1 + self.profile.read_retries
        for attempt in range(1, attempts + 1):
            try:
                reply = self._transact(board, frame, self._status_decoder(board))
                self._heard_status(board, reply)
                return reply
            except LinkError as exc:
                if attempt == attempts:
                    raise type(exc)(
                        f"board {board}: {attempts} status reads failed: {exc}"
                    ) from exc
                log.info("board %d: status read attempt %d failed: %s", board, attempt, exc)
        raise AssertionError("unreachable")

    def _transact(self, board: int, frame: bytes, decode: Decoder[F]) -> F:
        """One command and its answer, counted for `board` (kiosk diag bus shows the counts)."""
        try:
            reply = self._link.transact(frame, decode)
        except NoAnswer:
            self._count(board, "timeouts")
            self._late.unanswered(board)
            raise
        except CorruptReply:
            self._count(board, "checksum_errors")
            raise
        except BoardRefused:
            self._count(board, "replies")  # it answered, with its failure status
            raise
        self._count(board, "replies")
        return reply

    def _count(self, board: int, outcome: str) -> None:
        with self._counting:
            counts = self._counters.setdefault(board, BoardCounters())
            setattr(counts, outcome, getattr(counts, outcome) + 1)

    def _check(self, locker: LockerAddress) -> None:
        if not self.first_board <= locker.board <= self.last_board or (
            locker.lock > self.profile.locks
        ):
            raise UnknownLocker(
                f"locker {locker} does not exist on a {self.protocol} bus "
                f"(boards {self.first_board}..{self.last_board}, locks 1..{self.profile.locks})"
            )
