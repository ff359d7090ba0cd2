"""What the kiosk app benchmarks share: the headless Kivy environment their child processes run
in, the systemd notify socket that tells when a window is up, /proc readings, and a simulated
site (ledger, lock board, scanner, a visitor at the cabinet) that lives in the BENCH process so
that the measured kiosk process holds only the kiosk.
"""

from __future__ import annotations

import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from ledger import cards
from ledger.db import Member, make_engine, session_factory
from ledger.income import credit_hours
from sim.site import SimulatedSite

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PIN = "2468"


def kivy_env(kivy_home: Path, notify: Path | None = None) -> dict[str, str]:
    """The environment of a headless kiosk as the systemd unit gives it (deploy/systemd/
    timebank-kiosk.service), with SDL's offscreen driver on Mesa software GL instead of KMS.

    Bytecode is cached (in a folder beside KIVY_HOME, not in the source tree): an installed
    kiosk runs from pip-compiled .pyc files, while this checkout may be run with
    PYTHONDONTWRITEBYTECODE=1, which would compile our modules from source at every start.
    """
    kivy_home.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        SDL_VIDEODRIVER="offscreen",
        KIVY_WINDOW="sdl2",
        KIVY_HOME=str(kivy_home),
        KIVY_NO_ARGS="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
        PYTHONPYCACHEPREFIX=str(kivy_home.parent / "bytecode"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("NOTIFY_SOCKET", None)
    env.pop("WATCHDOG_USEC", None)
    if notify is not None:
        env["NOTIFY_SOCKET"] = str(notify)
    return env


class NotifyListener:
    """The bench's end of NOTIFY_SOCKET: a bound unix datagram socket, as systemd binds one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))

    def wait_ready(self, child: subprocess.Popen[Any], limit: float = 120.0) -> float:
        """Block until a datagram holding READY=1 arrives; returns time.monotonic() then."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.sock.settimeout(0.5)
            try:
                message = self.sock.recv(4096).decode()
            except TimeoutError:
                if child.poll() is not None:
                    exited = f"{child.args!r} exited ({child.returncode}) before READY=1"
                    raise RuntimeError(exited) from None
                continue
            if "READY=1" in message.splitlines():
                return time.monotonic()
        raise RuntimeError(f"no READY=1 from {child.args!r} within {limit:.0f} s")

    def close(self) -> None:
        self.sock.close()
        self.path.unlink(missing_ok=True)


def compile_bytecode(env: dict[str, str]) -> None:
    """Compile our packages into the bytecode cache `env` names, as pip does on install."""
    folders = [str(ROOT / name) for name in ("kiosk", "drivers", "bench")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], env=env, check=True)


def stop(child: subprocess.Popen[Any], limit: float = 30.0) -> None:
    """SIGTERM (the kiosk leaves through App.stop, as under systemd), then SIGKILL if need be."""
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(limit)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def rss_mib(pid: int) -> float:
    """Resident memory of process `pid` now (VmRSS), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    if found is None:
        raise RuntimeError(f"process {pid} reports no VmRSS")
    return int(found.group(1)) / 1024


def bare_kivy_command() -> list[str]:
    return [sys.executable, str(BENCH / "bare_kivy.py")]


def kiosk_command(config: Path) -> list[str]:
    """`kiosk run --config FILE`, the unit's ExecStart, from this virtualenv."""
    script = Path(sys.executable).parent / "kiosk"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "kiosk.cli"]
    return [*head, "run", "--config", str(config)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    """One line on where the numbers were taken."""
    return (
        f"{os.cpu_count()} CPU cores (shared), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, SDL offscreen on Mesa software GL, "
        f"{date.today().isoformat()}"
    )


# --- the simulated site, in the bench process ---------------------------------------------------


def set_vend_timings(config: str, **timings: float) -> str:
    """The site's kiosk config with other [vend] timings (the site writes one per line)."""
    for key, value in timings.items():
        config, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", config)
        if found != 1:
            raise RuntimeError(f"the site's config has no single [vend] {key}")
    return config


class BenchSite(SimulatedSite):
    """The simulated site with every locker stocked to `stock` items (the counts go into the
    kiosk config at start), and [vend] timings for a quick visitor."""

    def __init__(self, data_dir: Path, stock: int = 0, **timings: float) -> None:
        super().__init__(data_dir)
        self.timings = timings
        if stock:
            for lk in self.cabinet.lockers():
                self.cabinet.restock(lk.board, lk.lock, stock)

    def __enter__(self) -> BenchSite:
        self.start()
        return self

    def _config(self) -> str:
        return set_vend_timings(super()._config(), **self.timings)

    def items_left(self) -> int:
        return sum(lk.items for lk in self.cabinet.lockers())

    def fund_with_card(self, name: str, hours: int) -> str:
        """Credit a demo member volunteer hours (10 coins each) and issue them a printed card
        (PIN is PIN); returns the card's code. A card signs in as often as needed."""
        engine = make_engine(self.ledger.db_url)
        try:
            with session_factory(engine)() as s, s.begin():
                member = s.get(Member, self.member(name)["member"])
                assert member is not None
                left = hours
                while left > 0:  # the ledger takes at most 1,000 hours per credit
                    credit_hours(s, member.id, str(min(left, 1000)), note="bench")
                    left -= 1000
                return cards.issue_card(s, member, PIN)[1]
        finally:
            engine.dispose()
