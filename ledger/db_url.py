"""Where `timebank-ledger` finds its database URL, and how it shows one: a PostgreSQL URL holds a
password, so it never rides on a command line (`ps` shows those to every user) nor in a message.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from ledger.errors import DatabaseUrlError

DB_ENV = "TIMEBANK_LEDGER_DB"
DB_FILE_ENV = "TIMEBANK_LEDGER_DB_FILE"
MASK = "***"  # what SQLAlchemy's render_as_string(hide_password=True) puts in its place
SHAPE = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"


def masked(url: str) -> str:
    """`url` with its password replaced by ***: the only form in which a URL is ever shown."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<a database URL that does not parse>"  # never echo it: it may hold a password


def scrubbed(text: str, url: str | None) -> str:
    """`text` (an error, a log line) with `url` masked and its password gone in every spelling."""
    if not url:
        return text
    text = text.replace(url, masked(url))
    password = _password(url)
    if password:
        for spelling in sorted({password, quote(password, safe=""), quote_plus(password)}):
            text = text.replace(spelling, MASK)
    return text


def database_url(
    cli_url: str | None,
    cli_file: str | None,
    default: Callable[[], str],
    environ: Mapping[str, str] = os.environ,
) -> str:
    """The URL to use: `--db` (never one with a password), `--db-file`, $TIMEBANK_LEDGER_DB_FILE,
    $TIMEBANK_LEDGER_DB, else `default()`."""
    if cli_url is not None:
        _parse(cli_url, "--db")
        if _password(cli_url):
            raise DatabaseUrlError(
                f"--db {masked(cli_url)}: a password on the command line is shown by `ps` to "
                f"every user; put the URL in ${DB_ENV} or in a file only you can read "
                f"(chmod 600) given with --db-file or ${DB_FILE_ENV}"
            )
        return cli_url
    if cli_file is not None:
        return read_url_file(Path(cli_file), "--db-file")
    if environ.get(DB_FILE_ENV):
        return read_url_file(Path(environ[DB_FILE_ENV]), f"${DB_FILE_ENV}")
    if environ.get(DB_ENV, "").strip():
        url = environ[DB_ENV].strip()
        _parse(url, f"${DB_ENV}")
        return url
    return default()


def read_url_file(path: Path, where: str) -> str:
    """The URL in `path`: alone on a line, or as `TIMEBANK_LEDGER_DB=URL` (the service's env file).
    The file must be readable by its owner alone, as a password file is."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise DatabaseUrlError(f"{where} {path}: not a regular file")
        if mode & 0o077:
            raise DatabaseUrlError(
                f"{where} {path}: group or others have access to it (mode "
                f"{stat.S_IMODE(mode):04o}) and it may hold a password; run: chmod 600 {path}"
            )
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatabaseUrlError(f"{where} {path}: cannot be read: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(f"{DB_ENV}="):
            url = line.removeprefix(f"{DB_ENV}=").strip().strip("\"'")
        elif "://" in line.partition("=")[0]:  # a bare URL (its query may hold "=")
            url = line
        else:
            continue  # another setting of the env file (TIMEBANK_LEDGER_PORT=...)
        _parse(url, f"{where} {path} line {number}")
        return url
    raise DatabaseUrlError(f"{where} {path}: no database URL in it (a line {DB_ENV}=URL)")


class PasswordFilter(logging.Filter):
    """Rewrites every record a handler writes so the database password cannot reach the log."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrubbed(message, self.url)
        if clean != message:
            record.msg, record.args = clean, None
        text = record.exc_text
        if record.exc_info and not text:
            text = logging.Formatter().formatException(record.exc_info)
        if text and scrubbed(text, self.url) != text:
            # Only a traceback that holds the password is rewritten; the scrubbed text then
            # replaces it (other handlers, e.g. a test's log capture, keep the rest intact).
            record.exc_text = scrubbed(text, self.url)
            record.exc_info = None
        return True


def guard_logs(url: str, logger: logging.Logger | None = None) -> None:
    """Put a PasswordFilter on every handler of `logger` (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, PasswordFilter) and f.url == url for f in handler.filters):
            handler.addFilter(PasswordFilter(url))


def _parse(url: str, where: str) -> None:
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        # Not echoed: a mistyped URL may still hold a password.
        raise DatabaseUrlError(f"{where}: not a database URL (expected {SHAPE})") from None


def _password(url: str) -> str | None:
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        return None
    return None if password is None else str(password)
