"""The install scripts, run with --root into a scratch folder: what they put where, with which
modes, and that a second run keeps what a technician edited."""

import stat
import subprocess
from pathlib import Path

import pytest

from kiosk.ui.voice import PROMPTS
from tests.deploy.conftest import DEPLOY, ROOT, require_tool


def install(
    script: str, root: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess:
    run = subprocess.run(
        ["bash", str(DEPLOY / script), "--root", str(root), "--no-deps", *args],
        capture_output=True,
        text=True,
        timeout=600,
        input=stdin,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def key_file(tmp_path) -> Path:
    key = tmp_path / "handed-over.key"
    key.write_text("kiosk-key-0123456789abcdef\n")
    return key


def test_the_kiosk_installer_lays_out_program_config_data_and_units(
    tmp_path, kiosk_wheel, key_file
):
    root = tmp_path / "root"
    install("install-kiosk.sh", root, "--wheel", str(kiosk_wheel), "--key-file", str(key_file))

    kiosk = root / "opt/timebank-kiosk/venv/bin/kiosk"
    help_text = subprocess.run([kiosk, "--help"], capture_output=True, text=True, check=True)
    assert "run" in help_text.stdout
    # Elder mode's prompts, rendered by the installer with espeak-ng (.ci/run installs it).
    voice = root / "opt/timebank-kiosk/voice"
    assert sorted(p.name for p in voice.iterdir()) == sorted(f"{k}.wav" for k in PROMPTS)
    etc = root / "etc/timebank-kiosk"
    assert (etc / "kiosk.toml").read_text() == (DEPLOY / "kiosk.example.toml").read_text()
    assert mode(etc / "kiosk.toml") == 0o640 and mode(etc) == 0o750
    assert (etc / "kiosk.key").read_text() == key_file.read_text()
    assert mode(etc / "kiosk.key") == 0o600
    assert mode(root / "var/lib/timebank-kiosk") == 0o700
    # Kivy must find everything it would create at start, since /etc is read-only to it.
    assert (etc / "kivy/mods").is_dir() and (etc / "kivy/icon").is_dir()
    if (DEPLOY / "kivy/config.ini").exists():
        assert (etc / "kivy/config.ini").read_text() == (DEPLOY / "kivy/config.ini").read_text()
    for installed, shipped in {
        "etc/systemd/system/timebank-kiosk.service": "systemd/timebank-kiosk.service",
        "etc/udev/rules.d/99-timebank-kiosk.rules": "udev/99-timebank-kiosk.rules",
        "etc/systemd/journald.conf.d/timebank-kiosk.conf": "journald/timebank-kiosk.conf",
        "etc/systemd/timesyncd.conf.d/timebank-kiosk.conf": "timesyncd/timebank-kiosk.conf",
        "etc/modules-load.d/timebank-kiosk.conf": "modules-load.d/timebank-kiosk.conf",
        "etc/systemd/system/systemd-time-wait-sync.service.d/timebank.conf": (
            "systemd/systemd-time-wait-sync.service.d/timebank.conf"
        ),
    }.items():
        assert (root / installed).read_bytes() == (DEPLOY / shipped).read_bytes(), installed
        assert mode(root / installed) == 0o644, installed
    guide = root / "opt/timebank-kiosk/share/technician-guide.md"
    assert guide.read_text() == (ROOT / "docs/technician-guide.md").read_text()


def test_a_second_kiosk_install_keeps_the_edited_config_and_tightens_the_key(
    tmp_path, kiosk_wheel, key_file
):
    root = tmp_path / "root"
    install("install-kiosk.sh", root, "--wheel", str(kiosk_wheel), "--key-file", str(key_file))
    etc = root / "etc/timebank-kiosk"
    edited = (etc / "kiosk.toml").read_text().replace("Street office 3", "Street office 9")
    (etc / "kiosk.toml").write_text(edited)
    (etc / "kiosk.key").chmod(0o644)  # someone loosened it by hand

    again = install("install-kiosk.sh", root, "--wheel", str(kiosk_wheel))

    assert (etc / "kiosk.toml").read_text() == edited
    assert (etc / "kiosk.toml.dist").read_text() == (DEPLOY / "kiosk.example.toml").read_text()
    assert "kept your edited" in again.stdout
    assert (etc / "kiosk.key").read_text() == key_file.read_text()
    assert mode(etc / "kiosk.key") == 0o600
    assert (root / "opt/timebank-kiosk/venv/bin/kiosk").exists()


def test_an_unedited_config_follows_the_shipped_version_on_reinstall(tmp_path, kiosk_wheel):
    root = tmp_path / "root"
    install("install-kiosk.sh", root, "--wheel", str(kiosk_wheel))
    rules = root / "etc/udev/rules.d/99-timebank-kiosk.rules"
    rules.write_text("# what an older release shipped\n")
    shipped = root / "opt/timebank-kiosk/share/shipped"
    record = shipped / "_etc_udev_rules.d_99-timebank-kiosk.rules.sha256"
    record.write_text(
        subprocess.run(["sha256sum"], input=rules.read_bytes(), capture_output=True, check=True)
        .stdout.split()[0]
        .decode()
        + "\n"
    )

    install("install-kiosk.sh", root, "--wheel", str(kiosk_wheel))

    assert rules.read_bytes() == (DEPLOY / "udev/99-timebank-kiosk.rules").read_bytes()
    assert not rules.with_name(rules.name + ".dist").exists()


def test_the_kiosk_installer_names_a_missing_key_file_and_installs_nothing(tmp_path):
    root = tmp_path / "root"
    run = subprocess.run(
        ["bash", str(DEPLOY / "install-kiosk.sh"), "--root", str(root), "--key-file", "nope.key"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "--key-file nope.key: missing or empty" in run.stderr
    assert not (root / "opt").exists()


def test_the_kiosk_installer_refuses_an_unknown_option_by_name(tmp_path):
    run = subprocess.run(
        ["bash", str(DEPLOY / "install-kiosk.sh"), "--root", str(tmp_path), "--colour"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "unknown option '--colour'" in run.stderr


def test_the_ledger_installer_writes_a_root_only_env_file_and_keeps_it(tmp_path, kiosk_wheel):
    root = tmp_path / "root"
    install("install-ledger.sh", root, "--wheel", str(kiosk_wheel))
    env = root / "etc/timebank-ledger/ledger.env"
    assert mode(env) == 0o600
    assert "TIMEBANK_LEDGER_DB=sqlite:////var/lib/timebank-ledger/ledger.db" in env.read_text()
    assert (root / "opt/timebank-ledger/venv/bin/timebank-ledger").exists()
    assert mode(root / "var/lib/timebank-ledger") == 0o700
    unit = root / "etc/systemd/system/timebank-ledger.service"
    assert unit.read_bytes() == (DEPLOY / "systemd/timebank-ledger.service").read_bytes()

    env.write_text(env.read_text().replace("_PORT=8765", "_PORT=9000"))
    pg = "postgresql+psycopg://ledger:s3cret-pw@db.example/timebank"
    run = install("install-ledger.sh", root, "--wheel", str(kiosk_wheel), "--db-stdin", stdin=pg)

    text = env.read_text()
    assert f"TIMEBANK_LEDGER_DB={pg}" in text and "TIMEBANK_LEDGER_PORT=9000" in text
    assert mode(env) == 0o600
    assert "s3cret-pw" not in run.stdout + run.stderr


def test_the_ledger_installer_refuses_a_password_on_its_command_line(tmp_path):
    pg = "postgresql+psycopg://ledger:s3cret-pw@db.example/timebank"
    run = subprocess.run(
        ["bash", str(DEPLOY / "install-ledger.sh"), "--root", str(tmp_path), "--db", pg],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "--db-stdin" in run.stderr
    assert "s3cret-pw" not in run.stdout + run.stderr
    assert not any(tmp_path.iterdir())


def test_no_program_the_ledger_installer_runs_sees_the_password(tmp_path, kiosk_wheel):
    """Every command the installer starts (execve, traced by strace), on a first install and on
    one that changes the URL: none has the password among its arguments, where ps shows it."""
    strace = require_tool("strace", "strace")
    root, trace = tmp_path / "root", tmp_path / "execve.log"
    password = "Pw-planted-9173"
    for url in (
        "sqlite:////var/lib/timebank-ledger/ledger.db",
        f"postgresql+psycopg://l:{password}@db/tb",
    ):
        run = subprocess.run(
            [
                strace,
                "-f",
                "-qq",
                "-s",
                "4096",
                "-e",
                "trace=execve",
                "-o",
                str(trace),
                "bash",
                str(DEPLOY / "install-ledger.sh"),
                "--root",
                str(root),
                "--no-deps",
                "--wheel",
                str(kiosk_wheel),
                "--db-stdin",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            input=url,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        calls = trace.read_text()
        assert calls.count("execve(") > 5  # the trace saw the installer's commands
        assert password not in calls
    assert password in (root / "etc/timebank-ledger/ledger.env").read_text()


def test_the_ledger_installer_refuses_a_database_url_it_cannot_use(tmp_path):
    run = subprocess.run(
        ["bash", str(DEPLOY / "install-ledger.sh"), "--root", str(tmp_path), "--db", "mysql://x"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "--db must be sqlite:///PATH" in run.stderr
    assert not any(tmp_path.iterdir())
