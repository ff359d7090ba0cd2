"""The database password stays secret: `timebank-ledger` never takes it on a command line (where
`ps` shows it), reads it from the environment or a 0600 file, and masks it in every message —
errors when the database is unreachable, the server's start-up line, careless log lines.

Each test plants a password and looks for it where `ps`, a terminal or journald would show it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from ledger import cli
from ledger.db_url import DB_ENV, DB_FILE_ENV, guard_logs, masked, scrubbed

# Characters that URL-quoting changes, so both spellings of the password are looked for.
PASSWORD = "Planted pw/7@x"
QUOTED = quote(PASSWORD, safe="")
START_TIMEOUT_S = 60


def with_password(url: str, password: str = PASSWORD) -> str:
    """`url` (user@host, no password) with the password planted after the user name."""
    scheme, _, rest = url.partition("://")
    user, _, host = rest.partition("@")
    return f"{scheme}://{user}:{quote(password, safe='')}@{host}"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again once this returns: nothing listens


def assert_no_password(text: str, where: str) -> None:
    for spelling in (PASSWORD, QUOTED):
        assert spelling not in text, f"the password ({spelling!r}) is in {where}: {text!r}"


def ledger_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (DB_ENV, DB_FILE_ENV)}
    return {**env, **extra}


def run_cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_password_after_db_is_refused_and_not_echoed(capsys, tmp_path):
    url = with_password(f"postgresql+psycopg://ledger@127.0.0.1:{closed_port()}/test")
    assert cli.main(["--db", url, "init"]) == 2
    out = capsys.readouterr()
    assert "TIMEBANK_LEDGER_DB" in out.err and "--db-file" in out.err
    assert "ledger:***@127.0.0.1" in out.err
    assert_no_password(out.out + out.err, "the refusal")


def test_an_unreachable_database_is_named_with_its_password_masked(tmp_path):
    """The real CLI in its own process, the URL from the environment, nothing listening."""
    port = closed_port()
    url = with_password(f"postgresql+psycopg://ledger@127.0.0.1:{port}/test")
    run = run_cli("member", "list", env=ledger_env(TIMEBANK_LEDGER_DB=url))
    assert run.returncode == 2
    assert f"database error at postgresql+psycopg://ledger:***@127.0.0.1:{port}/test" in run.stderr
    assert "Connection refused" in run.stderr and "Traceback" not in run.stderr
    assert_no_password(run.stdout + run.stderr, "the CLI's output")


def test_a_url_that_does_not_parse_is_refused_without_echoing_it(capsys):
    assert cli.main(["--db", f"postgresql+psycopg://u:{QUOTED}@h:port/db", "init"]) == 2
    err = capsys.readouterr().err
    assert "--db: not a database URL" in err
    assert_no_password(err, "the refusal")


def test_a_url_file_others_can_read_is_refused(tmp_path):
    file = tmp_path / "ledger.env"
    file.write_text(f"TIMEBANK_LEDGER_DB={with_password('postgresql+psycopg://l@db/tb')}\n")
    file.chmod(0o644)
    run = run_cli("--db-file", str(file), "member", "list", env=ledger_env())
    assert run.returncode == 2
    assert f"{file}: group or others have access to it (mode 0644)" in run.stderr
    assert f"chmod 600 {file}" in run.stderr
    assert_no_password(run.stdout + run.stderr, "the refusal")


def test_the_service_env_file_and_a_bare_url_file_are_read(tmp_path, capsys):
    db = tmp_path / "ledger.db"
    env_file = tmp_path / "ledger.env"
    env_file.write_text(
        f"# settings\nTIMEBANK_LEDGER_HOST=127.0.0.1\nTIMEBANK_LEDGER_DB=sqlite:///{db}\n"
    )
    env_file.chmod(0o600)
    assert cli.main(["--db-file", str(env_file), "init", "--json"]) == 0
    assert db.exists()
    bare = tmp_path / "url"
    bare.write_text(f"sqlite:///{tmp_path / 'other.db'}\n")
    bare.chmod(0o600)
    run = run_cli("init", env=ledger_env(TIMEBANK_LEDGER_DB_FILE=str(bare)))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "other.db").exists()
    capsys.readouterr()


@pytest.mark.postgres
def test_the_password_in_a_0600_file_reaches_postgresql(pg_url, tmp_path):
    """PostgreSQL here trusts loopback, so any password connects: the URL is really used."""
    url = with_password(pg_url)
    file = tmp_path / "db-url"
    file.write_text(url + "\n")
    file.chmod(0o600)
    run = run_cli("--db-file", str(file), "init", "--json", env=ledger_env())
    assert run.returncode == 0, run.stderr
    assert '"db": "postgresql+psycopg://postgres:***@127.0.0.1:5432/test' in run.stdout
    assert_no_password(run.stdout + run.stderr, "init's output")


def test_masking_covers_every_spelling_of_the_password():
    url = with_password("postgresql+psycopg://ledger@db.example/tb")
    assert masked(url) == "postgresql+psycopg://ledger:***@db.example/tb"
    careless = f"connect to {url} failed (password {PASSWORD!r}, quoted {QUOTED})"
    clean = scrubbed(careless, url)
    assert "postgresql+psycopg://ledger:***@db.example/tb" in clean
    assert_no_password(clean, "the scrubbed text")


def test_a_careless_log_line_with_the_url_is_masked_by_the_service_log(tmp_path):
    url = with_password("postgresql+psycopg://ledger@db.example/tb")
    logger = logging.getLogger("ledger.test.careless")
    logger.propagate = False
    path = tmp_path / "service.log"
    handler = logging.FileHandler(path)
    logger.addHandler(handler)
    try:
        guard_logs(url, logger)
        logger.warning("engine on %s", url)
        try:
            raise RuntimeError(f"cannot log in with {PASSWORD}")
        except RuntimeError:
            logger.exception("start-up failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = path.read_text()
    assert "engine on postgresql+psycopg://ledger:***@db.example/tb" in text
    assert "RuntimeError: cannot log in with ***" in text
    assert_no_password(text, "the log")


# --- `timebank-ledger serve`, started the way the systemd unit starts it -------------------


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        found += [int(k) for k in kids]
    return found + [g for k in found for g in children(k)]


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


class Served:
    """A `timebank-ledger serve` process, its address and its output (stdout and stderr)."""

    def __init__(self, proc: subprocess.Popen[str], url: str, log: Path) -> None:
        self.proc, self.url, self.log = proc, url, log

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(30)
        return self.log.read_text()


@pytest.fixture
def serve(tmp_path) -> Iterator:
    """Starts `timebank-ledger serve` as the unit does: the URL only in the environment."""
    started: list[Served] = []

    def start(env: dict[str, str], *extra: str) -> Served:
        port = closed_port()
        log = tmp_path / f"serve-{port}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "ledger.cli", "serve", "--port", str(port), *extra],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
        served = Served(proc, f"http://127.0.0.1:{port}", log)
        started.append(served)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if requests.get(served.url + "/v1/health", timeout=2).status_code == 200:
                    return served
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, f"serve exited: {log.read_text()}"
            assert time.monotonic() < deadline, "serve did not answer in time"
            time.sleep(0.2)

    yield start
    for served in started:
        served.stop()


@pytest.mark.postgres
@pytest.mark.parametrize("workers", ["1", "2"])
def test_no_process_of_a_running_ledger_shows_the_password(serve, pg_url, workers):
    served = serve(ledger_env(TIMEBANK_LEDGER_DB=with_password(pg_url)), "--workers", workers)
    pids = [served.proc.pid, *children(served.proc.pid)]
    if workers == "2":  # the worker processes are read too
        assert len(pids) >= 3, [cmdline(p) for p in pids]
    for pid in pids:
        assert_no_password(cmdline(pid), f"/proc/{pid}/cmdline")
    assert "ledger.cli serve" in cmdline(served.proc.pid)  # the right process was read
    output = served.stop()
    assert "timebank-ledger: database postgresql+psycopg://postgres:***@127.0.0.1:5432/" in output
    assert "Uvicorn running" in output  # its log was captured, not lost
    assert_no_password(output, "the server's log")


def test_a_served_default_ledger_is_its_user_s_alone(serve, tmp_path):
    """The default SQLite ledger, served: folder 0700; ledger.db, -wal and -shm 0600."""
    home = tmp_path / "home" / "timebank-ledger"
    served = serve(ledger_env(TIMEBANK_LEDGER_HOME=str(home)))
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in home.iterdir()}
    mode_home = stat.S_IMODE(home.stat().st_mode)
    served.stop()
    assert mode_home == 0o700
    assert modes == {"ledger.db": 0o600, "ledger.db-wal": 0o600, "ledger.db-shm": 0o600}


def test_init_makes_the_default_ledger_private_and_tightens_an_older_one(tmp_path):
    home = tmp_path / "fresh"
    run = run_cli("init", env=ledger_env(TIMEBANK_LEDGER_HOME=str(home)))
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "ledger.db").stat().st_mode) == 0o600

    # As an older version left it: a 0755 folder and a 0644 database.
    old = tmp_path / "old"
    old.mkdir(mode=0o755)
    old.chmod(0o755)
    (old / "ledger.db").touch()
    (old / "ledger.db").chmod(0o644)
    run = run_cli("init", env=ledger_env(TIMEBANK_LEDGER_HOME=str(old)))
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(old.stat().st_mode) == 0o700
    assert stat.S_IMODE((old / "ledger.db").stat().st_mode) == 0o600


def test_the_log_filter_rewrites_only_a_traceback_that_holds_the_password() -> None:
    """Other handlers on the same record (a test's log capture, a second sink) keep a traceback
    that has no password in it; one that has it is replaced by its scrubbed text."""
    import logging
    import sys

    from ledger.db_url import PasswordFilter

    guard = PasswordFilter("postgresql+psycopg://timebank:S3cretPass@db.example/ledger")

    def record_of(message: str) -> logging.LogRecord:
        try:
            raise RuntimeError(message)
        except RuntimeError:
            info = sys.exc_info()
        return logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, info)

    harmless = record_of("a bug")
    assert guard.filter(harmless) and harmless.exc_info is not None
    leaking = record_of("could not connect with S3cretPass")
    assert guard.filter(leaking) and leaking.exc_info is None
    assert leaking.exc_text is not None and "S3cretPass" not in leaking.exc_text
