"""One serial port to a bus of lock boards: command out, one decoded frame back, and the port
reopened in the background when the adapter is unplugged and comes back.

The port is a pyserial URL (`/dev/serial/by-id/...`, a pty path, `socket://127.0.0.1:PORT`).
Transport only: framing is the caller's decoder, meaning is the device's business.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import termios
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import serial
from tenacity import RetryError, Retrying, retry_if_exception_type, wait_exponential

from drivers.errors import CorruptReply, LinkError, NoAnswer, NotSent, PortUnavailable

log = logging.getLogger(__name__)

F = TypeVar("F")


class Unasked(enum.Enum):
    """What a decoder returns for a whole, valid frame that answers something else."""

    FRAME = "unasked"


# A valid frame from another board, or a late answer to an earlier command: no answer to this
# one, and no sign of a garbled line either.
UNASKED = Unasked.FRAME
# decode(buf, gap) -> (frame, UNASKED or None, bytes used; 0 = need more). `gap` is True when
# the line has been quiet for the reply gap since buf's last byte (protocols that frame by
# silence).
Decoder = Callable[[bytes, bool], tuple[F | Unasked | None, int]]

# How long one blocking read may wait before we look at the deadline again.
_READ_SLICE = 0.02
# What a vanished adapter raises: ENOENT/EIO/ENXIO/ENODEV arrive as OSError or
# SerialException; tcflush on a dead tty raises termios.error, which is neither.
_PORT_FAILURES = (OSError, serial.SerialException, termios.error)


class Tap(Protocol):
    """Hears every byte on the link, both ways (a capture: drivers/lockboard/capture.py)."""

    def sent(self, data: bytes) -> None: ...

    def received(self, data: bytes) -> None: ...


class LinkState(enum.Enum):
    """Where the link is."""

    CLOSED = "closed"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


@dataclass(frozen=True)
class Backoff:
    """Waits between reopen attempts: `first`, doubling, never above `cap` (seconds)."""

    first: float = 0.2
    cap: float = 5.0


class _StillGone(Exception):
    """One reopen attempt failed; the reconnector tries again later."""


class SerialLink:
    """A half-duplex request/reply link. Thread-safe: one command on the wire at a time."""

    def __init__(
        self,
        url: str,
        baud: int,
        timeout: float,
        quiet_gap: float,
        reply_gap: float | None = None,
        backoff: Backoff | None = None,
        tap: Tap | None = None,
        stray: Callable[[bytes], None] | None = None,
    ) -> None:
        self.url = url
        self.tap = tap
        # Hears what arrived unasked between commands (boards that push events) before it is
        # flushed; without it those bytes are dropped unread.
        self.stray = stray
        self.baud = baud
        self.timeout = timeout
        self.quiet_gap = quiet_gap
        self.reply_gap = quiet_gap if reply_gap is None else reply_gap
        self.backoff = backoff or Backoff()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._reconnector: threading.Thread | None = None
        self._port: Any = None
        self._state = LinkState.CLOSED
        self._since = _now()
        self._last_error = ""
        self._reconnects = 0
        self._last_traffic = 0.0
        self._written = False  # the current command's frame was taken whole by the port

    @property
    def state(self) -> LinkState:
        return self._state

    def transact(self, frame: bytes, decode: Decoder[F], timeout: float | None = None) -> F:
        """Write `frame` once and return the first frame `decode` finds in the answer.

        Raises NoAnswer (nothing came back), CorruptReply (only junk came back) or
        PortUnavailable (the port is gone; it is being reopened in the background).
        Never re-sends.
        """
        with self._sending(frame) as port:
            return self._read_frame(port, decode, self.timeout if timeout is None else timeout)

    def send(self, frame: bytes) -> None:
        """Write `frame` once and wait for nothing: for commands whose board sends no answer.

        Raises PortUnavailable (the port is gone; it is being reopened in the background).
        """
        with self._sending(frame):
            pass

    @contextlib.contextmanager
    def _sending(self, frame: bytes) -> Iterator[Any]:
        """Write `frame` once on the open port, holding the line, and give the port to read an
        answer from. A failing port becomes NotSent (the frame never left whole) or
        PortUnavailable (the board may have heard it)."""
        with self._lock:
            port = self._port_for(frame)
            self._written = False
            try:
                self._keep_quiet_gap()
                # A late answer to an earlier command must not pass for this one's answer: what
                # came in is dropped right before the write, after the quiet gap's wait (a frame
                # landing during that wait was read as this command's answer).
                self._take_stray(port)
                port.reset_input_buffer()
                self._write(port, frame)
                yield port
            except LinkError:
                raise
            except _PORT_FAILURES as exc:
                self._lost(exc)
                raise self._failed(exc, self._written) from exc
            finally:
                self._last_traffic = time.monotonic()

    def wait_connected(self, timeout: float) -> bool:
        """Block until the port is open again (or `timeout` passes); True when it is."""
        deadline = time.monotonic() + timeout
        while self._state is not LinkState.CONNECTED:
            if time.monotonic() >= deadline or self._closing.is_set():
                return False
            time.sleep(0.02)
        return True

    def close(self) -> None:
        self._closing.set()
        thread = self._reconnector
        if thread is not None:
            thread.join(2)
        with self._lock:
            self._close_port()
            self._set_state(LinkState.CLOSED)
            self._closing.clear()
            self._reconnector = None

    def status(self) -> dict[str, Any]:
        """For diagnostics: state, since when, the last error and how often it came back."""
        return {
            "port": self.url,
            "state": self._state.value,
            "since": self._since,
            "last_error": self._last_error,
            "reconnects": self._reconnects,
        }

    # -- the port's life ---------------------------------------------------------------------

    def _usable_port(self) -> Any:
        if self._state is LinkState.CONNECTED:
            return self._port
        if self._state is LinkState.RECONNECTING:
            raise PortUnavailable(
                f"{self.url}: cannot open port: gone since {self._since}, reconnecting "
                f"(last error: {self._last_error})"
            )
        try:
            self._port = self._open()
        except _StillGone as exc:
            self._lost(exc.__cause__ or exc)
            raise PortUnavailable(f"{self.url}: cannot open port: {exc}") from exc
        self._set_state(LinkState.CONNECTED)
        return self._port

    def _open(self) -> Any:
        try:
            return serial.serial_for_url(self.url, baudrate=self.baud, timeout=_READ_SLICE)
        except (*_PORT_FAILURES, ValueError) as exc:
            raise _StillGone(str(exc)) from exc

    def _lost(self, exc: BaseException) -> None:
        """The port failed: drop it and reopen in the background, for as long as it takes."""
        self._close_port()
        self._last_error = str(exc)
        self._set_state(LinkState.RECONNECTING)
        log.warning("%s: port lost (%s); reconnecting", self.url, exc)
        if self._reconnector is None or not self._reconnector.is_alive():
            self._reconnector = threading.Thread(
                target=self._reconnect, name=f"reconnect {self.url}", daemon=True
            )
            self._reconnector.start()

    def _reconnect(self) -> None:
        retrying = Retrying(
            wait=wait_exponential(multiplier=self.backoff.first, max=self.backoff.cap),
            retry=retry_if_exception_type(_StillGone),
            stop=lambda _: self._closing.is_set(),
            sleep=self._pause,
        )
        with contextlib.suppress(RetryError):
            for attempt in retrying:
                with attempt:
                    self._reopen_once()

    def _pause(self, seconds: float) -> None:
        self._closing.wait(seconds)  # close() cuts the wait short

    def _reopen_once(self) -> None:
        if self._closing.is_set():
            return
        try:
            port = self._open()
        except _StillGone as exc:
            self._last_error = str(exc)
            raise
        with self._lock:
            if self._closing.is_set():
                port.close()
                return
            self._port = port
            self._reconnects += 1
            self._set_state(LinkState.CONNECTED)
        log.info("%s: port is back", self.url)

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(*_PORT_FAILURES):
                port.close()  # may already be gone; closing is best effort

    def _set_state(self, state: LinkState) -> None:
        if state is not self._state:
            self._state = state
            self._since = _now()

    # -- one exchange ------------------------------------------------------------------------

    def _write(self, port: Any, frame: bytes) -> None:
        """Write the whole frame. Once the port took it all (`_written`), the board may have
        it, even if draining it then fails."""
        port.write(frame)
        self._written = True
        if self.tap is not None:
            self.tap.sent(frame)
        port.flush()

    def _take_stray(self, port: Any) -> None:
        """Hand what arrived since the last command to `stray` (and the tap), if anyone asks;
        otherwise say in the log that it is dropped (a late answer, or noise)."""
        if not port.in_waiting:
            return
        if self.stray is None:
            log.info(
                "%s: %d bytes came after their command's time: dropped", self.url, port.in_waiting
            )
            return
        data = port.read(port.in_waiting)
        if data:
            if self.tap is not None:
                self.tap.received(data)
            self.stray(data)

    def _port_for(self, frame: bytes) -> Any:
        """The open port, or NotSent: with the port gone, `frame` never leaves."""
        try:
            return self._usable_port()
        except PortUnavailable as exc:
            raise NotSent(f"{exc} (nothing sent)") from exc

    def _failed(self, exc: BaseException, written: bool) -> PortUnavailable:
        """The error for a port that failed mid-command: NotSent before the frame was written
        whole, PortUnavailable after (the board may have heard it)."""
        if written:
            return PortUnavailable(f"{self.url}: port failed during a command: {exc}")
        return NotSent(f"{self.url}: port failed before the command went out: {exc}")

    def _keep_quiet_gap(self) -> None:
        wait = self._last_traffic + self.quiet_gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _read_frame(self, port: Any, decode: Decoder[F], timeout: float) -> F:
        deadline = time.monotonic() + timeout
        buf = seen = b""
        received = unasked = 0
        last_byte = 0.0
        while True:
            chunk = port.read(max(1, port.in_waiting))
            now = time.monotonic()
            if chunk:
                if self.tap is not None:
                    self.tap.received(chunk)
                received += len(chunk)
                buf += chunk
                seen = (seen + chunk)[:32]
                last_byte = now
            # At the deadline the line is as quiet as it will get for this command.
            gap = bool(buf) and (now - last_byte >= self.reply_gap or now >= deadline)
            if chunk or gap:
                while buf:
                    found, used = decode(buf, gap)
                    if used == 0:
                        break
                    buf = buf[used:]
                    if found is UNASKED:
                        unasked += used
                    elif found is not None:
                        return found
            if now >= deadline:
                break
        if received == unasked:
            others = f" ({unasked} bytes answered something else)" if unasked else ""
            raise NoAnswer(f"{self.url}: no answer within {timeout:g} s{others}")
        raise CorruptReply(
            f"{self.url}: {received} bytes came back within {timeout:g} s "
            f"but no valid frame was among them ({seen.hex(' ')})"
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
