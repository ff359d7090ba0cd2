"""A headless UI script run in its own process, both ends: the script plays its flows on the
Kivy clock and prints `RESULT <json>`; the test starts it and reads that line back.
"""

from __future__ import annotations

import json
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

RESULT = "RESULT "
STEP_TIMEOUT_S = 30.0

# --- the test's end (no Kivy here: the test process keeps no window) -------------------------


def run_script(module: str, data_dir: Path, timeout: float) -> dict[str, Any]:
    """Run `python -m module data_dir` and return its result; fails with the script's output
    when it printed none, and with its errors when it noted any."""
    run = subprocess.run(
        [sys.executable, "-m", module, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    tail = run.stdout[-2000:] + run.stderr[-4000:]
    lines = [line for line in run.stdout.splitlines() if line.startswith(RESULT)]
    assert lines, tail
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT) :])
    assert not result.get("errors"), "\n".join(result["errors"])
    assert run.returncode == 0, tail
    return result


# --- the script's end (run after kiosk.ui.headless.use_offscreen_window()) --------------------


def step_waiter(app: Any, view: Callable[[], Any], errors: list[str]) -> Callable[..., Any]:
    """`until(what, test)`: a script step that waits until `test()` and the UI shows it; after
    STEP_TIMEOUT_S it notes what it waited for in `errors` and stops the app."""
    from kivy.clock import Clock

    from kiosk.ui.testing import settled

    def until(what: str, test: Callable[[], bool]) -> Callable[[], bool]:
        deadline = Clock.get_time() + STEP_TIMEOUT_S

        def check() -> bool:
            if test() and settled(app) and app.view == view():
                return True
            if Clock.get_time() > deadline:
                errors.append(f"waited {STEP_TIMEOUT_S:.0f} s for {what}; {view()}")
                app.stop()
            return False

        return check

    return until


def play(app: Any, runtime: Any, flows: Callable[[], Iterator[Any]], errors: list[str]) -> None:
    """Run the app with `flows()` driven on its clock; an exception in them is noted in `errors`,
    the app stops when they end, and the runtime is closed whatever happened."""
    from kivy.app import App

    from kiosk.ui.testing import drive

    def script() -> Iterator[Any]:
        try:
            yield 0.3  # the first frame
            yield from flows()
        except Exception:
            errors.append(traceback.format_exc())
        App.get_running_app().stop()

    drive(script())
    try:
        app.run()
    finally:
        runtime.close()


def report(out: dict[str, Any], errors: list[str]) -> int:
    """Print the result line the test reads; the exit status says whether anything failed."""
    out["errors"] = errors
    print(RESULT + json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if errors else 0
