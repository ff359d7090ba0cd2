"""`timebank-ledger`: the staff's admin command for the ledger (members, kiosks, catalog, serve).

Every command takes `--json` for scripts; errors go to stderr with exit code 2, no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ledger import book, catalog, kiosks, members
from ledger.db import Role, create_schema, make_engine, session_factory
from ledger.errors import LedgerError

HOME_ENV = "TIMEBANK_LEDGER_HOME"
DEFAULT_HOME = Path.home() / ".local" / "share" / "timebank-ledger"
DEFAULT_PORT = 8765


def default_db_url() -> str:
    home = Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'ledger.db'}"


def with_book(db_url: str, work: Callable[[Session], Any]) -> Any:
    """Run `work` in one transaction on a ledger whose schema exists."""
    engine = make_engine(db_url)
    try:
        create_schema(engine)
        with session_factory(engine)() as s, s.begin():
            book.ensure_system_accounts(s)
            return work(s)
    finally:
        engine.dispose()


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False) if args.json else text)


def cmd_init(args: argparse.Namespace) -> int:
    with_book(args.db, lambda s: None)
    emit(args, {"db": args.db}, f"ledger ready at {args.db}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ledger.api import create_app

    uvicorn.run(create_app(args.db), host=args.host, port=args.port, log_level="info")
    return 0


def cmd_member_add(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        member = members.add_member(s, args.name, Role(args.role), args.coins)
        summary = members.member_summary(s, member.id)
        return {**summary, "secret": member.totp_secret}

    data = with_book(args.db, work)
    out = {k: data[k] for k in ("member", "secret", "name", "role", "balance")}
    emit(
        args,
        out,
        f"member {out['member']} {out['name']} ({out['role']}), balance {out['balance']} coins\n"
        f"TOTP secret (put it in the member's phone app): {out['secret']}",
    )
    return 0


def cmd_member_show(args: argparse.Namespace) -> int:
    data = with_book(args.db, lambda s: members.member_summary(s, args.member))
    emit(
        args,
        data,
        f"member {data['member']} {data['name']} ({data['role']})\n"
        f"balance {data['balance']} coins (posted {data['posted_balance']}, held {data['held']})",
    )
    return 0


def cmd_kiosk_add(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        kiosk, key = kiosks.add_kiosk(s, args.name, args.location)
        return {"kiosk": kiosk.id, "key": key, "name": kiosk.name, "location": kiosk.location}

    data = with_book(args.db, work)
    emit(
        args,
        data,
        f"kiosk {data['kiosk']} {data['name']}\nkey (shown only this once): {data['key']}",
    )
    return 0


def cmd_catalog_set(args: argparse.Namespace) -> int:
    data = with_book(
        args.db,
        lambda s: catalog.item_json(catalog.set_item(s, args.sku, args.price, args.zh, args.en)),
    )
    emit(
        args,
        data,
        f"{data['sku']}: {data['name']['zh']} / {data['name']['en']}, {data['price']} coins",
    )
    return 0


def cmd_demo_seed(args: argparse.Namespace) -> int:
    from ledger.demo import seed_demo

    data = seed_demo(args.db)
    lines = [f"kiosk {data['kiosk']} key {data['kiosk_key']}"]
    lines += [
        f"member {m['member']} {m['name']} ({m['role']}) {m['balance']} coins secret {m['secret']}"
        for m in data["members"]
    ]
    emit(args, data, "\n".join(lines))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timebank-ledger", description=__doc__)
    parser.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the data folder)")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func: Callable[..., int], into: Any = sub, **kw: Any) -> Any:
        p = into.add_parser(name, **kw)
        p.set_defaults(func=func)
        p.add_argument("--json", action="store_true", help="print one JSON object")
        return p

    command("init", cmd_init, help="create the database tables")
    serve = command("serve", cmd_serve, help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)

    member = sub.add_parser("member", help="members").add_subparsers(dest="action", required=True)
    add = command("add", cmd_member_add, member, help="enrol a member")
    add.add_argument("--name", required=True)
    add.add_argument("--coins", type=int, default=0, help="opening grant from the grant pool")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.MEMBER.value)
    show = command("show", cmd_member_show, member, help="a member and their balance")
    show.add_argument("member", metavar="ID")

    kiosk = sub.add_parser("kiosk", help="kiosks").add_subparsers(dest="action", required=True)
    kadd = command("add", cmd_kiosk_add, kiosk, help="register a kiosk and make its key")
    kadd.add_argument("--name", required=True)
    kadd.add_argument("--location", default="")

    cat = sub.add_parser("catalog", help="catalog").add_subparsers(dest="action", required=True)
    cset = command("set", cmd_catalog_set, cat, help="add an item or change its price")
    cset.add_argument("sku", metavar="SKU")
    cset.add_argument("--price", type=int, required=True)
    cset.add_argument("--zh", required=True, help="name in Chinese")
    cset.add_argument("--en", required=True, help="name in English")

    command("demo-seed", cmd_demo_seed, help="create demo kiosk, members and catalog")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.db = args.db or default_db_url()
        return int(args.func(args))
    except LedgerError as exc:
        print(f"timebank-ledger: {exc}", file=sys.stderr)
    except SQLAlchemyError as exc:
        print(f"timebank-ledger: database error at {args.db}: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"timebank-ledger: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
