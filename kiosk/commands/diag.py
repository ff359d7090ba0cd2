"""`kiosk diag`: the technician's tools over SSH. kiosk/cli.py registers the parser from here;
the tools themselves are kiosk/diag's.

kiosk diag [--config FILE | --sim] [--json]          health table; exit 1 on any FAIL
kiosk diag bundle [--out PATH] · selftest · service off --reason R · service on
kiosk diag walk · open BOARD:LOCK · sensors · restock LOCKER --sku S --count N
kiosk diag bus [--port URL --protocol F] [--board N]  a silent bus: speeds, wiring hints, counts
kiosk diag fonts                                     the Chinese screen font, prepared now
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.commands import diag_bus, diag_fonts
from kiosk.core.errors import KioskError
from kiosk.core.steps import Settlement

# $TIMEBANK_KIOSK_CONFIG names another file for every `kiosk diag` on this machine.
DEFAULT_CONFIG = os.environ.get("TIMEBANK_KIOSK_CONFIG", "/etc/timebank-kiosk/kiosk.toml")
BACK_IN_SERVICE = "checked"  # the reason `service on` logs unless given one (as the screen does)


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    # Accepted before and after the subcommand; SUPPRESS keeps a subcommand from resetting them.
    default: Any = (lambda v: v) if top else (lambda v: argparse.SUPPRESS)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--config", default=default(DEFAULT_CONFIG), help="the kiosk's config")
    where.add_argument(
        "--sim", action="store_true", default=default(False), help="check a simulated site"
    )
    parser.add_argument("--json", action="store_true", default=default(False), help="JSON out")
    parser.add_argument(
        "--by",
        default=default(None),
        metavar="MEMBER",
        help="the technician's member id, logged with every action (default ssh:<user>)",
    )


def add_parser(sub: Any) -> None:
    """Register `kiosk diag` and its subcommands on the `kiosk` command's subparsers."""
    d = sub.add_parser("diag", help="technician's health check and service tools")
    _common(d, top=True)
    dsub = d.add_subparsers(dest="diag_command", required=False)
    c = dsub.add_parser("check", help="the health table (the default)")
    b = dsub.add_parser("bundle", help="a .tar.gz of logs, config, journal summary and versions")
    b.add_argument("--out", help="folder or .tar.gz path (default: a USB stick, else data/bundles)")
    s = dsub.add_parser("selftest", help="boards, locks, scanner, lights and buzzer; reported")
    v = dsub.add_parser("service", help="take the kiosk out of service or put it back")
    v.add_argument("mode", choices=("off", "on"), help="off: out of service; on: back in service")
    v.add_argument(
        "--reason",
        help=f"why, shown to staff in the ledger (required for off; on: {BACK_IN_SERVICE!r})",
    )
    w = dsub.add_parser("walk", help="open every locker in turn, confirming each")
    o = dsub.add_parser("open", help="open one locker and show its sensors before and after")
    o.add_argument("locker", help="BOARD:LOCK, e.g. 0:3")
    n = dsub.add_parser("sensors", help="live hook and item sensors (Ctrl-C stops)")
    n.add_argument("--interval", type=float, default=0.5, help="seconds between reads")
    n.add_argument("--reads", type=int, default=None, help="stop after this many reads")
    r = dsub.add_parser("restock", help="set what one locker holds (and open it first)")
    r.add_argument("locker", help="BOARD:LOCK, e.g. 0:3")
    what = r.add_mutually_exclusive_group(required=True)
    what.add_argument("--sku", help="what goes in (unlotted stock: give --best-before too)")
    what.add_argument(
        "--lot",
        metavar="CODE",
        help="the lot label scanned or typed (tblot:L3K9QX2A or L3K9QX2A): SKU and best-before"
        " come from the ledger's lot",
    )
    r.add_argument("--count", type=int, required=True)
    r.add_argument("--best-before", help="YYYY-MM-DD")
    r.add_argument("--open", action="store_true", help="open the locker before recording")
    r.add_argument(
        "--found",
        type=int,
        metavar="N",
        help="items found in the locker before filling (needed where a vend awaits a count)",
    )
    u = dsub.add_parser(
        "bus", help="a silent lock-board bus: each speed's replies, checksum errors, timeouts"
    )
    diag_bus.add_arguments(u)
    f = dsub.add_parser(
        "fonts", help="prepare the Chinese screen font now (the installer runs it) and show it"
    )
    for p in (c, b, s, v, w, o, n, r, u, f):
        _common(p, top=False)


