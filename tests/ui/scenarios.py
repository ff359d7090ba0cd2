"""Scripted runs of the kiosk UI, one per process (Kivy's Window is a process-wide singleton).

Run as `python -m tests.ui.scenarios NAME '{"out": DIR, "size": [800, 480]}'`; prints one line
`RESULT <json>`. The tests in this folder start it with `run_scenario()`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

from kiosk.ui.headless import use_offscreen_window  # noqa: E402

use_offscreen_window()
os.environ.setdefault("KIOSK_STRICT_I18N", "1")

from kiosk.core.view import (  # noqa: E402
    KioskView,
    Offer,
    ResultView,
    SessionState,
    VendStep,
    VendView,
)

SCRIPT_TIMEOUT_S = 60.0


class RecordingIntents:
    """A test double of KioskIntents: records each call as (name, argument)."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self._lock = threading.Lock()

    def _record(self, *call: str) -> None:
        with self._lock:
            self.calls.append(list(call))

    def present_code(self, text: str) -> None:
        self._record("present_code", text)

    def choose(self, sku: str) -> None:
        self._record("choose", sku)

    def cancel(self) -> None:
        self._record("cancel")

    def finish(self) -> None:
        self._record("finish")


OFFERS = (
    Offer("tissues", "纸巾", "Tissues", 15, 4, "0:1", True),
    Offer("water", "矿泉水", "Bottled water", 20, 6, "0:2", True),
    Offer("noodles", "挂面", "Noodles", 25, 2, "0:3", True),
    Offer("oil", "食用油", "Cooking oil", 60, 1, "0:4", False),
    Offer("rice", "大米 5 公斤", "Rice 5 kg", 80, 3, "0:5", False),
    Offer("soap", "肥皂", "Soap", 10, 0 + 5, "0:6", True),
)
BROWSING = KioskView(state=SessionState.BROWSING, member_name="王秀英", balance=35, offers=OFFERS)
VENDING = KioskView(
    state=SessionState.VENDING,
    member_name="王秀英",
    balance=35,
    offers=OFFERS,
    vend=VendView("water", "矿泉水", "Bottled water", 20, "0:2", VendStep.DOOR_OPENED),
)
MANY_OFFERS = tuple(
    Offer(f"item{i}", f"物品 {i}", f"Item {i}", 5, 1, f"0:{i}", True) for i in range(1, 11)
)
SAMPLE_VIEWS: dict[str, KioskView] = {
    "attract": KioskView(state=SessionState.IDLE, notice="error.invalid_code"),
    "identifying": KioskView(state=SessionState.IDENTIFYING, busy=True),
    "catalog": BROWSING,
    "vending": VENDING,
    "result_ok": KioskView(
        state=SessionState.RESULT,
        member_name="王秀英",
        result=ResultView(ok=True, message="result.taken", balance=15),
    ),
    "result_failure": KioskView(
        state=SessionState.RESULT,
        member_name="王秀英",
        result=ResultView(ok=False, message="result.not_taken", balance=35),
    ),
    "out_of_service": KioskView(state=SessionState.OUT_OF_SERVICE, out_of_service="oos.ledger"),
}

Script = Generator[Any, Any, None]


def frames(n: int = 2) -> Callable[[], bool]:
    """A step that waits `n` frames, then until the app has settled on its latest view."""
    from kivy.app import App
    from kivy.clock import Clock

    from kiosk.ui.testing import settled

    target = Clock.frames_displayed + n
    return lambda: Clock.frames_displayed >= target and settled(App.get_running_app())


