"""`timebank-ledger staff add|list|disable|password|totp` and `audit`: the staff console's
accounts, and its audit log. Passwords are read from a prompt or standard input, never argv;
every change is written to the audit log as done from the command line."""

from __future__ import annotations

import argparse
import getpass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ledger import audit, staff, staff_lockouts
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.cli.base import add_command, add_group, emit, read_secret, with_book
from ledger.db import StaffRole, utcnow
from ledger.errors import BadRequest
from ledger.limits import Bounded

ROLES = [r.value for r in StaffRole]
MAX_AUDIT_ROWS = 10_000


def cli_actor() -> str:
    """Who ran the command, for the audit log: the system user (the CLI has no login)."""
    try:
        return f"cli:{getpass.getuser()}"[:40]
    except OSError:
        return "cli"


def _record(s: Session, action: AuditAction, username: str, **detail: Any) -> None:
    audit.record(s, action, cli_actor(), CLI_ACTOR_ADDRESS, utcnow(), account=username, **detail)


def _password(args: argparse.Namespace) -> str:
    what = f"password for {args.username} ({staff.MIN_PASSWORD} characters or more)"
    return read_secret(args, what, "passwords", "nothing was changed")


def _line(v: staff.StaffView) -> str:
    extra = (", second factor" if v.second_factor else "") + (", DISABLED" if v.disabled else "")
    return f"{v.username}  {v.name} ({v.role.value}{extra})"


def cmd_staff_add(args: argparse.Namespace) -> int:
    staff.check_username(args.username)  # before asking for a password
    password = staff.check_password(_password(args))

    def work(s: Session) -> staff.StaffView:
        row = staff.add_staff(s, args.username, StaffRole(args.role), args.name or "", password)
        _record(s, AuditAction.STAFF_ADDED, row.username, role=row.role.value)
        return staff.view(row)

    added = with_book(args.db, work)
    emit(args, added.json(), _line(added))
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    found = with_book(args.db, staff.list_staff)
    text = "\n".join(_line(v) for v in found) or "no staff accounts"
    emit(args, {"staff": [v.json() for v in found]}, text)
    return 0


def cmd_staff_disable(args: argparse.Namespace) -> int:
    def work(s: Session) -> staff.StaffView:
        row = staff.disable(s, args.username, utcnow())
        _record(s, AuditAction.STAFF_DISABLED, row.username)
        return staff.view(row)

    done = with_book(args.db, work)
    emit(args, done.json(), _line(done) + "\nsigned out everywhere")
    return 0


def cmd_staff_password(args: argparse.Namespace) -> int:
    with_book(args.db, lambda s: staff.get_staff(s, args.username))  # before asking
    password = staff.check_password(_password(args))

    def work(s: Session) -> staff.StaffView:
        row = staff.set_password(s, args.username, password)
        staff_lockouts.unlock(s, row.username)
        _record(s, AuditAction.STAFF_PASSWORD, row.username)
        return staff.view(row)

    done = with_book(args.db, work)
    emit(args, done.json(), f"{done.username}: password set, lock-out ended, signed out everywhere")
    return 0


def cmd_staff_totp(args: argparse.Namespace) -> int:
    def work(s: Session) -> str:
        uri = staff.enrol_totp(s, args.username)
        _record(s, AuditAction.STAFF_TOTP, args.username)
        return uri

    uri = with_book(args.db, work)
    text = (
        f"{args.username}: add this to the authenticator app now (shown only once; scan it "
        f"as a QR code or type the secret):\n{uri}"
    )
    emit(args, {"username": args.username, "provisioning_uri": uri}, text)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.day) if args.day else None
    except ValueError as exc:
        raise BadRequest(f"--day {args.day!r}: write a day as YYYY-MM-DD") from exc
    query = audit.AuditQuery(staff=args.staff, day=day)
    rows = with_book(args.db, lambda s: audit.entries(s, query, 0, args.limit))
    lines = [
        f"{r['local_time']}  {r['staff'] or '-':<16} {r['action']:<15} {r['address'] or '-'}"
        + (f"  {r['detail']}" if r["detail"] else "")
        for r in rows
    ]
    emit(args, {"entries": rows}, "\n".join(lines) or "no entries")
    return 0


def register(sub: Any) -> None:
    group = add_group(sub, "staff", "accounts of the staff console (/staff/)")
    add = add_command(group, "add", cmd_staff_add, help="add an account; asks for its password")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--name", help="the person's name as the console shows it")
    add_command(group, "list", cmd_staff_list, help="every account, its role and state")
    off = add_command(group, "disable", cmd_staff_disable, help="disable an account for good")
    off.add_argument("username")
    pw = add_command(group, "password", cmd_staff_password, help="reset a password (asks it)")
    pw.add_argument("username")
    totp = add_command(
        group, "totp", cmd_staff_totp, help="enrol a second factor; prints its URI once"
    )
    totp.add_argument("username")

    log = add_command(sub, "audit", cmd_audit, help="the staff audit log, newest first")
    log.add_argument("--staff", metavar="USERNAME", help="only this account's entries")
    log.add_argument("--day", metavar="YYYY-MM-DD", help="only this day (office time)")
    log.add_argument(
        "--limit", type=Bounded(1, MAX_AUDIT_ROWS), default=100, help="entries shown (100)"
    )
