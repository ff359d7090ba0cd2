"""A throwaway PostgreSQL server of a test's own, which the test may restart (issue 19).

The shared test server (PG_URL in tests/ledger/conftest.py) cannot be restarted without breaking
every other test on it. This one is made by the machine's own `initdb` in a temporary folder,
listens on 127.0.0.1 at a free port (its socket in that folder), trusts local logins, keeps
fsync on, and is stopped and removed when the `with` ends. PostgreSQL refuses to run as root,
so as root its programs run as the `postgres` OS user (`runuser`).

Without the binaries the test is skipped; with CI set it fails instead, as the shared server's
fixture does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, text

from tests.ledger.city import free_port

BINARIES = Path("/usr/lib/postgresql")
OS_USER = "postgres"  # runs the server when the tests run as root
DATABASE = "ledger"
DRIVER = "postgresql+psycopg"  # as PG_URL in tests/ledger/conftest.py
START_TIMEOUT_S = 60
START_TRIES = 3  # a free port taken by another test between asking and binding: another port


def newest_binaries(root: Path) -> Path | None:
    """The bin folder of the highest PostgreSQL version installed that has initdb and pg_ctl."""
    found = []
    for bin_dir in root.glob("*/bin"):
        version = bin_dir.parent.name
        if re.fullmatch(r"\d+(\.\d+)?", version) and all(
            (bin_dir / tool).is_file() for tool in ("initdb", "pg_ctl")
        ):
            found.append((tuple(int(p) for p in version.split(".")), bin_dir))
    return max(found)[1] if found else None


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI is set, so this is a failure)")
    pytest.skip(reason)


class PgCluster:
    """One running throwaway server: its URL, and restarts on demand."""

    def __init__(self, bin_dir: Path, folder: Path, as_user: list[str]) -> None:
        self.bin_dir, self.folder, self._as_user = bin_dir, folder, as_user
        self.data = folder / "data"
        self.sockets = folder / "sockets"
        self.log = folder / "server.log"
        self.port = 0

    @property
    def url(self) -> str:
        return f"{DRIVER}://{OS_USER}@127.0.0.1:{self.port}/{DATABASE}"

    def run(self, tool: str, *args: str, timeout: float = START_TIMEOUT_S) -> None:
        """One of the server's programs, as the server's user; its output in the error."""
        cmd = [*self._as_user, str(self.bin_dir / tool), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
                f"\nserver log:\n{self.log_tail()}"
            )

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def init(self) -> None:
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            OS_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        )

    def start(self) -> None:
        """The first start, at a free port (another, if that one is taken meanwhile)."""
        for attempt in range(1, START_TRIES + 1):
            self.port = free_port()
            try:
                self.start_again()
                return
            except RuntimeError:
                if attempt == START_TRIES or "could not bind" not in self.log_tail():
                    raise

    def start_again(self) -> None:
        """Start on the port it had: its clients know no other."""
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=on"
            f" -c unix_socket_directories={self.sockets}"
        )
        data, log, wait = str(self.data), str(self.log), str(START_TIMEOUT_S)
        self.run("pg_ctl", "start", "-w", "-t", wait, "-D", data, "-l", log, "-o", options)

    def stop(self) -> None:
        self.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data))

    def stop_for_good(self) -> None:
        """Stop at the end; a server that will not stop fast is stopped at once, so that no
        server process outlives its test."""
        try:
            self.stop()
        except (RuntimeError, subprocess.TimeoutExpired):
            self.run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))

    def restart(self, down_s: float = 0.0) -> None:
        """Stop fast (every session's connection ends, open transactions roll back) and start
        again on the same port: at once (`pg_ctl restart`) or after `down_s` seconds down."""
        if down_s <= 0:
            # -l: else the server would keep this run's output pipe open.
            data, log = str(self.data), str(self.log)
            self.run("pg_ctl", "restart", "-w", "-m", "fast", "-D", data, "-l", log)
            return
        self.stop()
        time.sleep(down_s)
        self.start_again()

    def started_at(self) -> datetime:
        """pg_postmaster_start_time(): changes with every restart of the server."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                started: datetime = conn.execute(
                    text("SELECT pg_postmaster_start_time()")
                ).scalar_one()
                return started
        finally:
            engine.dispose()

    def create_database(self) -> None:
        admin = create_engine(
            f"{DRIVER}://{OS_USER}@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT"
        )
        try:
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {DATABASE}"))
        finally:
            admin.dispose()


@contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    """A new server with an empty database DATABASE, removed at the end."""
    bin_dir = newest_binaries(BINARIES)
    if bin_dir is None:
        _unavailable(f"no PostgreSQL server binaries (initdb, pg_ctl) under {BINARIES}/*/bin")
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL will not run as root
        runuser = shutil.which("runuser")
        if runuser is None:
            _unavailable("running as root and no runuser to start PostgreSQL as another user")
        as_user = [str(runuser), "-u", OS_USER, "--"]
    folder = Path(tempfile.mkdtemp(prefix="tb-pg-"))
    cluster = PgCluster(bin_dir, folder, as_user)
    try:
        cluster.sockets.mkdir()
        if as_user:
            try:
                for path in (folder, cluster.sockets):
                    shutil.chown(path, OS_USER)
            except LookupError:
                _unavailable(f"running as root and there is no `{OS_USER}` OS user")
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        try:
            if (cluster.data / "postmaster.pid").exists():
                cluster.stop_for_good()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
