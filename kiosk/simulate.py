"""Running the kiosk with its touch UI: on real hardware (`kiosk run`) or on the simulated site
with the hardware panel beside the screen (`kiosk sim`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.app import KioskRuntime, build
from kiosk.core.config import load_config

log = logging.getLogger(__name__)

SCREEN_SIZE = (800, 480)
PANEL_WIDTH = 360


def _configure_window(width: int, height: int) -> None:
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("kivy", "exit_on_escape", "0")


def run_kiosk(config_path: str) -> int:
    config = load_config(config_path)
    _configure_window(*SCREEN_SIZE)
    runtime = build(config)
    try:
        runtime.start()
        from kiosk.ui.kiosk_app import KioskApp

        app = KioskApp(
            on_click=_click_sound(runtime),
            intents=runtime.controller,
            language=config.language,
            font_path=config.font_path,
            large_text=config.large_text,
            screen_diagonal=config.screen_diagonal,
        )
        runtime.controller.subscribe(app.post)
        feed = getattr(runtime.scanner, "feed", None)  # a keyboard-wedge scanner ([scanner] kind)
        if feed is not None:
            from kiosk.ui.wedge import KeyboardWedge

            app.bind(on_start=lambda *_: KeyboardWedge(feed).start())
        from kiosk.platform.systemd import watch_app

        watch_app(app)  # READY=1 and watchdog pings when started by systemd (Type=notify)
        app.run()
    finally:
        runtime.close()
    return 0


def run_sim(data: str | None, language: str = "zh") -> int:
    from sim.gpio import SimGpio
    from sim.site import SimulatedSite

    data_dir = Path(data) if data else Path(tempfile.mkdtemp(prefix="kiosk-sim-"))
    _configure_window(SCREEN_SIZE[0] + PANEL_WIDTH, SCREEN_SIZE[1])
    with SimulatedSite(data_dir, gpio=True) as site:
        print(f"simulated site in {data_dir}")
        print(f"  ledger     {site.ledger.url}")
        print(f"  lock board {site.board.url}")
        print(f"  scanner    {site.scanner.path}")
        for m in site.demo["members"]:
            print(f"  member     {m['member']} {m['name']} ({m['role']}, {m['balance']} coins)")
        config = load_config(site.config_path)
        assert config.gpio is not None  # the site wrote a [gpio] section
        # The status light, buzzer, service door and presence sensor on gpiozero's mock pins.
        sim_gpio = SimGpio(site.cabinet, config.gpio).start()
        runtime = build(config, pin_factory=sim_gpio.factory)
        try:
            runtime.start()
            app = _sim_app(runtime, site, language, sim_gpio)
            app.run()
        finally:
            runtime.close()
            sim_gpio.stop()
    return 0


def _click_sound(runtime: KioskRuntime) -> Callable[[], None] | None:
    """The buzzer's key click for each button press, when the kiosk has a GPIO buzzer."""
    if runtime.gpio is None:
        return None
    return runtime.gpio.annunciator.key_press


def _sim_app(runtime: KioskRuntime, site: object, language: str, sim_gpio: object = None) -> object:
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.kiosk_app import KioskApp
    from sim.panel import HardwarePanel

    class SimKioskApp(KioskApp):
        """The kiosk screen at its real size, the hardware panel to its right."""

        def build(self):  # type: ignore[no-untyped-def]
            screen = super().build()
            screen.size_hint_x = None
            screen.width = SCREEN_SIZE[0]
            root = BoxLayout()
            root.add_widget(screen)
            root.add_widget(HardwarePanel(site, gpio=sim_gpio))
            return root

    app = SimKioskApp(intents=runtime.controller, language=language, on_click=_click_sound(runtime))
    runtime.controller.subscribe(app.post)
    return app
