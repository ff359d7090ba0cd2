"""A simulated Kerong lock board bus on a pty or a TCP socket, answering like the real boards.

The real driver opens `.url` (the pty slave path, or socket://127.0.0.1:PORT) unchanged, so
the code under test is the code that runs in the cabinet. Faults: `silent`, `delay`.

    python -m sim.lockboard --protocol kerong [--pty | --tcp PORT] [--pace]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pty
import select
import signal
import socket
import sys
import threading
import time
import tty
from collections.abc import Iterable

from drivers.lockboard import kerong
from sim.world import Cabinet

_POLL = 0.05


class SimKerongBoard:
    """Kerong boards at `board_addresses`, wired to `cabinet`.

    Faults, settable at any time: `silent` - commands are heard and carried out (the lock
    really moves) but no answer comes back, as when the reply is lost on the bus;
    `delay` - seconds to wait before answering.
    """

    def __init__(
        self,
        cabinet: Cabinet,
        board_addresses: Iterable[int] = (0,),
        pace: bool = False,
        *,
        baud: int = 19200,
        tcp_port: int | None = None,
    ) -> None:
        self.cabinet = cabinet
        self.board_addresses = frozenset(board_addresses)
        self.pace = pace
        self.baud = baud
        self.silent = False
        self.delay = 0.0
        self.heard: list[kerong.Command] = []  # every valid command frame, in order
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: socket.socket | None = None
        self._listener: socket.socket | None = None
        self._master = self._slave = -1
        if tcp_port is None:
            self._master, self._slave = pty.openpty()
            tty.setraw(self._master)
            tty.setraw(self._slave)
            self.path = os.ttyname(self._slave)
            self.url = self.path
        else:
            self._listener = socket.create_server(("127.0.0.1", tcp_port))
            self.port = self._listener.getsockname()[1]
            self.path = ""
            self.url = f"socket://127.0.0.1:{self.port}"

    # -- the board -------------------------------------------------------------------------

    def answer(self, command: kerong.Command) -> bytes | None:
        """What the addressed board does with one command, and the bytes it sends back."""
        if command.board not in self.board_addresses:
            return None  # nobody at that address: silence on the bus
        if command.cmd is kerong.Cmd.UNLOCK:
            self._release(command.board, command.lock)
        elif command.cmd is kerong.Cmd.UNLOCK_ALL:
            for lock in range(1, kerong.LOCKS_PER_BOARD + 1):
                self._release(command.board, lock)
        hooks, items = self.cabinet.board_bits(command.board, kerong.LOCKS_PER_BOARD)
        return kerong.status_reply(command.board, command.cmd, hooks, items, command.lock)

    def _release(self, board: int, lock: int) -> None:
        with contextlib.suppress(KeyError):  # an unfitted lock position: nothing moves
            self.cabinet.release(board, lock)

    # -- running -----------------------------------------------------------------------------

    def start(self) -> SimKerongBoard:
        self._thread = threading.Thread(target=self._serve, name="sim-kerong", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None
        for sock in (self._client, self._listener):
            if sock is not None:
                sock.close()
        self._client = self._listener = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    def __enter__(self) -> SimKerongBoard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        buf = b""
        while not self._stop.is_set():
            data = self._receive()
            if data is None:
                buf = b""  # a new connection starts a new byte stream
                continue
            buf += data
            while buf:
                command, used = kerong.decode_command(buf)
                if used == 0:
                    break
                buf = buf[used:]
                if command is not None:
                    self._handle(command)

    def _handle(self, command: kerong.Command) -> None:
        self.heard.append(command)
        reply = self.answer(command)
        if reply is None or self.silent:
            return
        if self.delay:
            time.sleep(self.delay)
        self._send(reply)

    def _receive(self) -> bytes | None:
        """Bytes from the host (maybe none yet); None when the TCP client changed."""
        if self._listener is None:
            readable, _, _ = select.select([self._master], [], [], _POLL)
            return os.read(self._master, 1024) if readable else b""
        return self._receive_tcp(self._listener)

    def _receive_tcp(self, listener: socket.socket) -> bytes | None:
        watched = [listener] if self._client is None else [listener, self._client]
        ready, _, _ = select.select(watched, [], [], _POLL)
        if listener in ready:
            # One host at a time, like one serial cable: a new connection replaces the old.
            if self._client is not None:
                self._client.close()
            self._client, _ = listener.accept()
            return None
        if self._client is not None and self._client in ready:
            try:
                data = self._client.recv(1024)
            except OSError:
                data = b""
            if not data:
                self._client.close()
                self._client = None
                return None
            return data
        return b""

    def _send(self, reply: bytes) -> None:
        chunks = [reply[i : i + 1] for i in range(len(reply))] if self.pace else [reply]
        for chunk in chunks:
            try:
                if self._listener is None:
                    os.write(self._master, chunk)
                elif self._client is not None:
                    self._client.sendall(chunk)
            except OSError:
                return  # the host went away mid-answer
            if self.pace:
                time.sleep(10 / self.baud)  # start + 8 data + stop bits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.lockboard", description="Serve a simulated lock board bus."
    )
    parser.add_argument("--protocol", choices=("kerong", "xor"), default="kerong")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a pseudo-terminal (default)")
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve on 127.0.0.1:PORT")
    parser.add_argument("--pace", action="store_true", help="send answers at the baud rate")
    args = parser.parse_args(argv)
    if args.protocol != "kerong":
        print(f"protocol {args.protocol} is not yet supported", file=sys.stderr)
        return 2

    board = SimKerongBoard(Cabinet.demo(), pace=args.pace, tcp_port=args.tcp)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with board:
        print(f"listening on {board.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
