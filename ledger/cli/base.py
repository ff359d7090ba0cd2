"""What every `timebank-ledger` command shares: the database URL, one transaction, output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ledger import book
from ledger.db import create_schema, make_engine, session_factory
from ledger.db_url import database_url
from ledger.errors import BadRequest

HOME_ENV = "TIMEBANK_LEDGER_HOME"
DEFAULT_HOME = Path.home() / ".local" / "share" / "timebank-ledger"

Command = Callable[[argparse.Namespace], int]


def default_db_url() -> str:
    """SQLite in the data folder, which only its user may enter: the file holds members'
    TOTP secrets. A folder or file made looser by an older version is tightened."""
    home = Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser()
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    if home.stat().st_mode & 0o077:
        home.chmod(0o700)
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        path = home / name
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)
    return f"sqlite:///{home / 'ledger.db'}"


def resolve_db(args: argparse.Namespace) -> str:
    """Set `args.db` to the URL from --db, --db-file or the environment (ledger.db_url)."""
    args.db = database_url(args.db, getattr(args, "db_file", None), default_db_url)
    return str(args.db)


def with_book(db_url: str, work: Callable[[Session], Any]) -> Any:
    """Run `work` in one transaction on a ledger whose schema is up to date."""
    engine = make_engine(db_url)
    try:
        create_schema(engine)
        with session_factory(engine)() as s, s.begin():
            book.ensure_system_accounts(s)
            return work(s)
    finally:
        engine.dispose()


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    answer = json.dumps(data, ensure_ascii=False) if args.json else text
    print(answer, file=getattr(args, "out", None))  # `out`: set by `call` to collect the answer


def add_command(into: Any, name: str, func: Command, **kw: Any) -> argparse.ArgumentParser:
    """A sub-command running `func`, with the `--json` every admin command has."""
    p: argparse.ArgumentParser = into.add_parser(name, **kw)
    p.set_defaults(func=func)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def add_group(into: Any, name: str, help_text: str) -> Any:
    """A command group such as `member` whose actions are sub-commands."""
    return into.add_parser(name, help=help_text).add_subparsers(dest="action", required=True)


def read_pin(args: argparse.Namespace, what: str = "the member's PIN (4 to 8 digits)") -> str:
    """A PIN from standard input, never from the command line (where shell history and `ps`
    would keep it): asked twice without echo at a terminal, else the first line of stdin."""
    return read_secret(args, what, "PINs", "nothing was issued").strip()


def read_secret(args: argparse.Namespace, what: str, plural: str, nothing: str) -> str:
    """A secret (a PIN, a staff password) as `read_pin` reads it, spaces kept: asked twice
    without echo at a terminal, else the first line of standard input without its newline.
    `nothing`: what the refusal says was not done."""
    given = getattr(args, "stdin", None)  # `call()`'s in-process standard input
    if given is not None:
        return str(given).rstrip("\r\n")
    if sys.stdin.isatty():
        first = getpass.getpass(f"{what}: ")
        if getpass.getpass("again, to be sure: ") != first:
            raise BadRequest(f"the two {plural} typed differ; {nothing}")
        return first
    line = sys.stdin.readline()
    if not line:
        raise BadRequest(f"{what} was expected on standard input; {nothing}")
    return line.rstrip("\r\n")
