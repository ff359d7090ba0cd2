"""A QR scanner on a serial port that sends one line per code (CR, LF or CRLF terminated).

One reader thread per port (pyserial's ReaderThread); each clean line goes to one callback,
on that thread. Junk on the line (noise, binary, an endless line) is dropped and logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import serial
from serial.threaded import Protocol, ReaderThread

from drivers.errors import ScannerUnavailable
from drivers.scanner.codes import junk

log = logging.getLogger(__name__)

MAX_LINE = 1024
_TERMINATORS = b"\r\n"


def clean_code(line: bytes) -> str | None:
    """The code a line holds, or None when the line is not UTF-8 or not a code by the rule of
    every scanner (drivers.scanner.codes); the reader logs the line it drops."""
    try:
        text = line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    return None if junk(text) else text


class ScanLines(Protocol):
    """Splits the byte stream into lines and hands each clean one to `on_code`."""

    def __init__(self, on_code: Callable[[str], None], port: str) -> None:
        self.on_code = on_code
        self.port = port
        self.buffer = bytearray()
        self.overflowing = False

    def data_received(self, data: bytes) -> None:
        for byte in data:
            if byte in _TERMINATORS:
                self._end_line()
            elif self.overflowing:
                continue
            elif len(self.buffer) >= MAX_LINE:
                log.warning("%s: line longer than %d bytes dropped", self.port, MAX_LINE)
                self.overflowing = True
                self.buffer.clear()
            else:
                self.buffer.append(byte)

    def connection_lost(self, exc: BaseException | None) -> None:
        if exc is not None:
            log.error("%s: scanner port lost: %s", self.port, exc)

    def _end_line(self) -> None:
        line, self.buffer = bytes(self.buffer), bytearray()
        if self.overflowing:
            self.overflowing = False
            return
        if not line.strip():
            return  # the LF of a CRLF, or a blank line
        code = clean_code(line)
        if code is None:
            log.warning("%s: unreadable scan dropped: %r", self.port, line[:64])
            return
        try:
            self.on_code(code)
        except Exception:  # the reader thread must outlive a failing callback
            log.exception("%s: code handler failed", self.port)


class SerialScanner:
    """A serial QR scanner. Implements kiosk.core.interfaces.CodeReader."""

    def __init__(self, url: str, baud: int = 9600) -> None:
        self.url = url
        self.baud = baud
        self._reader: Any = None
        self._lock = threading.Lock()
        self._state = "closed"

    def start(self, on_code: Callable[[str], None]) -> None:
        """Open the port and deliver each scanned code to `on_code` on the reader thread."""
        with self._lock:
            if self._reader is not None:
                raise RuntimeError(f"{self.url}: scanner already started")
            try:
                port = serial.serial_for_url(self.url, baudrate=self.baud)
            except (OSError, serial.SerialException, ValueError) as exc:
                self._state = f"error: {exc}"
                raise ScannerUnavailable(f"{self.url}: cannot open scanner port: {exc}") from exc
            reader = ReaderThread(port, lambda: ScanLines(on_code, self.url))
            reader.start()
            reader.connect()
            self._reader = reader
            self._state = "open"

    def close(self) -> None:
        with self._lock:
            reader, self._reader = self._reader, None
            if reader is not None:
                reader.close()
            self._state = "closed"

    def status_report(self) -> dict[str, Any]:
        alive = self._reader is not None and self._reader.alive
        state = "error: reader stopped" if self._state == "open" and not alive else self._state
        return {"port": self.url, "state": state}

    def __enter__(self) -> SerialScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
