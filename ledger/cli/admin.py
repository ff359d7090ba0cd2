"""`timebank-ledger init|serve|demo-seed`: the ledger itself (kiosks and the catalog: fleet.py)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

from ledger import expiry, server_limits
from ledger.cli.base import add_command, emit, with_book
from ledger.db_url import guard_logs, masked
from ledger.limits import Bounded
from ledger.reservations import DEFAULT_TTL_S as DEFAULT_RESERVATION_TTL_S

DEFAULT_PORT = 8765
MAX_HOLD_TTL_HOURS = 24 * 366  # a hold left open longer than a year is a typing error
MAX_RESERVATION_HOURS = 24 * 14  # longer than two weeks keeps goods from everyone else


def cmd_init(args: argparse.Namespace) -> int:
    with_book(args.db, lambda s: None)
    shown = masked(args.db)
    emit(args, {"db": shown}, f"ledger ready at {shown}")
    return 0


# `serve --workers N` hands its settings to the worker processes through this variable: the
# environment, not their command line, since the database URL may hold a password.
SERVE_SETTINGS_ENV = "TIMEBANK_LEDGER_SERVE"


def _service_log(db_url: str) -> None:
    """The ledger's own warnings on stderr (journald), with the database password masked."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    guard_logs(db_url)


def _serve_settings(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "db_url": args.db,
        "hold_ttl_seconds": int(args.hold_ttl_hours * 3600),
        "reservation_ttl_seconds": int(args.reservation_hours * 3600),
        "sweep_interval": args.sweep_interval,
        "public_url": args.public_url,
    }


def served_app() -> Any:
    """The app of one `serve --workers N` worker process (a uvicorn factory)."""
    from ledger.api import create_app
    from ledger.observability import configure_access_log

    settings = json.loads(os.environ[SERVE_SETTINGS_ENV])
    _service_log(settings["db_url"])
    configure_access_log()
    return create_app(**settings)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ledger.api import create_app
    from ledger.observability import configure_access_log

    if args.workers < 1:
        raise SystemExit(f"--workers must be at least 1, not {args.workers}")
    # Our JSON access log names routes by template; uvicorn's own would log raw paths.
    common = {"host": args.host, "port": args.port, "log_level": "info", "access_log": False}
    common.update(server_limits.uvicorn_settings(args))
    _service_log(args.db)
    print(f"timebank-ledger: database {masked(args.db)}", file=sys.stderr, flush=True)
    if args.workers == 1:
        configure_access_log()
        uvicorn.run(create_app(**_serve_settings(args)), **common)
        return 0
    # Several processes share the database (idempotency claims and the write lock live in
    # it). Migrate once here, so the workers do not race to create the tables.
    with_book(args.db, lambda s: None)
    os.environ[SERVE_SETTINGS_ENV] = json.dumps(_serve_settings(args))
    uvicorn.run("ledger.cli.admin:served_app", factory=True, workers=args.workers, **common)
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


def register(sub: Any) -> None:
    add_command(sub, "init", cmd_init, help="create or migrate the database tables")
    serve = add_command(sub, "serve", cmd_serve, help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=Bounded(0, 65535), default=DEFAULT_PORT)
    serve.add_argument(
        "--public-url",
        help="the ledger's address as members' phones reach it (pairing page links); "
        "default: the address the kiosk called",
    )
    serve.add_argument(
        "--hold-ttl-hours",
        type=Bounded(0.001, MAX_HOLD_TTL_HOURS, float),
        default=expiry.DEFAULT_HOLD_TTL_S / 3600,
        help="a hold neither captured nor voided expires after this long (default 24)",
    )
    serve.add_argument(
        "--reservation-hours",
        type=Bounded(0.1, MAX_RESERVATION_HOURS, float),
        default=DEFAULT_RESERVATION_TTL_S / 3600,
        help="a reserved item waits at its kiosk this long, then the reservation lapses and "
        "its coins go back (default 24)",
    )
    serve.add_argument(
        "--sweep-interval",
        type=Bounded(0.01, 86400, float),
        default=expiry.DEFAULT_SWEEP_INTERVAL_S,
        metavar="SECONDS",
        help="how often stale holds are expired (default 60)",
    )
    serve.add_argument(
        "--workers",
        type=Bounded(1, 64),
        default=1,
        help="server processes (default 1); each keeps its own /metrics counters",
    )
    server_limits.add_arguments(serve)

    add_command(sub, "demo-seed", cmd_demo_seed, help="create demo kiosk, members and catalog")
