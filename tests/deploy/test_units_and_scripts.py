"""The deployment files pass their own tools' checks: systemd-analyze on the units (as
installed, so the programs they start exist), shellcheck on the install scripts."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, require_tool

UNITS = (
    "timebank-kiosk.service",
    "timebank-ledger.service",
    "timebank-ledger-lot-summary.service",
    "timebank-ledger-lot-summary.timer",
    "timebank-ledger-grant.service",
    "timebank-ledger-grant.timer",
)
SCRIPTS = sorted(DEPLOY.glob("*.sh"))


@pytest.fixture(scope="module")
def installed_root(tmp_path_factory, kiosk_wheel) -> Path:
    """Kiosk and ledger installed into one scratch root, beside the host's own units."""
    root = tmp_path_factory.mktemp("root")
    for script in ("install-kiosk.sh", "install-ledger.sh"):
        subprocess.run(
            ["bash", DEPLOY / script, "--root", root, "--no-deps", "--wheel", kiosk_wheel],
            check=True,
            capture_output=True,
            timeout=600,
        )
    # The units pull in targets (multi-user, time-sync, network-online) that systemd-analyze
    # looks up under --root: give it the host's unit files.
    host_units = Path("/usr/lib/systemd/system")
    if host_units.is_dir():
        shutil.copytree(host_units, root / "usr/lib/systemd/system", symlinks=True)
    return root


def verify(root: Path, *units: str) -> subprocess.CompletedProcess:
    tool = require_tool("systemd-analyze", "systemd")
    return subprocess.run(
        [tool, "verify", f"--root={root}", *units], capture_output=True, text=True, timeout=120
    )


def test_the_installed_units_pass_systemd_analyze_verify_without_a_warning(installed_root):
    run = verify(installed_root, *UNITS)
    # verify exits 0 on a misspelt key or a bad value, printing a warning: no output at all.
    assert run.returncode == 0 and run.stdout + run.stderr == "", run.stdout + run.stderr


def test_systemd_analyze_would_catch_a_bad_setting_in_our_units(installed_root):
    unit = installed_root / "etc/systemd/system/timebank-kiosk.service"
    good = unit.read_text()
    try:
        unit.write_text(good.replace("NoNewPrivileges=yes", "NoNewPrivileges=surely"))
        run = verify(installed_root, "timebank-kiosk.service")
    finally:
        unit.write_text(good)
    assert "NoNewPrivileges" in run.stdout + run.stderr or "surely" in run.stdout + run.stderr


def test_the_kiosk_unit_is_a_watched_notify_service_that_restarts_itself():
    text = (DEPLOY / "systemd/timebank-kiosk.service").read_text()
    lines = {line.strip() for line in text.splitlines()}
    for wanted in (
        "Type=notify",
        "Restart=always",
        "WatchdogSec=30",
        "After=network-online.target time-sync.target",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/timebank-kiosk",
        "Environment=SDL_VIDEODRIVER=kmsdrm",
        "Environment=KIVY_HOME=/etc/timebank-kiosk/kivy",
        "DeviceAllow=char-gpiochip rw",
        "DeviceAllow=char-ttyUSB rw",
        "DeviceAllow=char-drm rw",
    ):
        assert wanted in lines, wanted


def test_the_ledger_unit_hands_the_database_url_over_in_its_environment_only():
    text = (DEPLOY / "systemd/timebank-ledger.service").read_text()
    lines = {line.strip() for line in text.splitlines()}
    (exec_start,) = [line for line in lines if line.startswith("ExecStart=")]
    # On the command line the URL's password would be in `ps` for every user to read.
    assert "--db" not in exec_start and "TIMEBANK_LEDGER_DB" not in exec_start
    assert "EnvironmentFile=/etc/timebank-ledger/ledger.env" in lines


@pytest.mark.parametrize("unit", ["timebank-kiosk.service", "timebank-ledger.service"])
def test_what_the_services_write_is_their_user_s_alone(unit):
    lines = {line.strip() for line in (DEPLOY / "systemd" / unit).read_text().splitlines()}
    assert "UMask=0077" in lines and "StateDirectoryMode=0700" in lines


def test_the_daily_goods_summary_runs_as_the_ledger_user_with_the_url_in_its_environment():
    service = (DEPLOY / "systemd/timebank-ledger-lot-summary.service").read_text().splitlines()
    lines = {line.strip() for line in service}
    exec_start = next(line for line in lines if line.startswith("ExecStart="))
    assert exec_start.endswith("timebank-ledger lot summary") and "--db" not in exec_start
    assert {"User=timebank-ledger", "UMask=0077", "Type=oneshot"} <= lines
    assert "EnvironmentFile=/etc/timebank-ledger/ledger.env" in lines
    timer = (DEPLOY / "systemd/timebank-ledger-lot-summary.timer").read_text()
    assert "OnCalendar=*-*-* 07:30:00 Asia/Shanghai" in timer and "Persistent=true" in timer
    assert (
        "enable --now timebank-ledger-lot-summary.timer"
        in (DEPLOY / "install-ledger.sh").read_text()
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_the_install_scripts_pass_shellcheck(script):
    tool = require_tool("shellcheck", "shellcheck")
    run = subprocess.run([tool, "-x", str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
