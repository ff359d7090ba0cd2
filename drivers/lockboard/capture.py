"""A record of every byte between the host and a lock-board bus, with timestamps: what
`kiosk board capture` writes so that a technician in the field can send what a board really
says, and what a replayed board (sim/lockboard/replay.py) answers from.

JSON lines, one object each: a header, then every chunk written or read, in order, and notes
of what the driver made of them::

    {"capture": 1, "port": "/dev/ttyUSB0", "protocol": "kerong", "baud": 19200, "started": "..."}
    {"t": 0.0012, "host": "02 00 30 03 35"}
    {"t": 0.0131, "board": "02 00 35 00 00 3f 00 03 79"}
    {"t": 0.0140, "note": "status of board 0", "locks": {"1": {"hook_open": false, ...}}}

`t` is seconds since the capture started (monotonic clock). Standard library only: the
simulator reads captures too.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

FORMAT = 1


class CaptureWriter:
    """Writes a capture as it happens; the serial link's tap (sent / received). Thread-safe."""

    def __init__(self, path: str | Path, **header: Any) -> None:
        self.path = Path(path)
        self._file: TextIO = self.path.open("w", encoding="utf-8")
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self.sent_bytes = self.received_bytes = 0
        started = datetime.now(UTC).isoformat(timespec="milliseconds")
        self._write({"capture": FORMAT, **header, "started": started})

    def sent(self, data: bytes) -> None:
        self.sent_bytes += len(data)
        self._event("host", data)

    def received(self, data: bytes) -> None:
        self.received_bytes += len(data)
        self._event("board", data)

    def note(self, text: str, **facts: Any) -> None:
        """What the driver made of the bytes just before (a state, an error)."""
        self._write({"t": self._now(), "note": text, **facts})

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def _event(self, side: str, data: bytes) -> None:
        self._write({"t": self._now(), side: data.hex(" ")})

    def _now(self) -> float:
        return round(time.monotonic() - self._start, 6)

    def _write(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._file.flush()  # a capture cut short by an unplug keeps what it had


@dataclass
class Capture:
    """A capture read back: its header, and every chunk as (t, "host" | "board", bytes)."""

    header: dict[str, Any]
    chunks: list[tuple[float, str, bytes]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def answers(self) -> dict[bytes, list[bytes]]:
        """For each frame the host sent, what the board sent back before the host's next one,
        in order (b"" where it said nothing)."""
        answers: dict[bytes, list[bytes]] = {}
        asked: bytes | None = None
        said = b""
        for _t, side, data in self.chunks:
            if side == "host":
                if asked is not None:
                    answers.setdefault(asked, []).append(said)
                asked, said = data, b""
            else:
                said += data
        if asked is not None:
            answers.setdefault(asked, []).append(said)
        return answers


def read_capture(path: str | Path) -> Capture:
    """Read a capture file; a line that is not one raises ValueError naming file and line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines:
        raise ValueError(f"{path}: empty, not a lock-board capture")
    capture = Capture(_header(path, lines[0]))
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            t = float(entry["t"])
            if "note" in entry:
                capture.notes.append(entry)
                continue
            (side,) = {"host", "board"} & set(entry)
            capture.chunks.append((t, side, bytes.fromhex(entry[side])))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{number}: not a capture line ({e}): {line[:80]}") from e
    return capture


def _header(path: str | Path, line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError as e:
        raise ValueError(f"{path}:1: not a lock-board capture header ({e})") from e
    if not isinstance(header, dict) or header.get("capture") != FORMAT:
        raise ValueError(f"{path}:1: not a lock-board capture (format {FORMAT} expected)")
    return header
