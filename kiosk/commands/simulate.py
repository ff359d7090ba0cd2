"""`kiosk sim`: the kiosk with its touch UI on the simulated site, the hardware panel beside
the screen (present codes, open doors, take items, inject faults).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from kiosk.app import KioskRuntime, build
from kiosk.commands.run import SCREEN_SIZE, click_sound, configure_window
from kiosk.core.config import load_config

PANEL_WIDTH = 360


def run_sim(data: str | None, language: str = "zh") -> int:
    from sim.gpio import SimGpio
    from sim.site import SimulatedSite

    data_dir = Path(data) if data else Path(tempfile.mkdtemp(prefix="kiosk-sim-"))
    configure_window(SCREEN_SIZE[0] + PANEL_WIDTH, SCREEN_SIZE[1])
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
            app = sim_app(runtime, site, language, sim_gpio)
            app.run()
        finally:
            runtime.close()
            sim_gpio.stop()
    return 0


def sim_app(runtime: KioskRuntime, site: object, language: str, sim_gpio: object = None) -> Any:
    """The kiosk's app with the hardware panel to the right of its screen, fed the views."""
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

    app = SimKioskApp(intents=runtime.controller, language=language, on_click=click_sound(runtime))
    runtime.controller.subscribe(app.post)
    return app
