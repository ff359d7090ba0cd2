"""A simulated "8A/80" XOR board bus: answers unlocks with the lock's feedback level and
queries with every channel's bit, highest group first (drivers/lockboard/xor/codec.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from drivers.lockboard.xor import codec as xor
from sim.lockboard.base import SimBoard
from sim.world import Cabinet


class SimXorBoard(SimBoard[xor.Command]):
    """XOR boards with `channels` locks each at `board_addresses` (default 1), wired to
    `cabinet`. Wired the usual way: feedback active (bit 1) while a lock is closed."""

    protocol = "xor"

    def __init__(
        self,
        cabinet: Cabinet,
        board_addresses: Iterable[int] = (1,),
        pace: bool = False,
        *,
        channels: int = 24,
        baud: int = 9600,
        tcp_port: int | None = None,
        link: str | Path | None = None,
    ) -> None:
        if not 1 <= channels <= xor.MAX_LOCKS:
            raise ValueError(f"channels: {channels} is outside 1..{xor.MAX_LOCKS}")
        self.channels = channels
        super().__init__(cabinet, board_addresses, pace, baud=baud, tcp_port=tcp_port, link=link)

    def decode_command(self, buf: bytes) -> tuple[xor.Command | None, int]:
        return xor.decode_command(buf)

    def answer(self, command: xor.Command) -> bytes | None:
        if command.board not in self.board_addresses or command.lock > self.channels:
            return None  # nobody at that address, or no such channel: silence
        closed = self._closed_bits(command.board)
        if command.cmd is xor.Cmd.QUERY:
            return xor.status_reply(command.board, closed)
        locks = range(1, self.channels + 1) if command.lock == 0 else [command.lock]
        for lock in locks:
            self._release(command.board, lock)
        # The feedback read right after the pulse (lock 0, "all": the first lock's).
        closed = self._closed_bits(command.board)[max(command.lock, 1) - 1]
        return xor.UnlockReply(command.board, command.lock, closed).encode()

    def _closed_bits(self, board: int) -> tuple[bool, ...]:
        hooks, _ = self.cabinet.board_bits(board, self.channels)
        return tuple(not hook_open for hook_open in hooks)

    def _is_unlock_of(self, command: xor.Command, board: int, lock: int) -> bool:
        return (command.board, command.lock, command.cmd) == (board, lock, xor.Cmd.UNLOCK)
