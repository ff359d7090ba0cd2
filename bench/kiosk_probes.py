"""What bench/kiosk_driven.py measures the kiosk with, from inside its process: resident
memory and every frame's interval on the Kivy main thread (the finger: kiosk/ui/testing.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock

SLOW_FRAME_S = 0.050


def rss_mib(field: str = "VmRSS") -> float:
    """This process's resident memory now (VmRSS) or at its highest (VmHWM), in MiB."""
    status = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else float("nan")


class FrameMeter:
    """Every frame's interval on the Kivy main thread, kept as a histogram of whole ms (so the
    meter's own memory does not grow with the run), with the slow frames counted by the
    screen they ended on and the slowest five noted."""

    def __init__(self) -> None:
        self.histogram = [0] * 2001  # ms 0..1999, the last bucket is 2 s and above
        self.frames = 0
        self.slow_by_screen: dict[str, int] = {}
        self.slowest: list[tuple[float, str]] = []
        self.screen: Callable[[], str] = lambda: ""
        self.where: Callable[[], str] = lambda: ""

    def start(self) -> None:
        Clock.schedule_interval(self._tick, 0)

    def stop(self) -> None:
        Clock.unschedule(self._tick)

    def _tick(self, dt: float) -> None:
        self.frames += 1
        self.histogram[min(int(dt * 1000), 2000)] += 1
        if dt > SLOW_FRAME_S:
            screen = self.screen()
            self.slow_by_screen[screen] = self.slow_by_screen.get(screen, 0) + 1
        if dt > SLOW_FRAME_S or len(self.slowest) < 5:
            self.slowest = sorted([*self.slowest, (dt, self.where())], reverse=True)[:5]

    def report(self) -> dict[str, Any]:
        rank, p99 = 0, 0
        for ms, count in enumerate(self.histogram):
            rank += count
            if rank >= 0.99 * self.frames:
                p99 = ms + 1  # the bucket's upper edge
                break
        return {
            "frames": self.frames,
            "max_ms": round(self.slowest[0][0] * 1000, 1) if self.slowest else None,
            "p99_ms": p99,
            "over_50ms": sum(self.slow_by_screen.values()),
            "over_50ms_by_screen": self.slow_by_screen,
            "slowest": [(round(dt * 1000, 1), where) for dt, where in self.slowest],
        }


def flush_every_frame() -> None:
    """Make each buffer swap hand the frame to the GL driver, as a display's swap does.

    SDL's offscreen window swaps a pbuffer, which flushes nothing: Mesa's software rasteriser
    then piles up every frame drawn since the last flush and draws them all at once when the
    next text texture is updated, so the Kivy thread stalls for hundreds of ms (an artifact of
    the offscreen window that a screen does not have; bench/README.md).
    """
    from kivy.core.window import Window
    from kivy.graphics.opengl import glFlush

    Window.bind(on_flip=lambda *_args: glFlush())
