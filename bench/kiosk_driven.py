"""The real kiosk (`kiosk run --config FILE`: kiosk.cli.main, UI included) with a bench-only
member at its screen, run by bench/kiosk_memory.py in a process of its own.

The member is a script on the Kivy clock: for each visit it prints `SCAN` (the bench then
presents a printed card to the simulated scanner's pty, so the code comes in through the real
serial scanner driver), taps the PIN on the PIN pad, taps up to five items, "checkout",
"confirm", and "done" on the result screen, with touch events dispatched into the window as a
touch screen's would be. A frame meter on the same clock times every frame while the visits
run. Reports are lines on stdout: `MARK {json}` after the --mark'th vend (100), `RESULT {json}`
at the end; the kiosk's own log goes to stderr.

    python bench/kiosk_driven.py CONFIG --vends 1000 [--screenshot PNG]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from kivy.app import App
from kivy.base import EventLoop
from kivy.clock import Clock

from bench.kiosk_probes import FrameMeter, flush_every_frame, rss_mib
from kiosk import cli
from kiosk.core.view import SessionState
from kiosk.ui.testing import Finger, show_offer

PIN = "2468"
STEP_TIMEOUT_S = 30.0
TAP_GAP_S = 1.05  # the screens ignore a second tap on one button within 1 s (screens/base.py)
DIGIT_GAP_S = 0.16  # ... and a second PIN digit within 0.15 s (screens/pin_pad.py)
SETTLE_S = 1.0


def say(kind: str, payload: Any = None) -> None:
    print(kind if payload is None else f"{kind} {json.dumps(payload)}", flush=True)


def pin_holds(pad: Any, digits: int) -> Callable[[], bool]:
    return lambda: len(pad.pin) == digits


def cart_holds(app: Any, items: int) -> Callable[[], bool]:
    return lambda: len(app.view.cart) == items


class Member:
    """The member at the screen: one visit after another until `vends` items were vended."""

    def __init__(self, vends: int, mark: int, screenshot: str | None, flush: bool) -> None:
        self.vends_wanted = vends
        self.mark = mark
        self.flush = flush
        self.screenshot = screenshot
        self.app: Any = None
        self.vends = 0
        self.handed_out = 0
        self.visits = 0
        self.last_tap: dict[str, float] = {}
        self.meter = FrameMeter()
        self.meter.screen = lambda: self.state().value
        self.meter.where = lambda: f"vend {self.vends}, {self.state().value}"
        self.report: dict[str, Any] = {"errors": []}

    def state(self) -> SessionState:
        return self.app.view.state

    def settled(self, state: SessionState) -> bool:
        """The UI shows `state`, with no later view waiting to be drawn and no screen change
        under way (the ScreenManager ignores touches during one; kiosk/ui/testing.py)."""
        pending = getattr(self.app, "_pending", None)
        changing = self.app.screens.transition.is_active
        return self.state() is state and pending is None and not changing

    def tap(self, key: str, widget: Any, gap: float = TAP_GAP_S) -> Iterator[Any]:
        """Touch the widget's centre and lift, a frame after it was drawn (its layout done)
        and at least `gap` after the last tap on the same button."""
        yield max(0.0, self.last_tap.get(key, -gap) + gap - time.monotonic())
        finger = Finger(*widget.to_window(*widget.center))
        EventLoop.post_dispatch_input("begin", finger)
        EventLoop.post_dispatch_input("end", finger)
        self.last_tap[key] = time.monotonic()

    def until(self, what: str, test: Callable[[], bool]) -> Callable[[], bool]:
        deadline = time.monotonic() + STEP_TIMEOUT_S

        def check() -> bool:
            if test():
                return True
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {STEP_TIMEOUT_S:.0f} s for {what}; {self.app.view}")
            return False

        return check

    def visits_script(self) -> Iterator[Any]:
        app = self.app = App.get_running_app()
        if self.flush:
            flush_every_frame()
        screen = app.screens.get_screen
        yield self.until("the attract screen", lambda: self.settled(SessionState.IDLE))
        self.report["rss_ready_mib"] = rss_mib()
        self.meter.start()
        while self.vends < self.vends_wanted:
            self.visits += 1
            say("SCAN")
            yield self.until("the PIN pad", lambda: self.settled(SessionState.PIN_ENTRY))
            pad = screen("pin_pad")
            keys = {w.text: w for w in pad.ids.keypad.walk(restrict=True) if hasattr(w, "text")}
            for typed in range(1, len(PIN) + 1):
                yield from self.tap("digit", keys[PIN[typed - 1]], gap=0.0)
                # The pad takes a digit on release (a frame or more after the finger lifts)
                # and ignores one within DIGIT_GAP_S of the last: the gap counts from there.
                yield self.until(f"digit {typed}", pin_holds(pad, typed))
                yield DIGIT_GAP_S
            yield from self.tap("pin ok", pad.ids.ok)
            yield self.until("the catalog", lambda: self.settled(SessionState.BROWSING))
            offers = [o for o in app.view.offers if o.stock > 0 and o.affordable]
            offers = offers[: min(5, self.vends_wanted - self.vends)]
            if not offers:
                raise RuntimeError(f"nothing can be had: {app.view.offers}")
            for n, offer in enumerate(offers, start=1):
                button = show_offer(app, offer.sku)  # a page of three: turn to it
                yield from self.tap(f"add {offer.sku}", button)
                yield self.until(f"{n} in the cart", cart_holds(app, n))
            yield from self.tap("checkout", screen("catalog").ids.checkout)
            yield self.until("the confirm screen", lambda: self.settled(SessionState.CONFIRMING))
            yield from self.tap("confirm", screen("confirm").ids.confirm)
            yield self.until("the result", lambda: self.settled(SessionState.RESULT))
            items = app.view.result.items
            self.vends += len(items)
            self.handed_out += sum(item.handed_out for item in items)
            last = self.vends >= self.vends_wanted
            if last:
                self.meter.stop()
                if self.screenshot:  # the last result screen, to look at
                    yield from self.take_screenshot(self.screenshot)
            yield from self.tap("done", screen("result").ids.done)
            yield self.until("the attract screen", lambda: self.settled(SessionState.IDLE))
            if last or (self.vends >= self.mark and "rss_mark_mib" not in self.report):
                # Memory is read at the same point of each visit: back on the attract screen,
                # the visit's views drawn and its clean-up done.
                yield SETTLE_S
                self.report.setdefault("mark", self.vends)
                self.report.setdefault("rss_mark_mib", rss_mib())
                say("MARK", {"vends": self.vends, "rss_mib": rss_mib()})
        self.report["rss_end_mib"] = rss_mib()
        self.report["rss_peak_mib"] = rss_mib("VmHWM")

    def take_screenshot(self, path: str) -> Iterator[Any]:
        from kiosk.ui.screenshot import take_screenshot

        done: list[str] = []
        take_screenshot(path, done.append)
        yield self.until("the screenshot", lambda: bool(done))
        self.report["screenshot"] = path

    def play(self) -> None:
        """Run the visits on the Kivy clock: the script yields seconds to wait (0: the next
        frame) or a test to poll every frame. Reports and stops the app when it ends."""
        script = self.visits_script()

        def advance(_dt: float = 0) -> None:
            try:
                step = next(script)
            except StopIteration:
                self.finish()
                return
            except Exception as e:
                self.fail(e)
                return
            if callable(step):
                Clock.schedule_interval(lambda _dt: poll(step), 0)
            else:
                Clock.schedule_once(advance, step)

        def poll(test: Callable[[], bool]) -> bool:
            try:
                ready = test()
            except Exception as e:
                self.fail(e)
                return False
            if ready:
                advance()
            return not ready  # False unschedules the poll

        Clock.schedule_once(advance, 0)

    def fail(self, e: Exception) -> None:
        self.report["errors"].append(f"{type(e).__name__}: {e}")
        self.finish()

    def finish(self) -> None:
        if "vends" in self.report:
            return  # already reported
        self.report.update(
            vends=self.vends,
            handed_out=self.handed_out,
            visits=self.visits,
            frames=self.meter.report(),
        )
        say("RESULT", self.report)
        self.app.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config")
    ap.add_argument("--vends", type=int, default=1000)
    ap.add_argument("--mark", type=int, default=100, help="also read the RSS after this vend")
    ap.add_argument("--screenshot", help="save the last result screen here (PNG)")
    ap.add_argument("--no-flush", action="store_true", help="swaps flush nothing (offscreen)")
    args = ap.parse_args()
    Member(args.vends, args.mark, args.screenshot, flush=not args.no_flush).play()
    return cli.main(["run", "--config", args.config])


if __name__ == "__main__":
    sys.exit(main())
