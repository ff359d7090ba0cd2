"""A simulated serial QR scanner on a pty: the panel or a test "presents" a code, the real
driver reads it from `.path` as a CRLF-terminated line."""

from __future__ import annotations

import os
import pty
import threading
import tty


class SimScanner:
    """A serial scanner that sends each presented code as one line, and junk on request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._master, self._slave = pty.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self.url = self.path
        self.sent = 0

    def start(self) -> SimScanner:
        """Nothing to run: a scanner only talks when a code is presented."""
        return self

    def present(self, code: str) -> None:
        """A code held in front of the scanner."""
        self._write(code.encode("utf-8") + b"\r\n")

    def noise(self, data: bytes) -> None:
        """Junk on the line: a glitch, a half-read code, a binary blob."""
        self._write(data)

    def stop(self) -> None:
        with self._lock:
            for fd in (self._master, self._slave):
                if fd >= 0:
                    os.close(fd)
            self._master = self._slave = -1

    def __enter__(self) -> SimScanner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _write(self, data: bytes) -> None:
        with self._lock:
            if self._master < 0:
                raise RuntimeError("the simulated scanner is stopped")
            view = memoryview(data)
            while view:
                view = view[os.write(self._master, view) :]
            self.sent += 1
