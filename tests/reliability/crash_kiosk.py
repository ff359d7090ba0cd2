"""Test-only entry: the real kiosk runtime (`kiosk.app.build`) in its own process, driven through
its session controller as the screens drive it, so that a test can kill it and start it again.

    python -m tests.reliability.crash_kiosk vend CONFIG CODE SKU CRASH_AT
        one visit that SIGKILLs itself right after the journal writes CRASH_AT
        (intent, held, unlocking, unlocked, door_opened, door_closed, decided, captured), or
        the instant a read first shows the door open (door_seen_open); any other CRASH_AT
        (e.g. "pulse") leaves the killing to the test
    python -m tests.reliability.crash_kiosk pickup CONFIG CODE CRASH_AT
        one visit collecting the first line of "您预约的物品" (a reservation, or a full pool's
        units kept for its organiser), SIGKILLed as `vend` is (intent is the pick-up's begin)
    python -m tests.reliability.crash_kiosk shop CONFIG CARD PIN SEED
        visits back to back (a printed card and its PIN, one or two items in stock each time)
        until something outside kills it
    python -m tests.reliability.crash_kiosk recover CONFIG
        start-up recovery and settlement, then a JSON report on the last line
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from kiosk.app import KioskRuntime, build
from kiosk.core.config import load_config
from kiosk.core.journal import VendJournal, VendRecord
from kiosk.core.session import SessionController
from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView, SessionState

WAIT = 60.0  # seconds a screen may take to come up before the visit is declared stuck


class Screens:
    """What the screens would show: every view the controller publishes, and a way to touch
    one intent and wait for the screen it should lead to."""

    def __init__(self, controller: SessionController) -> None:
        self._views: list[KioskView] = []
        self._changed = threading.Condition()
        controller.subscribe(self._show)

    def _show(self, view: KioskView) -> None:
        with self._changed:
            self._views.append(view)
            self._changed.notify_all()

    def touch(self, intent: Callable[[], None], *expect: SessionState) -> KioskView:
        """Send `intent`, then wait for the first settled view in one of the `expect` states."""
        with self._changed:
            start = len(self._views)
        intent()
        deadline = time.monotonic() + WAIT
        with self._changed:
            while True:
                for view in self._views[start:]:
                    if view.state in expect and not view.busy:
                        return view
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [v.state.value for v in self._views[start:]]
                    raise RuntimeError(f"waited for {expect}, the screens showed {seen}")
                self._changed.wait(left)


def _die_after(crash_at: str) -> None:
    """Wrap the journal's writes so the process dies the moment `crash_at` is durable."""
    begin, advance, decide = VendJournal.begin, VendJournal.advance, VendJournal.decide

    def die(step: str) -> None:
        if step == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def begin_then(self: VendJournal, *a: Any, **kw: Any) -> VendRecord:
        rec = begin(self, *a, **kw)
        die("intent")
        return rec

    def advance_then(self: VendJournal, vend_id: int, step: VendStep, **kw: Any) -> VendRecord:
        rec = advance(self, vend_id, step, **kw)
        die(step.value)
        return rec

    def decide_then(self: VendJournal, *a: Any, **kw: Any) -> VendRecord:
        rec = decide(self, *a, **kw)
        die("decided")
        return rec

    begin_pickup = VendJournal.begin_pickup

    def begin_pickup_then(self: VendJournal, *a: Any, **kw: Any) -> int:
        vend_id = begin_pickup(self, *a, **kw)
        die("intent")
        return vend_id

    VendJournal.begin_pickup = begin_pickup_then  # type: ignore[method-assign]
    VendJournal.begin = begin_then  # type: ignore[method-assign]
    VendJournal.advance = advance_then  # type: ignore[method-assign]
    VendJournal.decide = decide_then  # type: ignore[method-assign]


def _die_when_seen_open(runtime: KioskRuntime) -> None:
    """Wrap the board's reads so the process dies the moment one shows a door open."""
    read = runtime.board.read

    def read_then(locker: Any) -> Any:
        state = read(locker)
        if state.hook_open:
            os.kill(os.getpid(), signal.SIGKILL)
        return state

    runtime.board.read = read_then  # type: ignore[method-assign]


def vend(config: str, code: str, sku: str, crash_at: str) -> int:
    _die_after(crash_at)
    runtime = build(load_config(config))
    if crash_at == "door_seen_open":
        _die_when_seen_open(runtime)
    runtime.start()
    kiosk, screens = runtime.controller, Screens(runtime.controller)
    screens.touch(lambda: kiosk.present_code(code), SessionState.BROWSING)
    screens.touch(lambda: kiosk.add(sku), SessionState.BROWSING)
    screens.touch(kiosk.checkout, SessionState.CONFIRMING)
    result = screens.touch(kiosk.confirm, SessionState.RESULT)
    runtime.close()
    print(json.dumps({"finished": result.state.value}))  # the crash never came: the test fails
    return 0


def pickup(config: str, code: str, crash_at: str) -> int:
    _die_after(crash_at)
    runtime = build(load_config(config))
    runtime.start()
    kiosk, screens = runtime.controller, Screens(runtime.controller)
    shown = screens.touch(lambda: kiosk.present_code(code), SessionState.RESERVED)
    first = shown.reserved[0].reservation
    result = screens.touch(lambda: kiosk.collect(first), SessionState.RESULT)
    runtime.close()
    print(json.dumps({"finished": result.state.value}))  # the crash never came: the test fails
    return 0


def shop(config: str, card: str, pin: str, seed: str) -> int:
    runtime = build(load_config(config))
    runtime.start()
    rng = random.Random(int(seed))
    screens = Screens(runtime.controller)
    while True:
        _visit(runtime, screens, card, pin, rng)


def _visit(
    runtime: KioskRuntime, screens: Screens, card: str, pin: str, rng: random.Random
) -> None:
    kiosk = runtime.controller
    in_stock = sorted({s.sku for s in runtime.inventory.sellable()})
    if not in_stock:  # sold out: idle until the test kills us and a technician refills
        time.sleep(0.2)
        return
    screens.touch(lambda: kiosk.present_code(card), SessionState.PIN_ENTRY)
    screens.touch(lambda: kiosk.enter_pin(pin), SessionState.BROWSING)
    for sku in rng.sample(in_stock, min(len(in_stock), rng.choice((1, 1, 2)))):
        screens.touch(partial(kiosk.add, sku), SessionState.BROWSING)
    screens.touch(kiosk.checkout, SessionState.CONFIRMING)
    screens.touch(kiosk.confirm, SessionState.RESULT)
    screens.touch(kiosk.finish, SessionState.IDLE, SessionState.OUT_OF_SERVICE)


def recover(config: str) -> int:
    runtime = build(load_config(config))
    report = runtime.start()
    for _ in range(50):
        if runtime.settler.settle_all() == 0:
            break
        time.sleep(0.1)
    status = runtime.settlement.status()
    runtime.close()
    print(
        json.dumps(
            {
                "decided": report.decided,
                "undecided": list(report.undecided),
                "awaiting": [
                    {"vend": v["vend"], "locker": v["locker"], "sku": v["sku"]}
                    for v in status["awaiting_count"]
                ],
                "pending": len(status["pending_captures"]) + len(status["pending_voids"]),
            }
        )
    )
    return 0


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    modes: dict[str, Callable[..., int]] = {
        "vend": vend,
        "pickup": pickup,
        "shop": shop,
        "recover": recover,
    }
    sys.exit(modes[mode](*rest))
