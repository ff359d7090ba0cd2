"""`timebank-ledger lot add|move|return|writeoff|trace|expiring|summary|reconcile` and
`donor list|receipt`: the office's books of donated goods (ledger.lots)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ledger import audit, lots, settings
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.catalog import get_item
from ledger.cli.base import add_command, add_group, emit, with_book
from ledger.cli.staff import cli_actor
from ledger.db import utcnow
from ledger.lot_pdf import label_pdf
from ledger.lot_tables import DonorKind, WriteoffReason


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a date YYYY-MM-DD") from None


def _audited(s: Session, action: AuditAction, **detail: Any) -> None:
    audit.record(s, action, cli_actor(), CLI_ACTOR_ADDRESS, utcnow(), **detail)


def cmd_add(args: argparse.Namespace) -> int:
    actor = cli_actor()

    def work(s: Session) -> dict[str, Any]:
        lot = lots.add_lot(
            s,
            args.sku,
            args.qty,
            args.best_before,
            args.donor,
            DonorKind(args.donor_kind),
            actor,
            utcnow(),
        )
        _audited(
            s,
            AuditAction.LOT_TAKEN_IN,
            lot=lot.code,
            sku=lot.sku,
            qty=lot.qty,
            best_before=lot.best_before.isoformat(),
            donor=args.donor,
        )
        if args.label_pdf:
            item = get_item(s, lot.sku).name_zh
            pdf = label_pdf(lot.code, item, lot.best_before.isoformat(), args.donor, lot.qty)
            Path(args.label_pdf).write_bytes(pdf)
        return {
            "lot": lot.code,
            "code": lots.QR_PREFIX + lot.code,
            "sku": lot.sku,
            "qty": lot.qty,
            "best_before": lot.best_before.isoformat(),
            "donor": args.donor,
        }

    data = with_book(args.db, work)
    emit(
        args,
        data,
        f"lot {data['lot']}: {data['qty']} x {data['sku']}, best before {data['best_before']}",
    )
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        done = lots.move_to_kiosk(s, args.lot, args.to_kiosk, args.qty, cli_actor(), utcnow())
        _audited(s, AuditAction.LOT_MOVED, lot=args.lot, kiosk=args.to_kiosk, qty=args.qty)
        return done

    data = with_book(args.db, work)
    emit(args, data, f"{args.qty} units to kiosk {args.to_kiosk}; store now {data['store']}")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        done = lots.return_to_store(s, args.lot, args.from_kiosk, args.qty, cli_actor(), utcnow())
        _audited(s, AuditAction.LOT_RETURNED, lot=args.lot, kiosk=args.from_kiosk, qty=args.qty)
        return done

    data = with_book(args.db, work)
    emit(args, data, f"{args.qty} units back from kiosk {args.from_kiosk}")
    return 0


def cmd_writeoff(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        reason = WriteoffReason(args.reason)
        done = lots.writeoff(s, args.lot, args.qty, reason, args.kiosk, cli_actor(), utcnow())
        detail = {"lot": args.lot, "qty": args.qty, "reason": reason.value, "kiosk": args.kiosk}
        _audited(s, AuditAction.LOT_WRITTEN_OFF, **detail)
        return done

    data = with_book(args.db, work)
    emit(args, data, f"{args.qty} units written off ({args.reason})")
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    data = with_book(args.db, lambda s: lots.trace(s, args.lot, with_member=True))
    lines = [f"lot {data['lot']} {data['sku']} x {data['qty']} from {data['donor']['name']}"]
    lines += [f"  {m['at']} {m['kind']} {m['qty']} {m['kiosk'] or ''}" for m in data["movements"]]
    emit(args, data, "\n".join(lines))
    return 0


def cmd_expiring(args: argparse.Namespace) -> int:
    def work(s: Session) -> list[dict[str, Any]]:
        office = settings.load(s)
        days = office.lot_warn_days if args.days is None else args.days
        return lots.expiring(s, office.local(utcnow()).date(), days)

    rows = with_book(args.db, work)
    emit(
        args,
        {"lots": rows},
        "\n".join(
            f"{r['lot']} {r['sku']} {r['best_before']} {'EXPIRED' if r['expired'] else ''} "
            f"{r['left']} left"
            for r in rows
        )
        or "no lots near expiry",
    )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from ledger.lot_summary import daily_summary, summary_text

    def work(s: Session) -> dict[str, Any]:
        office = settings.load(s)
        days = office.lot_warn_days if args.days is None else args.days
        return daily_summary(s, office.local(utcnow()).date(), days)

    data = with_book(args.db, work)
    emit(args, data, summary_text(data))
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    rows = with_book(args.db, lots.reconcile)
    bad = [r for r in rows if not r["ok"]]
    emit(
        args,
        {"lots": rows, "mismatches": len(bad)},
        "\n".join(f"MISMATCH {r['lot']}: {r}" for r in bad) or f"{len(rows)} lots reconcile",
    )
    return 1 if bad else 0


def cmd_unattributed(args: argparse.Namespace) -> int:
    rows = with_book(args.db, lots.unattributed)
    text = "\n".join(f"{r['at']} {r['code']} hold {r['hold']} at {r['kiosk']}" for r in rows)
    emit(args, {"handouts": rows}, text or "no hand-outs of unknown lots")
    return 0


def cmd_donors(args: argparse.Namespace) -> int:
    rows = with_book(args.db, lots.donor_totals)
    emit(
        args,
        {"donors": rows},
        "\n".join(f"{r['donor']}  {r['lots']} lots  {r['units']} units" for r in rows)
        or "no donors",
    )
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    from ledger.donor_receipt import receipt_number, receipt_pdf

    pdf = with_book(args.db, lambda s: receipt_pdf(s, args.lot, args.lang))
    Path(args.pdf).write_bytes(pdf)
    number = receipt_number([lots.parse_code(c) for c in args.lot])
    emit(args, {"receipt": number, "pdf": args.pdf}, f"receipt {number} written to {args.pdf}")
    return 0


def register(sub: Any) -> None:
    group = add_group(sub, "lot", "donated goods: intake, moves, write-offs, trace")
    p = add_command(group, "add", cmd_add, help="take in a donated lot")
    p.add_argument("--sku", required=True)
    p.add_argument("--qty", type=int, required=True)
    p.add_argument("--best-before", type=_date, required=True)
    p.add_argument("--donor", required=True)
    p.add_argument("--label-pdf", metavar="FILE", help="write the label sheet (PDF) here")
    p.add_argument("--donor-kind", choices=[k.value for k in DonorKind], default="person")
    p = add_command(group, "move", cmd_move, help="from the store to a kiosk")
    p.add_argument("lot")
    p.add_argument("--to-kiosk", required=True)
    p.add_argument("--qty", type=int, required=True)
    p = add_command(group, "return", cmd_return, help="from a kiosk back to the store")
    p.add_argument("lot")
    p.add_argument("--from-kiosk", required=True)
    p.add_argument("--qty", type=int, required=True)
    p = add_command(group, "writeoff", cmd_writeoff, help="expired, damaged or lost units")
    p.add_argument("lot")
    p.add_argument("--qty", type=int, required=True)
    p.add_argument("--reason", choices=[r.value for r in WriteoffReason], required=True)
    p.add_argument("--kiosk")
    p = add_command(group, "trace", cmd_trace, help="every unit of a lot, and its donor")
    p.add_argument("lot")
    p = add_command(group, "expiring", cmd_expiring, help="lots near or past best-before")
    p.add_argument("--days", type=int, help="within this many days (default: lot_warn_days)")
    p = add_command(group, "summary", cmd_summary, help="today's expired and near-expiry lots")
    p.add_argument("--days", type=int, help="warn this many days ahead (default: lot_warn_days)")
    add_command(group, "reconcile", cmd_reconcile, help="check every lot's books (exit 1 if not)")
    add_command(group, "unattributed", cmd_unattributed, help="hand-outs naming unknown lots")
    donors = add_group(sub, "donor", "donors of goods")
    add_command(donors, "list", cmd_donors, help="donors with their totals")
    p = add_command(donors, "receipt", cmd_receipt, help="a donation's receipt (PDF)")
    p.add_argument("--lot", action="append", required=True, help="a lot of the donation (repeat)")
    p.add_argument("--pdf", metavar="FILE", required=True)
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