def run(args: argparse.Namespace) -> int:
    from kiosk.diag.errors import DiagError

    command = args.diag_command or "check"
    if command == "bus":  # the bare port, no kiosk parts: the service may not even start
        return diag_bus.run(args)
    if command == "fonts":  # files only: no board, scanner or ledger
        return diag_fonts.run(args)
    actor = args.by or f"ssh:{getpass.getuser()}"
    try:
        with _parts(args) as parts:
            return _COMMANDS[command](parts, args, actor)
    except DiagError as e:
        print(f"kiosk diag {command}: {e}", file=sys.stderr)
        return 2 if isinstance(e, ValueError) else 1
    except KioskError as e:
        if isinstance(e, ValueError):
            print(f"kiosk diag {command}: {e}", file=sys.stderr)
            return 2
        raise


@contextlib.contextmanager
def _parts(args: argparse.Namespace) -> Iterator[Any]:
    from kiosk.core.config import load_config
    from kiosk.wiring.parts import KioskParts

    if not args.sim:
        with KioskParts.from_config(load_config(args.config)) as parts:
            yield parts
        return
    from sim.site import SimulatedSite

    folder = Path(tempfile.mkdtemp(prefix="kiosk-diag-sim-"))
    try:
        with (
            SimulatedSite(folder) as site,
            KioskParts.from_config(load_config(site.config_path)) as parts,
        ):
            yield parts
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _check(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.diag.checks import Status, worst
    from kiosk.diag.health import run_checks
    from kiosk.diag.report import as_json, table

    checks = run_checks(parts)
    if args.json:
        print(as_json(checks, kiosk=parts.config.name))
    else:
        print(table(checks, title=f"kiosk {parts.config.name!r} ({parts.config.source})"))
    return 1 if worst(checks) is Status.FAIL else 0


def _bundle(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.diag.bundle import write_bundle
    from kiosk.diag.locktest import report_action

    path = write_bundle(parts, args.out)
    report_action(parts, actor, "bundle", {"file": path.name})
    print(json.dumps({"bundle": str(path)}) if args.json else f"bundle written: {path}")
    return 0


def _selftest(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.diag.report import table
    from kiosk.diag.selftest import run_self_test

    report = run_self_test(parts, actor)
    if args.json:
        print(json.dumps({**report.as_dict(), "reported": report.reported}, ensure_ascii=False))
    else:
        print(table(report.checks, title=f"self-test at {report.at}"))
        print("reported to the ledger" if report.reported else "NOT reported yet (kept, resent)")
    return 0 if report.passed else 1


def _service(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.core.service import ServiceMode
    from kiosk.diag.switch import switch_service

    mode = ServiceMode.OUT_OF_SERVICE if args.mode == "off" else ServiceMode.IN_SERVICE
    reason = args.reason if args.reason is not None else ""
    if mode is ServiceMode.IN_SERVICE and not reason.strip():
        reason = BACK_IN_SERVICE
    if not reason.strip():
        print('kiosk diag service off: say why with --reason "..." (staff see it)', file=sys.stderr)
        return 2
    state = switch_service(parts, mode, reason, actor)
    print(json.dumps(state.as_dict()) if args.json else f"{state.mode.value}: {state.reason}")
    return 0


def _walk(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.diag.locktest import LockTester, LockTestResult, Verdict

    answers = {"y": Verdict.OPENED, "n": Verdict.NOT_OPENED, "q": Verdict.STOP}
    total, at = len(parts.lockers()), iter(range(1, 10**6))

    def confirm(result: LockTestResult) -> Verdict:
        print(f"[{next(at)}/{total}] {_describe(result)}")  # how far the walk is
        while True:
            reply = input("  did it open? close the door, then y(es) / n(o) / q(uit): ")
            verdict = answers.get(reply.strip().lower()[:1])
            if verdict is not None:
                return verdict

    results = LockTester(parts, actor).walk(confirm)
    if args.json:
        print(json.dumps([r.as_dict() for r in results]))
    failed = [r.locker for r in results if r.verdict is Verdict.NOT_OPENED]
    if failed:
        print(f"FAIL: did not open: {', '.join(failed)} (taken out of sale until inspected)")
    return 1 if failed else 0


def _open(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.diag.locktest import LockTester

    result = LockTester(parts, actor).open_one(args.locker)
    print(json.dumps(result.as_dict()) if args.json else _describe(result))
    return 0 if result.opened else 1


def _sensors(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.diag.locktest import LockTester

    tester = LockTester(parts, actor)
    with contextlib.suppress(KeyboardInterrupt):
        for snapshot in tester.live(interval=args.interval, reads=args.reads):
            if args.json:
                print(json.dumps([_reading(r) for r in snapshot]), flush=True)
            else:
                print("  ".join(f"{r.locker} {_state_text(r.state, r.error)}" for r in snapshot))
    return 0


def _restock(parts: Any, args: argparse.Namespace, actor: str) -> int:
    from kiosk.diag.errors import RestockError
    from kiosk.diag.restock import Restock

    restock = Restock(parts, actor, today=parts.config.today)
    if args.lot is not None and args.best_before:
        raise RestockError("--best-before comes from the lot; give --lot or --best-before")
    # Checked before the door opens: a typo must not leave a locker standing open.
    if args.lot is None:
        restock.validate(args.locker, args.sku, args.count, args.best_before)
    waiting = restock.awaiting(args.locker)
    if waiting and args.found is None:
        raise RestockError(
            f"locker {waiting[0].locker}: vend {waiting[0].id} ({waiting[0].sku}) awaits a count "
            "of this locker; count the items in it before you fill it and give --found N"
        )
    if args.open:
        print(_describe(restock.open(args.locker)))
    if args.found is not None:
        for vend in restock.count(args.locker, args.found):
            verdict = (
                "taken: captured" if vend.settlement is Settlement.CAPTURE else "not taken: voided"
            )
            queued = "" if vend.state.final else " (queued for the ledger)"
            print(f"vend {vend.id} ({vend.sku}, {vend.price} coins): {verdict}{queued}")
    if args.lot is not None:
        stock = restock.fill_lot(args.locker, args.lot, args.count)
    else:
        stock = restock.fill(args.locker, args.sku, args.count, args.best_before)
    summary = restock.finish()
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        print(
            f"locker {stock.locker}: {stock.count} x {stock.sku}, best before "
            f"{stock.best_before or '-'}" + (f", lot {stock.lot}" if stock.lot else "")
        )
        if summary.still_open:
            print(f"WARN: still open: {', '.join(summary.still_open)}")
        print("inventory sent" if summary.reported else "inventory NOT sent yet (kept, resent)")
    return 0


def _describe(result: Any) -> str:
    before = _state_text(result.before, None)
    after = _state_text(result.after, result.error)
    accepted = "unlock accepted" if result.accepted else "unlock NOT accepted"
    return f"locker {result.locker}: {accepted}; before {before}; after {after}"


def _state_text(state: Any, error: str | None) -> str:
    if state is None:
        return f"unreadable ({error})" if error else "unreadable"
    hook = "OPEN" if state.hook_open else "closed"
    return f"{hook}/{'item' if state.item_present else 'empty'}"


def _reading(r: Any) -> dict[str, Any]:
    state = (
        None
        if r.state is None
        else {"hook_open": r.state.hook_open, "item_present": r.state.item_present}
    )
    return {"locker": r.locker, "state": state, "error": r.error}


_COMMANDS = {
    "check": _check,
    "bundle": _bundle,
    "selftest": _selftest,
    "service": _service,
    "walk": _walk,
    "open": _open,
    "sensors": _sensors,
    "restock": _restock,
}
