"""A simulated Kerong (KR-CU16 family) board bus, from the simulated cabinet's hooks and item
sensors: current firmware by default (a status request answered with 0x35, 0x32 with 0x36, an
unlock never answered), or older firmware that echoes every command in its 9-byte reply."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from drivers.lockboard.kerong import codec as kerong
from sim.lockboard.base import SimBoard
from sim.world import Cabinet


class SimKerongBoard(SimBoard[kerong.Command]):
    """Kerong boards at `board_addresses` (default 0), wired to `cabinet`. `echo`: the older
    firmware that answers every command, its command byte echoed (settable at any time)."""

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
        echo: bool = False,
    ) -> None:
        super().__init__(cabinet, board_addresses, pace, baud=baud, tcp_port=tcp_port, link=link)
        self.echo = echo

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
        if self.echo:
            cmd = command.cmd
        elif command.cmd in kerong.REPLY_TO:
            cmd = kerong.REPLY_TO[command.cmd]
        else:
            return None  # current firmware: an unlock is carried out, never answered
        hooks, items = self.cabinet.board_bits(command.board, kerong.LOCKS_PER_BOARD)
        return kerong.status_reply(command.board, cmd, hooks, items, command.lock)

    def status(self) -> dict[str, Any]:
        return {**super().status(), "echo": self.echo}

    def _is_unlock_of(self, command: kerong.Command, board: int, lock: int) -> bool:
        return (command.board, command.lock, command.cmd) == (board, lock, kerong.Cmd.UNLOCK)
