"""`kiosk run`: the kiosk with its touch UI on the hardware its config names, under systemd."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.app import KioskRuntime, build
from kiosk.core.config import load_config

SCREEN_SIZE = (800, 480)


def configure_window(width: int, height: int) -> None:
    """The window's fixed size; set before Kivy opens its window."""
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("kivy", "exit_on_escape", "0")


def run_kiosk(config_path: str) -> int:
    config = load_config(config_path)
    configure_window(*SCREEN_SIZE)
    runtime = build(config)
    try:
        runtime.start()
        from kiosk.ui.kiosk_app import KioskApp
        from kiosk.ui.voice import VoicePrompts

        app = KioskApp(
            on_click=click_sound(runtime),
            intents=runtime.controller,
            language=config.language,
            font_path=config.font_path,
            font_cache=config.make_data_dir() / "fonts",
            large_text=config.large_text,
            screen_diagonal=config.screen_diagonal,
            voice=VoicePrompts(config.voice_dir, config.voice_prompts),
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


def click_sound(runtime: KioskRuntime) -> Callable[[], None] | None:
    """The buzzer's key click for each button press, when the kiosk has a GPIO buzzer."""
    if runtime.gpio is None:
        return None
    return runtime.gpio.annunciator.key_press
