"""Staff accounts and the audit log: passwords only from a hidden prompt or standard input,
argon2 hashes, and an audit log the database itself refuses to change (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ledger import audit
from ledger.audit import AuditAction
from ledger.cli import call, with_book
from ledger.db import AuditEntry, Staff, make_engine, utcnow
from ledger.errors import BadRequest
from ledger.server import EmbeddedLedger

PASSWORD = "correct horse 1"
LEDGER = [sys.executable, "-m", "ledger.cli"]
REPO = Path(__file__).resolve().parents[2]


def _read_until(fd: int, wanted: str, timeout: float = 30.0) -> str:
    seen = ""
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise AssertionError(f"no {wanted!r} from the command; it printed {seen!r}")
        chunk = os.read(fd, 1024).decode(errors="replace")
        if not chunk:
            break
        seen += chunk
    return seen


def _at_a_terminal(argv: list[str], typed: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `argv` on a pty, typing each of `typed` after a prompt; its status and output."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, its terminal the pty
        os.chdir(REPO)
        os.execvpe(argv[0], argv, env)
    shown = ""
    for line in typed:
        shown += _read_until(fd, ": ")
        os.write(fd, (line + "\n").encode())
    try:
        while chunk := os.read(fd, 1024):
            shown += chunk.decode(errors="replace")
    except OSError:  # the child closed its end
        pass
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown


def test_staff_add_asks_the_password_twice_at_a_hidden_prompt(tmp_path: Path) -> None:
    env = {**os.environ, "TIMEBANK_LEDGER_HOME": str(tmp_path)}
    argv = [*LEDGER, "staff", "add", "li", "--role", "clerk", "--name", "李明"]
    code, shown = _at_a_terminal(argv, [PASSWORD, PASSWORD + "x"], env)
    assert code == 2 and "the two passwords typed differ" in shown
    assert PASSWORD not in shown  # no echo
    code, shown = _at_a_terminal(argv, [PASSWORD, PASSWORD], env)
    assert code == 0 and "li  李明 (clerk)" in shown and PASSWORD not in shown
    listed = subprocess.run(
        [*LEDGER, "staff", "list", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert json.loads(listed.stdout)["staff"] == [
        {
            "username": "li",
            "name": "李明",
            "role": "clerk",
            "second_factor": False,
            "disabled": False,
        }
    ]


def test_a_password_comes_from_standard_input_and_never_from_the_command_line(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "TIMEBANK_LEDGER_HOME": str(tmp_path)}
    add = [*LEDGER, "staff", "add", "wang", "--role", "manager"]
    done = subprocess.run(add, input=PASSWORD + "\n", env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    refused = subprocess.run(
        [*add, "--password", PASSWORD], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "unrecognized arguments" in refused.stderr
    short = subprocess.run(
        [*LEDGER, "staff", "add", "zhao", "--role", "clerk"],
        input="short\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert short.returncode == 2 and "10 to 200 characters" in short.stderr
    assert "Traceback" not in short.stderr


def test_only_an_argon2_hash_of_the_password_is_stored(db_url: str) -> None:
    call(["--db", db_url, "staff", "add", "li", "--role", "clerk"], stdin=PASSWORD)
    stored = with_book(db_url, lambda s: s.get_one(Staff, "li").password_hash)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    with pytest.raises(BadRequest, match="exists already"):
        call(["--db", db_url, "staff", "add", "li", "--role", "admin"], stdin=PASSWORD)
    with pytest.raises(BadRequest, match="username 'Li Ming'"):
        call(["--db", db_url, "staff", "add", "Li Ming", "--role", "admin"], stdin=PASSWORD)


def test_the_audit_log_refuses_update_and_delete_in_the_database(db_url: str) -> None:
    with_book(db_url, lambda s: audit.record(s, AuditAction.LOGIN, "li", "10.0.0.7", utcnow()))
    engine = make_engine(db_url)
    statements = ["UPDATE audit_log SET staff = 'someone'", "DELETE FROM audit_log"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_log")
    try:
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT staff, action, address FROM audit_log")).all()
        assert [tuple(r) for r in rows] == [("li", "login", "10.0.0.7")]
    finally:
        engine.dispose()


def test_no_code_path_changes_or_deletes_an_audit_row() -> None:
    ledger = REPO / "ledger"
    for path in ledger.rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"(update|delete)\(\s*AuditEntry", source), path
        if path.name != "0006_staff_console.py":  # the migration's triggers name both verbs
            assert not re.search(r"(UPDATE|DELETE FROM)\s+audit_log", source, re.I), path


def test_disabling_an_account_or_resetting_its_password_signs_it_out(db_url: str) -> None:
    call(["--db", db_url, "staff", "add", "li", "--role", "clerk"], stdin=PASSWORD)
    with EmbeddedLedger(db_url) as ledger:
        browser = _logged_in(ledger.url, "li")
        call(["--db", db_url, "staff", "password", "li"], stdin=PASSWORD + "2")
        assert _goes_to_login(browser, ledger.url)
        browser = _logged_in(ledger.url, "li", PASSWORD + "2")
        call(["--db", db_url, "staff", "disable", "li"])
        assert _goes_to_login(browser, ledger.url)
        again = requests.Session()
        csrf = _csrf(again, ledger.url)
        form = {"csrf": csrf, "username": "li", "password": PASSWORD + "2"}
        assert again.post(ledger.url + "/staff/login", data=form, timeout=30).status_code == 401
    actions = [e["action"] for e in call(["--db", db_url, "audit"])["entries"]]
    assert actions[:3] == ["login_failed", "staff_disabled", "login"]
    assert "staff_password" in actions


def _csrf(http: requests.Session, url: str) -> str:
    found = re.search(
        r'name="csrf" value="([^"]+)"', http.get(url + "/staff/login", timeout=30).text
    )
    assert found is not None
    return found.group(1)


def _logged_in(url: str, username: str, password: str = PASSWORD) -> requests.Session:
    http = requests.Session()
    form = {"csrf": _csrf(http, url), "username": username, "password": password}
    r = http.post(url + "/staff/login", data=form, timeout=30)
    assert r.status_code == 200 and r.url == url + "/staff/", r.text
    return http


def _goes_to_login(http: requests.Session, url: str) -> bool:
    r = http.get(url + "/staff/members", timeout=30, allow_redirects=False)
    return r.status_code == 303 and r.headers["location"].startswith("/staff/login")


def test_the_audit_command_filters_by_account_and_office_day(db_url: str) -> None:
    call(["--db", db_url, "staff", "add", "li", "--role", "clerk"], stdin=PASSWORD)
    today = audit.local_time(utcnow())[:10]
    entries: list[dict[str, Any]] = call(["--db", db_url, "audit", "--day", today])["entries"]
    assert [e["action"] for e in entries] == ["staff_added"]
    assert entries[0]["detail"] == {"account": "li", "role": "clerk"}
    assert call(["--db", db_url, "audit", "--day", "2001-01-01"])["entries"] == []
    with pytest.raises(BadRequest, match="YYYY-MM-DD"):
        call(["--db", db_url, "audit", "--day", "yesterday"])
    assert with_book(db_url, lambda s: s.query(AuditEntry).count()) == 1


def test_concurrent_wrong_logins_all_count_and_none_fails(db_url: str) -> None:
    """The first wrong tries of an account race to create its lock-out row (PostgreSQL runs
    them at once): each is answered, and all count towards the lock-out."""
    call(["--db", db_url, "staff", "add", "li", "--role", "clerk"], stdin=PASSWORD)
    with EmbeddedLedger(db_url) as ledger:
        browsers = [requests.Session() for _ in range(5)]
        forms = [
            {"csrf": _csrf(b, ledger.url), "username": "li", "password": "x" * 12} for b in browsers
        ]
        with ThreadPoolExecutor(len(browsers)) as pool:
            answers = list(
                pool.map(
                    lambda bf: bf[0].post(ledger.url + "/staff/login", data=bf[1], timeout=60),
                    zip(browsers, forms, strict=True),
                )
            )
        assert sorted(r.status_code for r in answers) == [401, 401, 401, 401, 429]
        locked = browsers[0].post(
            ledger.url + "/staff/login", data={**forms[0], "password": PASSWORD}, timeout=30
        )
        assert locked.status_code == 429 and "错误次数太多" in locked.text
