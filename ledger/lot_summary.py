"""The daily goods summary (临期预警, issue 18): what a clerk must act on today. Lots past their
last day of sale with units still somewhere (take them out and write them off), lots within
the warning days (hand them out first), and lots whose books do not balance. Run each morning
by timebank-ledger-lot-summary.timer (deploy/systemd), printed by `timebank-ledger lot summary`
and shown on the console's goods page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import lots, settings
from ledger.lot_tables import Lot


def _where(b: dict[str, Any]) -> list[dict[str, Any]]:
    places = [{"place": "store", "units": b["store"]}] if b["store"] > 0 else []
    places += [{"place": "kiosk", "kiosk": k, "units": n} for k, n in sorted(b["kiosks"].items())]
    return [p for p in places if p["units"] > 0]


def daily_summary(s: Session, today: date, warn_days: int) -> dict[str, Any]:
    """Today's expired and near-expiry lots with where their units are, and unbalanced lots.
    A lot is expired once past its last day of sale (best-before minus lot_withdraw_days)."""
    withdraw = settings.load(s).lot_withdraw_days
    horizon = today + timedelta(days=withdraw + warn_days)
    expired: list[dict[str, Any]] = []
    expiring: list[dict[str, Any]] = []
    for lot in s.scalars(select(Lot).where(Lot.best_before <= horizon).order_by(Lot.best_before)):
        b = lots.balances(s, lot.code)
        where = _where(b)
        if not where:
            continue
        last_sale = lot.best_before - timedelta(days=withdraw)
        row = {
            "lot": lot.code,
            "sku": lot.sku,
            "best_before": lot.best_before.isoformat(),
            "last_sale_day": last_sale.isoformat(),
            "days_left": (last_sale - today).days,
            "left": sum(p["units"] for p in where),
            "where": where,
        }
        (expired if last_sale < today else expiring).append(row)
    unbalanced = [r["lot"] for r in lots.reconcile(s) if not r["ok"]]
    return {
        "date": today.isoformat(),
        "warn_days": warn_days,
        "withdraw_days": withdraw,
        "expired": expired,
        "expiring": [r for r in expiring if r["days_left"] <= warn_days],
        "unbalanced": unbalanced,
    }


def summary_text(summary: dict[str, Any]) -> str:
    """The summary in plain Chinese for a clerk (English in brackets for the key words)."""

    def places(row: dict[str, Any]) -> str:
        return "，".join(
            f"库房 {p['units']} 件"
            if p["place"] == "store"
            else f"柜机 {p['kiosk']} {p['units']} 件"
            for p in row["where"]
        )

    lines = [f"{summary['date']} 物资提醒 (goods summary)"]
    if summary["expired"]:
        lines.append("已过期，请取出并报损 (expired: take out and write off):")
        lines += [
            f"  {r['lot']} {r['sku']} 保质期 {r['best_before']}：{places(r)}"
            for r in summary["expired"]
        ]
    if summary["expiring"]:
        lines.append(f"临期（{summary['warn_days']} 天内停售），请优先发放 (near expiry):")
        lines += [
            f"  {r['lot']} {r['sku']} 最后兑换日 {r['last_sale_day']}"
            f"（还有 {r['days_left']} 天）：{places(r)}"
            for r in summary["expiring"]
        ]
    if summary["unbalanced"]:
        lines.append(
            "账目对不上，请核对 (books do not balance): " + " ".join(summary["unbalanced"])
        )
    if len(lines) == 1:
        lines.append("没有过期或临期的物资，账目平衡。(nothing expired or near expiry)")
    return "\n".join(lines)
