"""One serial port to a bus of lock boards: command out, one decoded frame back.

The port is a pyserial URL (`/dev/serial/by-id/...`, a pty path, `socket://127.0.0.1:PORT`).
Transport only: framing is the caller's decoder, meaning is the device's business.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import serial

from drivers.errors import CorruptReply, NoAnswer, PortUnavailable

F = TypeVar("F")
Decoder = Callable[[bytes], tuple[F | None, int]]

# How long one blocking read may wait before we look at the deadline again.
_READ_SLICE = 0.02


class SerialLink:
    """A half-duplex request/reply link. Thread-safe: one command on the wire at a time."""

    def __init__(self, url: str, baud: int, timeout: float, quiet_gap: float) -> None:
        self.url = url
        self.baud = baud
        self.timeout = timeout
        self.quiet_gap = quiet_gap
        self._lock = threading.Lock()
        self._port: Any = None
        self._state = "closed"
        self._last_traffic = 0.0

    @property
    def state(self) -> str:
        """One of `open`, `closed` or `error: <what went wrong>`."""
        return self._state

    def transact(self, frame: bytes, decode: Decoder[F]) -> F:
        """Write `frame` once and return the first frame `decode` finds in the answer.

        Raises NoAnswer (nothing came back), CorruptReply (only junk came back) or
        PortUnavailable (the port is gone; it is reopened on the next call). Never re-sends.
        """
        with self._lock:
            port = self._ensure_open()
            try:
                # A late answer to an earlier command must not pass for this one's answer.
                port.reset_input_buffer()
                self._keep_quiet_gap()
                port.write(frame)
                port.flush()
                return self._read_frame(port, decode)
            except (OSError, serial.SerialException) as exc:
                if isinstance(exc, NoAnswer | CorruptReply):
                    raise
                self._drop(exc)
                raise PortUnavailable(f"{self.url}: port failed during a command: {exc}") from exc
            finally:
                self._last_traffic = time.monotonic()

    def close(self) -> None:
        with self._lock:
            if self._port is not None:
                self._port.close()
                self._port = None
            self._state = "closed"

    def status_report(self) -> dict[str, Any]:
        return {"port": self.url, "state": self._state}

    # -- internals ---------------------------------------------------------------------------

    def _ensure_open(self) -> Any:
        # The one place a port is (re)opened; reconnect back-off belongs here.
        if self._port is not None:
            return self._port
        try:
            port = serial.serial_for_url(self.url, baudrate=self.baud, timeout=_READ_SLICE)
        except (OSError, serial.SerialException, ValueError) as exc:
            self._state = f"error: {exc}"
            raise PortUnavailable(f"{self.url}: cannot open port: {exc}") from exc
        self._port = port
        self._state = "open"
        return port

    def _drop(self, exc: BaseException) -> None:
        port, self._port = self._port, None
        self._state = f"error: {exc}"
        if port is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                port.close()  # already gone; closing is best effort

    def _keep_quiet_gap(self) -> None:
        wait = self._last_traffic + self.quiet_gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _read_frame(self, port: Any, decode: Decoder[F]) -> F:
        deadline = time.monotonic() + self.timeout
        buf = b""
        received = 0
        while True:
            chunk = port.read(max(1, port.in_waiting))
            if chunk:
                received += len(chunk)
                buf += chunk
                while buf:
                    found, used = decode(buf)
                    if used == 0:
                        break
                    buf = buf[used:]
                    if found is not None:
                        return found
            if time.monotonic() >= deadline:
                break
        if received == 0:
            raise NoAnswer(f"{self.url}: no answer within {self.timeout:g} s")
        raise CorruptReply(
            f"{self.url}: {received} bytes came back within {self.timeout:g} s "
            f"but no valid frame was among them ({buf[:32].hex(' ')})"
        )
