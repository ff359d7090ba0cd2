"""A lock board played back from a capture (`kiosk board capture`): on a pty or TCP, it answers
each frame the host sends with what the real board answered to the same frame, in the order
the capture has them, so a field capture can be tried against the driver on the bench.

A frame the capture never saw gets silence, and is kept in `unknown`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from drivers.lockboard.capture import read_capture
from sim.lockboard.port import SimPort

_POLL = 0.02


class ReplayBoard:
    """Answers from the capture at `path`; after its last answer to a frame, repeats it."""

    def __init__(
        self, path: str | Path, *, tcp_port: int | None = None, link: str | Path | None = None
    ) -> None:
        self.capture = read_capture(path)
        self._answers = {asked: list(said) for asked, said in self.capture.answers().items()}
        self.heard: list[bytes] = []  # every frame taken from the capture, in order
        self.unknown = b""  # bytes that matched no frame of the capture
        self._port = SimPort(tcp_port, link)
        self.url = self._port.url
        self.path = self._port.path
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> ReplayBoard:
        self._thread = threading.Thread(target=self._serve, name="sim-replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None
        self._port.close()

    def __enter__(self) -> ReplayBoard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        buf = b""
        while not self._stop.is_set():
            data = self._port.receive(_POLL)
            if data is None:
                buf = b""
                continue
            buf += data
            while buf:
                used = self._answer(buf)
                if used == 0:
                    break
                buf = buf[used:]

    def _answer(self, buf: bytes) -> int:
        """Answer the frame `buf` starts with; the bytes used (0: wait for more)."""
        for asked, said in self._answers.items():
            if buf.startswith(asked):
                self.heard.append(asked)
                answer = said.pop(0) if len(said) > 1 else said[0]
                if answer:
                    self._port.send(answer)
                return len(asked)
        if any(asked.startswith(buf) for asked in self._answers):
            return 0
        self.unknown += buf[:1]
        return 1
