"""What every simulated lock board does alike: serve its port, record what it heard, and
misbehave on request (the fault menu of OctoPrint's virtual printer, on a real port).
"""

from __future__ import annotations

import contextlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

from sim.lockboard.port import SimPort
from sim.world import Cabinet

C = TypeVar("C")  # the protocol's command frame

_POLL = 0.02


class SimBoard(ABC, Generic[C]):
    """Boards at `board_addresses` on one simulated line, wired to `cabinet`.

    Faults, settable at any time (`fault()` takes them by name):
      silent   commands are heard and carried out (the lock really moves) but no answer
               comes back, as when the reply is lost on the bus
      delay    seconds to wait before answering (late replies)
      late_once  the next answer only goes out this many seconds late, its state as when the
               command was heard (a busy board: what it hears meanwhile waits its turn, then
               is answered on time), so a host that gave up on it may take it for the next
      corrupt  the next N answers arrive with a wrong checksum (negative: every answer)
      split    an answer arrives in two pieces this many seconds apart
      mute_unlocks  unlocks are carried out but their answers are lost (boards that do
               answer unlocks: XOR, echoing Kerong firmware; current Kerong firmware never does)
      swapped  the A and B wires are swapped: every byte arrives inverted both ways, so the
               board never hears a valid command, and what it sends unasked is garbage
      unplug   `unplug(seconds)`: the line goes away and comes back (see SimPort)
    On a pty the board listens at `baud` only: a host whose port is set to another speed is
    not understood (nothing answers), as on a real line; over TCP there is no line speed.
    A jammed lock is the cabinet's business: `cabinet.jam(board, lock)`.

    `on_release(board, lock)`, when set, is called the instant a latch lets go, before any
    answer goes out: a test's way to act at that moment (e.g. kill the kiosk mid-unlock).
    """

    protocol = ""

    def __init__(
        self,
        cabinet: Cabinet,
        board_addresses: Iterable[int],
        pace: bool = False,
        *,
        baud: int,
        tcp_port: int | None = None,
        link: str | Path | None = None,
    ) -> None:
        self.cabinet = cabinet
        self.board_addresses = frozenset(board_addresses)
        self.pace = pace
        self.baud = baud
        self.silent = False
        self.delay = 0.0
        self.late_once = 0.0
        self.corrupt = 0
        self.split = 0.0
        self.mute_unlocks = False
        self.swapped = False
        self.on_release: Callable[[int, int], None] | None = None
        self._released = False
        self.heard: list[C] = []  # every valid command frame, in order
        # time.monotonic() when each heard frame's last byte was read, for latency benchmarks
        self.heard_at: list[float] = []
        self._port = SimPort(tcp_port, link, baud)
        self.url = self._port.url
        self.path = self._port.path
        self.port = self._port.port
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unplug_until: float | None = None
        self._unplugged = threading.Event()

    # -- what each protocol supplies --------------------------------------------------------

    @abstractmethod
    def decode_command(self, buf: bytes) -> tuple[C | None, int]: ...

    @abstractmethod
    def answer(self, command: C) -> bytes | None:
        """What the addressed board does with one command, and the bytes it sends back."""

    # -- faults -------------------------------------------------------------------------------

    def fault(self, name: str, value: Any = True) -> None:
        """Set one fault by name: silent, delay, late_once, corrupt, split, mute_unlocks,
        swapped (see the class docstring)."""
        kinds = {
            "silent": bool,
            "delay": float,
            "late_once": float,
            "corrupt": int,
            "split": float,
            "mute_unlocks": bool,
            "swapped": bool,
        }
        if name not in kinds:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(kinds)}")
        setattr(self, name, kinds[name](value))

    def clear_faults(self) -> None:
        self.silent, self.delay, self.corrupt, self.split = False, 0.0, 0, 0.0
        self.late_once = 0.0
        self.mute_unlocks = self.swapped = False

    def unplug(self, seconds: float) -> None:
        """Pull the adapter for `seconds`; returns once it is out."""
        self._unplugged.clear()
        self._unplug_until = time.monotonic() + seconds
        if self._thread is None:
            self._follow_plug()
        elif not self._unplugged.wait(2):
            raise RuntimeError("the simulated board did not unplug its port")

    def heard_unlocks(self, board: int, lock: int) -> int:
        """How many unlock frames for this lock came over the line."""
        return sum(1 for c in self.heard if self._is_unlock_of(c, board, lock))

    def status(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "url": self.url,
            "plugged": self._port.plugged,
            "boards": sorted(self.board_addresses),
            "silent": self.silent,
            "delay": self.delay,
            "late_once": self.late_once,
            "corrupt": self.corrupt,
            "split": self.split,
            "mute_unlocks": self.mute_unlocks,
            "swapped": self.swapped,
            "baud": self.baud,
            "heard": len(self.heard),
        }

    @abstractmethod
    def _is_unlock_of(self, command: C, board: int, lock: int) -> bool: ...

    def tick(self) -> None:
        """Called between reads of the line: a board that reports by itself does it here."""

    def push(self, frame: bytes) -> None:
        """Send a frame nobody asked for (a door event): lost when silent, inverted when the
        wires are swapped, garbled when the host listens at another speed."""
        if self.silent:
            return
        if self.swapped:
            frame = _inverted(frame)
        elif not self._speed_matches():
            frame = bytes(b ^ 0x5A for b in frame)
        self._port.send(frame)

    # -- running -----------------------------------------------------------------------------

    def start(self) -> Any:
        self._thread = threading.Thread(
            target=self._serve, name=f"sim-{self.protocol}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None
        self._port.close()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        buf = b""
        while not self._stop.is_set():
            if self._follow_plug():
                buf = b""
            data = self._port.receive(_POLL)
            self.tick()
            if data is None:
                buf = b""  # a new connection starts a new byte stream
                continue
            if not data:
                continue
            if self.swapped:
                data = _inverted(data)
            if not self._speed_matches():
                continue  # at another speed every byte reads as garbage: nothing decodes
            buf += data
            arrived = time.monotonic()
            while buf:
                command, used = self.decode_command(buf)
                if used == 0:
                    break
                buf = buf[used:]
                if command is not None:
                    self._handle(command, arrived)

    def _speed_matches(self) -> bool:
        host = self._port.host_baud()
        return host is None or host == self.baud

    def _follow_plug(self) -> bool:
        """Carry out a pending unplug or replug; True when the line changed."""
        until = self._unplug_until
        if until is None:
            return False
        if self._port.plugged and time.monotonic() < until:
            self._port.unplug()
            self._unplugged.set()
            return True
        if not self._port.plugged and time.monotonic() >= until:
            self._port.replug()
            self._unplug_until = None
            return True
        if not self._port.plugged:
            time.sleep(_POLL)
        return False

    def _handle(self, command: C, at: float) -> None:
        self.heard_at.append(at)
        self.heard.append(command)
        self._released = False
        reply = self.answer(command)
        if reply is None or self.silent or (self._released and self.mute_unlocks):
            return
        if self.delay:
            time.sleep(self.delay)
        if self.late_once:
            late, self.late_once = self.late_once, 0.0
            time.sleep(late)
        if self.corrupt:
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
            if self.corrupt > 0:
                self.corrupt -= 1
        if self.split:
            half = len(reply) // 2
            self._send(reply[:half])
            time.sleep(self.split)
            self._send(reply[half:])
        else:
            self._send(reply)

    def _send(self, data: bytes) -> None:
        if not self.pace:
            self._port.send(data)
            return
        for i in range(len(data)):
            self._port.send(data[i : i + 1])
            time.sleep(10 / self.baud)  # start + 8 data + stop bits

    def _release(self, board: int, lock: int) -> None:
        with contextlib.suppress(KeyError):  # an unfitted lock position: nothing moves
            self.cabinet.release(board, lock)
            self._released = True
            if self.on_release is not None:
                self.on_release(board, lock)


def _inverted(data: bytes) -> bytes:
    return bytes(b ^ 0xFF for b in data)
