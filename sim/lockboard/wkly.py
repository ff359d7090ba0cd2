"""A simulated "WKLY" board bus (drivers/lockboard/wkly/codec.py): answers every command with
its status, and reports each door that opens or closes with an unasked 0x85 frame.

An unlock's door event goes out before its answer (the order a board that reports the moment
the latch lets go would give, and the harder one for a host); a door shut later (a member, a
test's `cabinet.close_door`) is reported within one poll of the line, between commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from drivers.lockboard.wkly import codec as wkly
from drivers.lockboard.wkly.codec import Cmd
from sim.lockboard.base import SimBoard
from sim.world import Cabinet


class SimWklyBoard(SimBoard[wkly.Command]):
    """WKLY boards with `channels` locks each at `board_addresses` (default 0), wired to
    `cabinet`. `events`: report door changes unasked (0x85); settable at any time."""

    protocol = "wkly"

    def __init__(
        self,
        cabinet: Cabinet,
        board_addresses: Iterable[int] = (0,),
        pace: bool = False,
        *,
        channels: int = 24,
        baud: int = 9600,
        tcp_port: int | None = None,
        link: str | Path | None = None,
        events: bool = True,
    ) -> None:
        if not 1 <= channels <= wkly.MAX_CHANNELS:
            raise ValueError(f"channels: {channels} is outside 1..{wkly.MAX_CHANNELS}")
        self.channels = channels
        self.events = events
        self.pushed = 0  # door events sent
        super().__init__(cabinet, board_addresses, pace, baud=baud, tcp_port=tcp_port, link=link)
        self._doors = {b: self._open_bits(b) for b in self.board_addresses}

    def decode_command(self, buf: bytes) -> tuple[wkly.Command | None, int]:
        return wkly.decode_command(buf)

    def answer(self, command: wkly.Command) -> bytes | None:
        board = command.board
        if board not in self.board_addresses:
            return None  # nobody at that address: silence
        if command.cmd is Cmd.QUERY_ALL:
            return wkly.status_reply(board, self._door_bytes(board))
        outside = [n for n in command.locks if n > self.channels]
        if command.cmd in (Cmd.OPEN, Cmd.QUERY):
            lock = command.locks[0]
            if outside:
                return wkly.LockReply(command.cmd, board, wkly.STATUS_FAILED, lock, 0xFF).encode()
            if command.cmd is Cmd.OPEN:
                self._release(board, lock)
                self.tick()  # the door event first, then the answer
            door = self._door_bytes(board)[lock - 1]
            return wkly.LockReply(command.cmd, board, wkly.STATUS_OK, lock, door).encode()
        status = wkly.STATUS_FAILED if outside else wkly.STATUS_OK
        if not outside and command.cmd in (Cmd.OPEN_MANY, Cmd.OPEN_IN_TURN, Cmd.OPEN_ALL):
            locks = command.locks or tuple(range(1, self.channels + 1))
            for lock in locks:
                self._release(board, lock)
            self.tick()
        rest = bytes(command.locks) if command.cmd is Cmd.FLASH else b""
        return wkly.Ack(command.cmd, board, status, rest).encode()

    def tick(self) -> None:
        """Report every door that changed since the last look, as the board does unasked."""
        for board in sorted(self.board_addresses):
            now = self._open_bits(board)
            before, self._doors[board] = self._doors[board], now
            if not self.events:
                continue
            for lock, (was, is_open) in enumerate(zip(before, now, strict=True), start=1):
                if was != is_open:
                    door = wkly.DOOR_OPEN if is_open else wkly.DOOR_CLOSED
                    self.push(wkly.DoorEvent(board, lock, door).encode())
                    self.pushed += 1

    def status(self) -> dict[str, Any]:
        return {**super().status(), "events": self.events, "pushed": self.pushed}

    def _open_bits(self, board: int) -> tuple[bool, ...]:
        hooks, _ = self.cabinet.board_bits(board, self.channels)
        return tuple(hooks)

    def _door_bytes(self, board: int) -> tuple[int, ...]:
        return tuple(
            wkly.DOOR_OPEN if is_open else wkly.DOOR_CLOSED for is_open in self._open_bits(board)
        )

    def _is_unlock_of(self, command: wkly.Command, board: int, lock: int) -> bool:
        return (command.board, command.cmd) == (board, Cmd.OPEN) and command.locks == (lock,)
