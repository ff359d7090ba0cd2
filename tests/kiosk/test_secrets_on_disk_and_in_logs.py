"""The real `kiosk run` (headless, on the simulated site) keeps secrets to itself: its data folder
is 0700 and every file in it 0600, and scans it drops as unreadable — a card code framed by
STX/ETX, a phone code behind an escape sequence, a code glued to bytes that are not UTF-8 — leave
no secret in the event log, on the console (journald's copy) or in `kiosk diag bundle`'s file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.core.config import load_config
from sim.site import SimulatedSite
from tests.core.test_signin import card_for
from tests.deploy.test_systemd_notify import receive

ROOT = Path(__file__).resolve().parents[2]
DROPPED = "unreadable scan dropped"


class _Rig:
    def __init__(self, site: SimulatedSite) -> None:
        self.site = site


@dataclass
class KioskRun:
    """What one run of the kiosk left behind, read while it ran and after it stopped."""

    data_dir: Path
    config_path: Path
    modes: dict[str, int]  # path under the data folder -> permission bits, while running
    secrets: list[str]
    events: str  # the event log file
    console: str  # the kiosk's stderr: what journald would keep
    bundle: Path
    bundle_files: dict[str, str]


def headless_env(tmp: Path, notify: str) -> dict[str, str]:
    return dict(
        os.environ,
        NOTIFY_SOCKET=notify,
        SDL_VIDEODRIVER="offscreen",
        KIVY_WINDOW="sdl2",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        KIVY_LOG_MODE="PYTHON",
        KIVY_HOME=str(tmp / "kivy-home"),
    )


def wait_for(condition, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {limit:.0f} s"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Iterator[KioskRun]:
    tmp = tmp_path_factory.mktemp("kiosk-run")
    with SimulatedSite(tmp / "site") as site:
        config = load_config(site.config_path)
        card = card_for(_Rig(site), "王阿姨", "864297")
        phone = site.phone_code("李伯伯")
        junk = [
            b"\x02" + card.encode() + b"\x03\r\n",  # a scanner set to frame its reads
            b"\x1b[2~" + phone.encode() + b"\x00\r\n",  # an escape sequence, a NUL
            b"\xff\xfe" + card.encode() + b"\r\n",  # not UTF-8 at all
        ]
        console = tmp / "console.log"
        notify = str(tmp / "notify")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock, console.open("w") as out:
            sock.bind(notify)
            kiosk = subprocess.Popen(
                [sys.executable, "-m", "kiosk.cli", "run", "--config", str(site.config_path)],
                cwd=ROOT,
                env=headless_env(tmp, notify),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                receive(sock, "READY=1", kiosk)
                events = config.data_dir / "events.jsonl"
                for data in junk:
                    site.scanner.noise(data)
                wait_for(
                    lambda: events.read_text().count(DROPPED) == len(junk), "dropped scans logged"
                )
                modes = {
                    str(p.relative_to(config.data_dir)): stat.S_IMODE(p.stat().st_mode)
                    for p in [config.data_dir, *config.data_dir.rglob("*")]
                }
                kiosk.send_signal(signal.SIGTERM)
                assert kiosk.wait(timeout=60) == 0
            finally:
                if kiosk.poll() is None:
                    kiosk.kill()
                    kiosk.wait()
        bundle = subprocess.run(
            [sys.executable, "-m", "kiosk.cli", "diag", "bundle", "--json"]
            + ["--config", str(site.config_path), "--out", str(tmp / "bundles")],
            cwd=ROOT,
            env=headless_env(tmp, ""),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert bundle.returncode == 0, bundle.stdout + bundle.stderr
        path = Path(json.loads(bundle.stdout)["bundle"])
        with tarfile.open(path) as tar:
            files = {
                m.name.split("/", 1)[1]: tar.extractfile(m).read().decode()  # type: ignore[union-attr]
                for m in tar.getmembers()
                if m.isfile()
            }
        yield KioskRun(
            data_dir=config.data_dir,
            config_path=site.config_path,
            modes=modes,
            secrets=[card, card.split(":")[2], phone, phone.split(":")[2]],
            events=events.read_text(),
            console=console.read_text(),
            bundle=path,
            bundle_files=files,
        )


def test_the_data_folder_is_0700_and_every_file_in_it_0600(run):
    assert run.modes["."] == 0o700
    # The journal with its WAL files while the kiosk runs, and the event log.
    assert {"journal.db", "journal.db-wal", "journal.db-shm", "events.jsonl"} <= set(run.modes)
    loose = {p: f"{m:04o}" for p, m in run.modes.items() if m & 0o077}
    assert not loose, f"open to group or others: {loose}"
    assert all(m == 0o600 for p, m in run.modes.items() if (run.data_dir / p).is_file())


def test_junk_framed_codes_are_logged_as_dropped_without_their_secret(run):
    lines = [json.loads(line) for line in run.events.splitlines()]
    dropped = [x["message"] for x in lines if DROPPED in x["message"]]
    assert len(dropped) == 3
    # What was dropped stays readable for a technician: the kind of code, the framing bytes.
    assert any("\\x02tbc1:<redacted>" in m for m in dropped)
    assert any("tb1:<redacted>" in m for m in dropped)
    for secret in run.secrets:
        assert secret not in run.events, f"{secret!r} is in the event log"


def test_the_console_journald_keeps_is_redacted_the_same_way(run):
    assert DROPPED in run.console and "tbc1:<redacted>" in run.console
    for secret in run.secrets:
        assert secret not in run.console, f"{secret!r} is on the console"


def test_the_diagnostic_bundle_is_0600_and_holds_the_log_without_a_secret(run):
    assert stat.S_IMODE(run.bundle.stat().st_mode) == 0o600
    assert DROPPED in run.bundle_files["logs/events.jsonl"]
    for name, text in run.bundle_files.items():
        for secret in run.secrets:
            assert secret not in text, f"{secret!r} is in the bundle's {name}"
