"""`timebank-ledger member enrol|devices|device-revoke`: members' phones and their links."""

from __future__ import annotations

import argparse
import os
from typing import Any

from sqlalchemy.orm import Session

from ledger import devices
from ledger.cli.base import add_command, emit, with_book
from ledger.db import utcnow
from ledger.limits import Bounded

# How phones reach this ledger, as `serve --public-url` says (no trailing slash needed).
PUBLIC_URL_ENV = "TIMEBANK_LEDGER_PUBLIC_URL"


def cmd_enrol(args: argparse.Namespace) -> int:
    base = args.public_url or os.environ.get(PUBLIC_URL_ENV)
    if not base:
        raise SystemExit(
            f"timebank-ledger: say how phones reach the ledger: --public-url or ${PUBLIC_URL_ENV} "
            "(e.g. https://ledger.example.org)"
        )

    def work(s: Session) -> dict[str, Any]:
        token, expires_at = devices.create_link(s, args.member, utcnow(), args.days)
        url = base.rstrip("/") + devices.ENROL_PATH + token
        return {"member": args.member, "url": url, "expires_at": expires_at.isoformat()}

    data = with_book(args.db, work)
    emit(
        args,
        data,
        f"enrolment link for {data['member']} (works once, until {data['expires_at'][:16]}):\n"
        f"{data['url']}",
    )
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    found = with_book(args.db, lambda s: devices.list_devices(s, args.member))
    lines = [
        f"{d['device']}  enrolled {d['created_at'][:16]}"
        f"  last seen {(d['last_seen_at'] or '-')[:16]}"
        + (f"  REVOKED {d['revoked_at'][:16]}" if d["revoked_at"] else "")
        for d in found
    ]
    emit(args, {"member": args.member, "devices": found}, "\n".join(lines) or "no devices")
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    data = with_book(
        args.db, lambda s: devices.describe(devices.revoke_device(s, args.device, utcnow()))
    )
    emit(args, data, f"device {data['device']} of {data['member']} revoked")
    return 0


def register(member: Any) -> None:
    """Adds the sub-commands to the `member` group (ledger.cli.members)."""
    enrol = add_command(
        member, "enrol", cmd_enrol, help="a one-time link that enrols the member's phone"
    )
    enrol.add_argument("member", metavar="MEMBER")
    enrol.add_argument(
        "--days",
        type=Bounded(1, devices.MAX_LINK_DAYS),
        default=devices.LINK_DAYS,
        help=f"the link expires after this many days (default {devices.LINK_DAYS})",
    )
    enrol.add_argument("--public-url", help=f"how phones reach the ledger (else ${PUBLIC_URL_ENV})")
    lst = add_command(member, "devices", cmd_devices, help="the member's enrolled phones")
    lst.add_argument("member", metavar="MEMBER")
    revoke = add_command(
        member, "device-revoke", cmd_device_revoke, help="revoke a lost phone, at once"
    )
    revoke.add_argument("device", metavar="DEVICE")
