"""The kiosk speaks systemd's notify protocol: READY=1 once its screen is up, WATCHDOG=1 from
its main loop (and only from there), STOPPING=1 on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.core.errors import ConfigError
from kiosk.platform.systemd import NotifyState, SystemdNotifier, notify_address, watchdog_interval

ROOT = Path(__file__).resolve().parents[2]
WATCHDOG_USEC = 1_000_000  # WatchdogSec=1s: a ping every half second


def receive(
    sock: socket.socket, wanted: str, sender: subprocess.Popen | None = None, limit: float = 90.0
) -> list[str]:
    """Datagrams up to and including the first one holding the line `wanted`."""
    seen: list[str] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        sock.settimeout(1.0)
        try:
            message = sock.recv(4096).decode()
        except TimeoutError:
            if sender is not None and sender.poll() is not None:
                exited = f"the kiosk exited ({sender.returncode}) before {wanted!r}"
                raise AssertionError(exited) from None
            continue
        seen.append(message)
        if wanted in message.splitlines():
            return seen
    raise AssertionError(f"no {wanted!r} within {limit}s; got {seen}")


def test_an_abstract_notify_socket_name_maps_to_a_leading_nul():
    assert notify_address("@timebank/notify") == "\0timebank/notify"
    assert notify_address("/run/systemd/notify") == "/run/systemd/notify"


def test_a_relative_notify_socket_path_is_refused_by_name():
    with pytest.raises(ConfigError, match="NOTIFY_SOCKET.*'run/notify'"):
        notify_address("run/notify")


def test_the_watchdog_pings_at_half_the_interval_systemd_gives():
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval({}) is None


def test_a_watchdog_meant_for_another_process_is_ignored():
    env = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid() + 1)}
    assert watchdog_interval(env) is None
    env["WATCHDOG_PID"] = str(os.getpid())
    assert watchdog_interval(env) == 15.0


@pytest.mark.parametrize("value", ["soon", "0", "-5"])
def test_a_watchdog_interval_that_is_not_a_positive_number_is_refused_by_name(value):
    with pytest.raises(ConfigError, match=f"WATCHDOG_USEC.*{value!r}"):
        watchdog_interval({"WATCHDOG_USEC": value})


def test_without_a_notify_socket_the_notifier_sends_nothing_and_says_so():
    notifier = SystemdNotifier({})
    assert not notifier.enabled and notifier.notify("READY=1") is False
    assert notifier.status()["state"] == NotifyState.OFF.value


def test_the_notifier_reaches_an_abstract_namespace_socket():
    name = f"timebank-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind("\0" + name)
        server.settimeout(10)
        notifier = SystemdNotifier({"NOTIFY_SOCKET": "@" + name})
        notifier.ready("testing")
        assert server.recv(4096).decode().splitlines() == ["READY=1", "STATUS=testing"]
        notifier.close()
    assert notifier.state is NotifyState.READY


def test_a_vanished_notify_socket_is_reported_in_status_not_raised(tmp_path):
    notifier = SystemdNotifier({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    notifier.watchdog()
    status = notifier.status()
    assert status["watchdog_pings"] == 0 and "No such file" in status["last_error"]
    notifier.close()


def test_the_kiosk_is_ready_pings_from_its_main_loop_and_stops_pinging_when_it_freezes(
    tmp_path,
):
    address = str(tmp_path / "notify")
    freeze = tmp_path / "freeze"
    env = dict(
        os.environ,
        NOTIFY_SOCKET=address,
        WATCHDOG_USEC=str(WATCHDOG_USEC),
        TIMEBANK_TEST_FREEZE_FILE=str(freeze),
        SDL_VIDEODRIVER="offscreen",
    )
    log = (tmp_path / "kiosk.log").open("w+")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        kiosk = subprocess.Popen(
            [sys.executable, "-m", "tests.deploy.notify_kiosk", str(tmp_path / "site")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            started = receive(sock, "READY=1", kiosk)
            assert not any("WATCHDOG=1" in m for m in started), "pinged before it was ready"
            assert sum("WATCHDOG=1" in m for m in receive(sock, "WATCHDOG=1", kiosk)) == 1
            receive(sock, "WATCHDOG=1", kiosk)
            receive(sock, "WATCHDOG=1", kiosk)

            freeze.touch()
            receive(sock, "X_TEST_FROZEN=1", kiosk)
            sock.settimeout(4 * WATCHDOG_USEC / 1e6)  # four ping intervals of a blocked loop
            with pytest.raises(TimeoutError):
                late = sock.recv(4096)
                pytest.fail(f"the frozen kiosk still sent {late!r}")

            freeze.unlink()
            receive(sock, "WATCHDOG=1", kiosk)

            kiosk.send_signal(signal.SIGTERM)
            receive(sock, "STOPPING=1")
            assert kiosk.wait(timeout=60) == 0
        except BaseException:
            log.seek(0)
            print(log.read()[-6000:])
            raise
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()
            log.close()
