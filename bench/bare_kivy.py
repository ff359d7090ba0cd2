"""The baseline for the kiosk's start and memory: a bare Kivy App with one Label, in the same
kind of process and window, that sends READY=1 to $NOTIFY_SOCKET after its first frame, the
way the kiosk does (kiosk/platform/systemd.py watch_app), and then runs until SIGTERM.

    NOTIFY_SOCKET=/path SDL_VIDEODRIVER=offscreen python bench/bare_kivy.py
"""

import os
import signal
import socket

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")

from kivy.config import Config  # noqa: E402

# The kiosk's window: 800 x 480, fixed (kiosk/commands/run.py).
Config.set("graphics", "width", "800")
Config.set("graphics", "height", "480")
Config.set("graphics", "resizable", "0")

from kivy.app import App  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.uix.label import Label  # noqa: E402


class BareApp(App):
    def build(self) -> Label:
        return Label(text="Hello")


def main() -> None:
    app = BareApp()
    sent = False

    def first_frame(*_: object) -> None:
        nonlocal sent
        address = os.environ.get("NOTIFY_SOCKET")
        if sent or not address:
            return
        sent = True
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.sendto(b"READY=1", address)

    Window.bind(on_flip=first_frame)
    signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: app.stop(), 0))
    app.run()


if __name__ == "__main__":
    main()
