"""Tells systemd how the kiosk is doing (sd_notify protocol): READY=1 once the first screen is
drawn, WATCHDOG=1 from the Kivy main loop so that a frozen touch screen gets restarted.
"""

from __future__ import annotations

import enum
import logging
import os
import signal
import socket
from collections.abc import Mapping
from typing import Any

from kiosk.core.errors import ConfigError

log = logging.getLogger(__name__)


class NotifyState(enum.Enum):
    """Where the kiosk stands in systemd's eyes."""

    OFF = "not started by systemd"  # no NOTIFY_SOCKET: a developer's shell, tests, `kiosk sim`
    STARTING = "starting"
    READY = "ready"
    STOPPING = "stopping"


def notify_address(value: str) -> str:
    """The socket address for a NOTIFY_SOCKET value; '@name' is Linux's abstract namespace."""
    if value.startswith("@"):
        return "\0" + value[1:]
    if not value.startswith("/"):
        raise ConfigError(
            f"NOTIFY_SOCKET must be an absolute path or an @abstract name, not {value!r}"
        )
    return value


def watchdog_interval(environ: Mapping[str, str]) -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec), or None when not watched.

    Like sd_watchdog_enabled(3): WATCHDOG_PID, when set, must name this process, so a child
    that inherited the environment does not ping on its parent's behalf.
    """
    raw = environ.get("WATCHDOG_USEC")
    if not raw:
        return None
    pid = environ.get("WATCHDOG_PID")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(raw)
    except ValueError:
        usec = 0
    if usec <= 0:
        raise ConfigError(f"WATCHDOG_USEC must be a whole number of microseconds, not {raw!r}")
    return usec / 2 / 1_000_000


class SystemdNotifier:
    """Sends sd_notify messages over a unix datagram socket; a no-op without NOTIFY_SOCKET.

    A send that fails is logged, never raised: the kiosk keeps serving members even when
    systemd's socket has gone away (systemd then restarts it through the watchdog anyway).
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.socket_path = env.get("NOTIFY_SOCKET") or None
        self._address = notify_address(self.socket_path) if self.socket_path else None
        self.interval = watchdog_interval(env)
        self.state = NotifyState.STARTING if self._address else NotifyState.OFF
        self.pings = 0
        self.last_error: str | None = None
        self._sock: socket.socket | None = None
        if self._address:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)

    @property
    def enabled(self) -> bool:
        return self._sock is not None

    def notify(self, *assignments: str) -> bool:
        """Send `VAR=value` lines as one datagram; True when systemd's socket took it."""
        if self._sock is None or self._address is None:
            return False
        try:
            self._sock.sendto("\n".join(assignments).encode(), self._address)
        except OSError as e:
            if self.last_error is None:  # once, not on every ping
                log.warning("systemd notify socket %s: %s", self.socket_path, e)
            self.last_error = str(e)
            return False
        self.last_error = None
        return True

    def ready(self, status: str = "showing the attract screen") -> None:
        if self.notify("READY=1", f"STATUS={status}"):
            self.state = NotifyState.READY

    def watchdog(self) -> None:
        if self.notify("WATCHDOG=1"):
            self.pings += 1

    def stopping(self) -> None:
        if self.notify("STOPPING=1"):
            self.state = NotifyState.STOPPING

    def status(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "socket": self.socket_path,
            "watchdog_interval": self.interval,
            "watchdog_pings": self.pings,
            "last_error": self.last_error,
        }

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watch_app(app: Any, notifier: SystemdNotifier | None = None) -> SystemdNotifier:
    """Hook a Kivy App to systemd: READY=1 after the first frame is on the screen, then
    WATCHDOG=1 from a Clock interval. The pings come from the main loop itself (not a thread),
    so a UI that stops drawing and taking touches stops pinging, and systemd restarts it.
    Call before `app.run()`.
    """
    from kivy.clock import Clock
    from kivy.core.window import Window

    notifier = notifier or SystemdNotifier()
    if not notifier.enabled:
        return notifier

    started = False

    def first_frame(*_: object) -> None:
        nonlocal started
        if started:
            return
        started = True
        notifier.ready()
        if notifier.interval is not None:
            notifier.watchdog()
            Clock.schedule_interval(lambda _dt: notifier.watchdog(), notifier.interval)

    def on_stop(*_: object) -> None:
        notifier.stopping()

    def on_sigterm(_signum: int, _frame: object) -> None:
        # `systemctl stop/restart`: leave through App.stop() so the runtime closes its journal
        # and threads; Python's default would end the process mid-frame.
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    Window.bind(on_flip=first_frame)
    app.bind(on_stop=on_stop)
    signal.signal(signal.SIGTERM, on_sigterm)
    return notifier
