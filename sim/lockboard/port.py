"""The board's end of a serial line: a pty behind a stable symlink, or a TCP listener, that
can be unplugged and plugged back in.

Unplugging a pty closes it and removes the symlink, so the driver's reads fail with EIO and
its reopens with ENOENT; plugging back creates a new pty at the SAME symlink path (as
Klipper's simulator does), so a driver configured with that path finds it again. On TCP the
listener and its client close and the listener comes back on the same port.
Not thread-safe: one thread (the board's) drives it.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import socket
import tempfile
import termios
import tty
from pathlib import Path


class SimPort:
    """One simulated serial line; `url` is what the driver opens, unchanged across replugs."""

    def __init__(
        self, tcp_port: int | None = None, link: str | Path | None = None, baud: int | None = None
    ) -> None:
        self._tcp = tcp_port is not None
        self._baud = baud  # a new pty starts at the board's speed, until the host sets its own
        self._master = self._slave = -1
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._tmpdir = ""
        self.port = 0
        if self._tcp:
            self._listen(tcp_port or 0)
            self.path = ""
            self.url = f"socket://127.0.0.1:{self.port}"
        else:
            if link is None:
                self._tmpdir = tempfile.mkdtemp(prefix="sim-lockboard-")
                link = Path(self._tmpdir) / "ttyLOCKBOARD"
            self.path = str(link)
            self.url = self.path
            self._open_pty()
        self.plugged = True

    def receive(self, timeout: float) -> bytes | None:
        """Bytes from the host (maybe none yet); None when a new byte stream begins."""
        if not self.plugged:
            return b""
        if not self._tcp:
            readable, _, _ = select.select([self._master], [], [], timeout)
            if not readable:
                return b""
            try:
                return os.read(self._master, 1024)
            except OSError:
                return b""
        return self._receive_tcp(timeout)

    def host_baud(self) -> int | None:
        """The line speed the host set its end of the pty to; None over TCP (no line)."""
        if self._tcp or not self.plugged:
            return None
        try:
            speed = termios.tcgetattr(self._slave)[5]
        except termios.error:
            return None
        return _SPEEDS.get(speed)

    def send(self, data: bytes) -> None:
        """Write to the host; lost silently when nobody is there (as on a real bus)."""
        if not self.plugged:
            return
        with contextlib.suppress(OSError):
            if not self._tcp:
                os.write(self._master, data)
            elif self._client is not None:
                self._client.sendall(data)

    def unplug(self) -> None:
        if not self.plugged:
            return
        self.plugged = False
        self._close_all()
        if not self._tcp:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def replug(self) -> None:
        if self.plugged:
            return
        if self._tcp:
            self._listen(self.port)
        else:
            self._open_pty()
        self.plugged = True

    def close(self) -> None:
        self.unplug()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    # -- internals ---------------------------------------------------------------------------

    def _open_pty(self) -> None:
        self._master, self._slave = pty.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        if self._baud is not None:
            attrs = termios.tcgetattr(self._slave)
            attrs[4] = attrs[5] = getattr(termios, f"B{self._baud}")
            termios.tcsetattr(self._slave, termios.TCSANOW, attrs)
        # Swap the link in atomically: a driver reopening never sees a half-made one.
        tmp = f"{self.path}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.symlink(os.ttyname(self._slave), tmp)
        os.replace(tmp, self.path)

    def _listen(self, port: int) -> None:
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port = self._listener.getsockname()[1]

    def _close_all(self) -> None:
        for sock in (self._client, self._listener):
            if sock is not None:
                sock.close()
        self._client = self._listener = None
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    def _receive_tcp(self, timeout: float) -> bytes | None:
        listener = self._listener
        assert listener is not None
        watched = [listener] if self._client is None else [listener, self._client]
        ready, _, _ = select.select(watched, [], [], timeout)
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


# The standard rates a board's DIP switches or jumpers offer.
RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
_SPEEDS = {getattr(termios, f"B{rate}"): rate for rate in RATES}
