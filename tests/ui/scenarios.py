"""Scripted runs of the kiosk UI, one per process (Kivy's Window is a process-wide singleton).

Run as `python -m tests.ui.scenarios NAME '{"out": DIR, "size": [800, 480]}'`; prints one line
`RESULT <json>`. The tests in this folder start it with `run_scenario()`. The scripts are in
tests/ui/scripts.py; they drive screens with recorded intents, not the real core.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

from kiosk.ui.headless import use_offscreen_window

use_offscreen_window()
os.environ.setdefault("KIOSK_STRICT_I18N", "1")

# The screenshot script renders every screen in both languages and both text modes in one
# process: about 40 s on a quiet machine, over 90 s when the suite shares 2 cores at load 8.
SCRIPT_TIMEOUT_S = 300.0


class RecordingIntents:
    """A test double of KioskIntents: records each call as [name, argument...]."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self._lock = threading.Lock()

    def _record(self, *call: str) -> None:
        with self._lock:
            self.calls.append(list(call))

    def present_code(self, text: str) -> None:
        self._record("present_code", text)

    def enter_pin(self, pin: str) -> None:
        self._record("enter_pin", pin)

    def pair(self) -> None:
        self._record("pair")

    def add(self, sku: str) -> None:
        self._record("add", sku)

    def remove(self, sku: str) -> None:
        self._record("remove", sku)

    def checkout(self) -> None:
        self._record("checkout")

    def back(self) -> None:
        self._record("back")

    def confirm(self) -> None:
        self._record("confirm")

    def cancel(self) -> None:
        self._record("cancel")

    def finish(self) -> None:
        self._record("finish")

    def touched(self) -> None:
        self._record("touched")

    def more_time(self) -> None:
        self._record("more_time")

    def retry(self) -> None:
        self._record("retry")

    def acting(self) -> list[list[str]]:
        """The calls that ask for something (every call but `touched`)."""
        with self._lock:
            return [c[:] for c in self.calls if c[0] != "touched"]


def main(name: str, args: dict) -> int:
    from kivy.config import Config

    width, height = args.setdefault("size", [800, 480])
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("input", "mouse", "mouse,disable_multitouch")

    from kivy.clock import Clock

    from kiosk.ui.kiosk_app import KioskApp
    from kiosk.ui.testing import drive
    from tests.ui.scripts import SCRIPTS

    intents = RecordingIntents()
    app_class = KioskApp
    if args.get("wrapped"):
        # As `kiosk sim` does: the kiosk's screens at 800 px, another panel beside them.
        from kivy.uix.boxlayout import BoxLayout
        from kivy.uix.widget import Widget

        class WrappedApp(KioskApp):
            def build(self) -> Any:
                screens = super().build()
                screens.size_hint_x = None
                screens.width = 800
                root = BoxLayout()
                root.add_widget(screens)
                root.add_widget(Widget())
                return root

        app_class = WrappedApp
    clicks: list[int] = []
    app = app_class(
        intents,
        language=args.get("language", "zh"),
        large_text=args.get("large", False),
        screen_diagonal=args.get("diagonal", 7.0),
        on_click=lambda: clicks.append(1),
    )
    out: dict[str, Any] = {}
    errors: list[str] = []

    def script() -> Any:
        try:
            yield from SCRIPTS[name](app, intents, args, out)
        except Exception as e:  # reported in the JSON, so the test shows it
            import traceback

            errors.append("".join(traceback.format_exception(e)))
        app.stop()

    def time_out(_dt: float) -> None:
        errors.append(f"script {name} timed out after {SCRIPT_TIMEOUT_S} s")
        app.stop()

    Clock.schedule_once(time_out, SCRIPT_TIMEOUT_S)
    drive(script())
    app.run()
    out["calls"] = intents.calls
    out["clicks"] = len(clicks)
    out["errors"] = errors
    out["window_size"] = list(app.root_window.size) if app.root_window else None
    print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}))


def run_scenario(name: str, **args: Any) -> dict[str, Any]:
    """Run one scenario in a fresh process and return its JSON result (for the tests)."""
    return run_script("tests.ui.scenarios", name, args)


def run_script(module: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run script `name` of a scenario module (this one, tests/ui/field_screens.py...) in a
    fresh process (one Kivy window each) and return its JSON result, its errors asserted."""
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    path = os.pathsep.join(p for p in (str(repo), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "KIOSK_STRICT_I18N": "1", "PYTHONPATH": path}
    proc = subprocess.run(
        [sys.executable, "-m", module, name, json.dumps(args)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S + 30,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise AssertionError(
            f"{module} {name} printed no result (exit {proc.returncode})\n"
            f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
        )
    result = json.loads(lines[-1][len("RESULT ") :])
    assert not result["errors"], "\n".join(result["errors"])
    return result
