"""A visit made only with taps, as a developer does it in `kiosk sim`: the hardware panel
presents the member's code and plays the visitor; the kiosk screen is tapped to choose.

Run as `python -m tests.e2e.sim_panel_visit DATA_DIR`; prints `RESULT <json>`.
"""

import json
import sys

from kiosk.ui.headless import use_offscreen_window

use_offscreen_window()

from kivy.clock import Clock  # noqa: E402
from kivy.uix.button import Button  # noqa: E402
from kivy.uix.label import Label  # noqa: E402
from kivy.uix.scrollview import ScrollView  # noqa: E402

from kiosk.app import build  # noqa: E402
from kiosk.commands.run import SCREEN_SIZE, configure_window  # noqa: E402
from kiosk.commands.simulate import PANEL_WIDTH, sim_app  # noqa: E402
from kiosk.core.config import load_config  # noqa: E402
from kiosk.core.steps import VendStep  # noqa: E402
from kiosk.core.view import SessionState  # noqa: E402
from kiosk.ui.testing import (  # noqa: E402
    button,
    find_widget,
    settled,
    show_offer,
    tap,
)
from sim.site import SimulatedSite  # noqa: E402

VISIT_TIMEOUT_S = 90.0


def panel_button(app, text_start, after_label=None):
    """A panel button by its text; with after_label, the first such button after that label."""
    buttons = []
    seen_label = after_label is None

    def collect(w):
        nonlocal seen_label
        if isinstance(w, Label) and not isinstance(w, Button) and after_label:
            seen_label = seen_label or w.text.startswith(after_label)
        if seen_label and isinstance(w, Button) and w.text.startswith(text_start):
            buttons.append(w)
        return False

    find_widget(app.root.children[0], collect)  # the panel is the root's last-added child
    if not buttons:
        raise LookupError(f"no panel button {text_start!r} after {after_label!r}")
    return buttons[0]


def main(data_dir: str) -> None:
    configure_window(SCREEN_SIZE[0] + PANEL_WIDTH, SCREEN_SIZE[1])
    from kiosk.ui.testing import drive

    result = {}
    with SimulatedSite(data_dir) as site:
        runtime = build(load_config(site.config_path))
        runtime.start()
        app = sim_app(runtime, site, "zh")
        # What the screen shows (not only what the core published): taps land on that screen.
        view = lambda: app.view  # noqa: E731

        def press(button):
            """Scroll the panel to `button` (a developer scrolls too), then tap it."""
            scroll = button.parent
            while not isinstance(scroll, ScrollView):
                scroll = scroll.parent
            scroll.scroll_to(button, padding=10, animate=False)
            yield 0.2
            tap(button)

        def visit():
            yield 0.5
            yield from press(panel_button(app, "王阿姨"))
            yield lambda: view().state is SessionState.BROWSING and settled(app)
            result["balance_before"] = view().balance
            tap(show_offer(app, "water"))
            yield lambda: len(view().cart) == 1 and settled(app)
            tap(button(app, "catalog", "checkout"))
            yield lambda: view().state is SessionState.CONFIRMING and settled(app)
            tap(button(app, "confirm", "confirm"))
            yield lambda: view().vend is not None and view().vend.step is VendStep.DOOR_OPENED
            yield from press(panel_button(app, "take", after_label="0:2 "))
            yield from press(panel_button(app, "close", after_label="0:2 "))
            yield lambda: view().state is SessionState.RESULT and settled(app)
            result["ok"] = view().result.ok
            result["balance_after"] = site.balance(site.member("王阿姨")["member"])
            result["pulses"] = site.cabinet.pulses(0, 2)
            tap(button(app, "result", "done"))
            yield lambda: view().state is SessionState.IDLE and settled(app)
            yield from press(panel_button(app, "card of 王阿姨"))
            yield lambda: app.view.state is SessionState.PIN_ENTRY and settled(app)
            result["card_screen"] = app.screens.current
            app.stop()

        def time_out(_dt):
            result["error"] = f"the visit did not finish in {VISIT_TIMEOUT_S:.0f} s: {view()}"
            app.stop()

        Clock.schedule_once(time_out, VISIT_TIMEOUT_S)
        drive(visit())
        try:
            app.run()
        finally:
            runtime.close()
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
