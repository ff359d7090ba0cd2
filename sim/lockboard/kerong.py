"""A simulated Kerong (KR-CU16 family) board bus: answers status and unlock frames with the
9-byte status reply, from the simulated cabinet's hooks and item sensors."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from drivers.lockboard.kerong import codec as kerong
from sim.lockboard.base import SimBoard
from sim.world import Cabinet


class SimKerongBoard(SimBoard[kerong.Command]):
    """Kerong boards at `board_addresses` (default 0), wired to `cabinet`."""

    protocol = "kerong"

    def __init__(
        self,
        cabinet: Cabinet,
        board_addresses: Iterable[int] = (0,),
        pace: bool = False,
        *,
        baud: int = 19200,
        tcp_port: int | None = None,
        link: str | Path | None = None,
    ) -> None:
        super().__init__(cabinet, board_addresses, pace, baud=baud, tcp_port=tcp_port, link=link)

    def decode_command(self, buf: bytes) -> tuple[kerong.Command | None, int]:
        return kerong.decode_command(buf)

    def answer(self, command: kerong.Command) -> bytes | None:
        if command.board not in self.board_addresses:
            return None  # nobody at that address: silence on the bus
        if command.cmd is kerong.Cmd.UNLOCK:
            self._release(command.board, command.lock)
        elif command.cmd is kerong.Cmd.UNLOCK_ALL:
            for lock in range(1, kerong.LOCKS_PER_BOARD + 1):
                self._release(command.board, lock)
        hooks, items = self.cabinet.board_bits(command.board, kerong.LOCKS_PER_BOARD)
        return kerong.status_reply(command.board, command.cmd, hooks, items, command.lock)

    def _is_unlock_of(self, command: kerong.Command, board: int, lock: int) -> bool:
        return (command.board, command.lock, command.cmd) == (board, lock, kerong.Cmd.UNLOCK)
