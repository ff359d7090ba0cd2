"""What `timebank-ledger serve` lets one client hold: uvicorn's limits and timeouts, and which
proxy's X-Forwarded-* headers it believes. docs/deploy-ledger.md says what each one protects.

uvicorn has no timeout for a request's headers: a client that sends half a request keeps its
connection for as long as it likes. These limits bound the damage, they do not prevent it;
facing the internet, the ledger sits behind the reverse proxy of deploy/nginx, which closes
half-sent requests (tests/deploy/test_reverse_proxy.py shows both).
"""

import argparse
from typing import Any

# Below the 1,024 open files a systemd service gets by default, leaving room for the database
# and log files: past it, uvicorn answers 503 at once instead of failing to accept (EMFILE).
DEFAULT_LIMIT_CONCURRENCY = 900
DEFAULT_TIMEOUT_KEEP_ALIVE_S = 5
DEFAULT_BACKLOG = 2048
# Only a proxy on this machine may say who the client is (X-Forwarded-For) and that it came
# over HTTPS (X-Forwarded-Proto): the pairing page's links are built from them.
DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1"


def add_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--limit-concurrency",
        type=int,
        default=DEFAULT_LIMIT_CONCURRENCY,
        metavar="N",
        help="with N connections or requests open, answer 503 at once "
        f"(default {DEFAULT_LIMIT_CONCURRENCY})",
    )
    serve.add_argument(
        "--timeout-keep-alive",
        type=int,
        default=DEFAULT_TIMEOUT_KEEP_ALIVE_S,
        metavar="SECONDS",
        help="close a kept-alive connection idle this long between requests "
        f"(default {DEFAULT_TIMEOUT_KEEP_ALIVE_S})",
    )
    serve.add_argument(
        "--backlog",
        type=int,
        default=DEFAULT_BACKLOG,
        metavar="N",
        help=f"connections the kernel queues before they are accepted (default {DEFAULT_BACKLOG})",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=DEFAULT_FORWARDED_ALLOW_IPS,
        metavar="IPS",
        help="comma-separated addresses of the reverse proxy, whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed ('' for none; default 127.0.0.1)",
    )


def uvicorn_settings(args: argparse.Namespace) -> dict[str, Any]:
    """uvicorn.run's keyword arguments for the limits given to `serve`."""
    for name in ("limit_concurrency", "timeout_keep_alive", "backlog"):
        if getattr(args, name) < 1:
            flag = "--" + name.replace("_", "-")
            raise SystemExit(f"{flag} must be at least 1, not {getattr(args, name)}")
    allowed = [ip.strip() for ip in args.forwarded_allow_ips.split(",") if ip.strip()]
    return {
        "limit_concurrency": args.limit_concurrency,
        "timeout_keep_alive": args.timeout_keep_alive,
        "backlog": args.backlog,
        "proxy_headers": bool(allowed),
        "forwarded_allow_ips": allowed or None,
    }