def taps_script(app: Any, intents: RecordingIntents, args: dict, out: dict) -> Script:
    from kiosk.ui.testing import find_cancel_button, find_done_button, find_offer_button, tap

    app.post(BROWSING)
    yield frames()
    water = find_offer_button(app, "water")
    tap(water)
    tap(water)  # a double tap
    yield frames()
    out["after_double_tap"] = [c[:] for c in intents.calls]
    yield 1.1  # past the debounce time
    tap(find_offer_button(app, "rice"))  # cannot afford
    yield frames()
    out["after_unaffordable"] = [c[:] for c in intents.calls]
    app.post(KioskView(**{**BROWSING.__dict__, "busy": True}))
    yield frames()
    tap(find_offer_button(app, "tissues"))  # ignored while busy
    yield frames()
    out["after_busy_tap"] = [c[:] for c in intents.calls]
    app.post(BROWSING)
    yield frames()
    tap(find_cancel_button(app))
    yield frames()
    out["after_cancel"] = [c[:] for c in intents.calls]
    app.post(SAMPLE_VIEWS["result_ok"])
    yield frames()
    done = find_done_button(app)
    tap(done)
    tap(done)
    yield frames()
    out["after_done"] = [c[:] for c in intents.calls]
    app.post(KioskView(state=SessionState.IDLE))
    yield frames()
    attract = app.screens.get_screen("attract")
    out["language_before"] = app.language
    tap(attract.ids.language)
    yield frames()
    out["language_after"] = app.language
    out["title_after"] = attract.ids.title.text
    out["screen"] = app.screens.current
    # More items than fit on a page: the next-page button shows the rest.
    app.post(KioskView(**{**BROWSING.__dict__, "offers": MANY_OFFERS}))
    yield frames()
    catalog = app.screens.get_screen("catalog")
    out["pages"] = catalog.pages
    yield 1.1
    tap(catalog.ids.next)
    yield frames()
    if "screenshot" in args:
        from kiosk.ui.screenshot import take_screenshot

        saved: list[str] = []
        take_screenshot(args["screenshot"], saved.append)
        yield lambda: bool(saved)
    tap(find_offer_button(app, "item10"))
    yield frames()
    out["after_next_page"] = [c[:] for c in intents.calls]
    out["language_during_visit"] = app.language
    app.post(KioskView(state=SessionState.IDLE))
    yield frames()
    out["language_after_visit"] = app.language


def thread_script(app: Any, intents: RecordingIntents, args: dict, out: dict) -> Script:
    def worker() -> None:
        for view in (SAMPLE_VIEWS["identifying"], BROWSING, VENDING):
            app.post(view)
            time.sleep(0.02)

    out["main_thread_shows"] = []
    original_show = app.show

    def show(view: KioskView) -> None:
        out["main_thread_shows"].append(threading.current_thread() is threading.main_thread())
        original_show(view)

    app.show = show
    thread = threading.Thread(target=worker)
    thread.start()
    yield lambda: not thread.is_alive()
    yield frames()
    out["screen"] = app.screens.current
    out["locker_text"] = app.screens.get_screen("vending").ids.locker.text
    out["state"] = app.view.state.value


def screenshots_script(app: Any, intents: RecordingIntents, args: dict, out: dict) -> Script:
    from kiosk.ui.screenshot import take_screenshot

    out["files"] = {}
    names = args.get("views") or list(SAMPLE_VIEWS)
    for language in args.get("languages", ["zh", "en"]):
        app.set_language(language)
        for name in names:
            app.post(SAMPLE_VIEWS[name])
            yield frames()
            path = os.path.join(
                args["out"], f"{name}_{language}_{args['size'][0]}x{args['size'][1]}.png"
            )
            saved: list[str] = []
            take_screenshot(path, saved.append)
            yield lambda saved=saved: bool(saved)
            out["files"][f"{name}_{language}"] = saved[0]
            out.setdefault("screens", {})[f"{name}_{language}"] = app.screens.current


def wrapped_script(app: Any, intents: RecordingIntents, args: dict, out: dict) -> Script:
    from kiosk.ui.testing import find_offer_button, tap

    app.post(BROWSING)
    yield frames()
    tap(find_offer_button(app, "tissues"))
    yield frames()
    out["screens_width"] = app.screens.width
    out["font_body"] = app.font_body


SCRIPTS = {
    "wrapped": wrapped_script,
    "taps": taps_script,
    "thread": thread_script,
    "screenshots": screenshots_script,
}


def main(name: str, args: dict) -> int:
    from kivy.config import Config

    width, height = args.setdefault("size", [800, 480])
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("input", "mouse", "mouse,disable_multitouch")

    from kivy.clock import Clock

    from kiosk.ui.kiosk_app import KioskApp
    from kiosk.ui.testing import drive

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
    app = app_class(
        intents, language=args.get("language", "zh"), large_text=args.get("large", False)
    )
    out: dict[str, Any] = {}
    errors: list[str] = []

    def script() -> Script:
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
    out["errors"] = errors
    out["window_size"] = list(app.root_window.size) if app.root_window else None
    print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}))


def run_scenario(name: str, **args: Any) -> dict[str, Any]:
    """Run one scenario in a fresh process and return its JSON result (for the tests)."""
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    path = os.pathsep.join(p for p in (str(repo), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "KIOSK_STRICT_I18N": "1", "PYTHONPATH": path}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.scenarios", name, json.dumps(args)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S + 30,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise AssertionError(
            f"scenario {name} printed no result (exit {proc.returncode})\n"
            f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
        )
    result = json.loads(lines[-1][len("RESULT ") :])
    assert not result["errors"], "\n".join(result["errors"])
    return result
