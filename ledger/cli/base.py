"""What every `timebank-ledger` command shares: the database URL, one transaction, output."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ledger import book
from ledger.db import create_schema, make_engine, session_factory

HOME_ENV = "TIMEBANK_LEDGER_HOME"
DEFAULT_HOME = Path.home() / ".local" / "share" / "timebank-ledger"

Command = Callable[[argparse.Namespace], int]


def default_db_url() -> str:
    home = Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'ledger.db'}"


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
