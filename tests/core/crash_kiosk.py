"""Test-only entry: the real kiosk engine in its own process, which SIGKILLs itself right after
the journal writes a chosen step; then, run again, the start-up recovery and settlement.

    python -m tests.core.crash_kiosk vend CONFIG CODE SKU CRASH_AT   (intent, held, ..., decided)
    python -m tests.core.crash_kiosk recover CONFIG                  prints a JSON report
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time

from kiosk.app import build
from kiosk.core.config import load_config
from kiosk.core.journal import VendJournal
from kiosk.core.view import SessionState


def _die_after(crash_at: str) -> None:
    """Wrap the journal's writes so the process dies the moment `crash_at` is durable."""
    begin, advance, decide = VendJournal.begin, VendJournal.advance, VendJournal.decide

    def die(step: str) -> None:
        if step == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def begin_then(self, *a, **kw):  # type: ignore[no-untyped-def]
        rec = begin(self, *a, **kw)
        die("intent")
        return rec

    def advance_then(self, vend_id, step, **kw):  # type: ignore[no-untyped-def]
        rec = advance(self, vend_id, step, **kw)
        die(step.value)
        return rec

    def decide_then(self, *a, **kw):  # type: ignore[no-untyped-def]
        rec = decide(self, *a, **kw)
        die("decided")
        return rec

    VendJournal.begin = begin_then  # type: ignore[method-assign]
    VendJournal.advance = advance_then  # type: ignore[method-assign]
    VendJournal.decide = decide_then  # type: ignore[method-assign]


def vend(config: str, code: str, sku: str, crash_at: str) -> int:
    _die_after(crash_at)
    runtime = build(load_config(config))
    runtime.start()
    reached = threading.Event()
    wanted = {SessionState.BROWSING, SessionState.CONFIRMING, SessionState.RESULT}
    seen: list[SessionState] = []

    def watch(view):  # type: ignore[no-untyped-def]
        if view.state in wanted and not view.busy:
            seen.append(view.state)
            reached.set()

    runtime.controller.subscribe(watch)
    for step, expect in (
        (lambda: runtime.controller.present_code(code), SessionState.BROWSING),
        (lambda: runtime.controller.add(sku), SessionState.BROWSING),
        (runtime.controller.checkout, SessionState.CONFIRMING),
        (runtime.controller.confirm, SessionState.RESULT),
    ):
        reached.clear()
        step()
        deadline = time.monotonic() + 60
        while not (seen and seen[-1] is expect) and time.monotonic() < deadline:
            reached.wait(0.1)
    runtime.close()
    print(json.dumps({"finished": [s.value for s in seen]}))
    return 0


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
                "pending": len(status["pending_captures"]) + len(status["pending_voids"]),
            }
        )
    )
    return 0


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    sys.exit(vend(*rest) if mode == "vend" else recover(*rest))
