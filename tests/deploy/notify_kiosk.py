"""The real `kiosk run` on the simulated site, headless, for the systemd notify tests.

Run as `python -m tests.deploy.notify_kiosk DATA_DIR` with NOTIFY_SOCKET and WATCHDOG_USEC set.
Test-only: while the file named by TIMEBANK_TEST_FREEZE_FILE exists, a Clock callback blocks
the Kivy main loop (as a hung widget or a blocking call on the UI thread would), after first
sending `X_TEST_FROZEN=1` to NOTIFY_SOCKET so the test knows from when no ping may arrive.
"""

import os
import socket
import sys
import time

from kiosk.ui.headless import use_offscreen_window

use_offscreen_window()

from kivy.clock import Clock  # noqa: E402

from kiosk.commands.run import run_kiosk  # noqa: E402
from kiosk.platform.systemd import notify_address  # noqa: E402
from sim.site import SimulatedSite  # noqa: E402

FREEZE_FILE = os.environ.get("TIMEBANK_TEST_FREEZE_FILE")


def freeze_when_asked(_dt: float) -> None:
    if not FREEZE_FILE or not os.path.exists(FREEZE_FILE):
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(b"X_TEST_FROZEN=1", notify_address(os.environ["NOTIFY_SOCKET"]))
    while os.path.exists(FREEZE_FILE):
        time.sleep(0.05)  # on the Kivy thread: nothing else in the main loop runs meanwhile


def main(data_dir: str) -> int:
    with SimulatedSite(data_dir) as site:
        Clock.schedule_interval(freeze_when_asked, 0.05)
        return run_kiosk(str(site.config_path))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
