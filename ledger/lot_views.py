"""What the console's goods pages show (ledger.web.lot_pages): every lot with its item, donor,
dates and where its units are, flagged by the office's rules (left sale, near expiry), and a
lot's trace with each hand-out's member named only where the caller may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import lots, settings
from ledger.db import CatalogItem, Kiosk, Member
from ledger.lot_tables import Donor, Lot

FILTERS = ("open", "expiring", "expired", "all")
MAX_ROWS = 500  # the newest lots first; older used-up lots stay reachable by their code


@dataclass(frozen=True)
class LotRow:
    code: str
    sku: str
    item: str
    donor: str
    best_before: str
    last_sale_day: str
    days_left: int  # to the last day of sale; negative: out of sale
    flag: str  # "expired" (past best-before), "withdrawn", "near", ""
    qty: int
    store: int
    kiosks: dict[str, int]
    handed_out: int
    written_off: int
    ok: bool  # intake = store + kiosks + handed out + written off, none negative

    @property
    def left(self) -> int:
        return self.store + sum(self.kiosks.values())


def _flag(best_before: date, last_sale: date, today: date, warn_days: int) -> str:
    if best_before < today:
        return "expired"
    if last_sale < today:
        return "withdrawn"
    return "near" if (last_sale - today).days <= warn_days else ""


def lot_rows(s: Session, today: date, which: str = "open") -> list[LotRow]:
    """Lots for the list, by `which` (FILTERS): with units left, near expiry, out of sale, all."""
    office = settings.load(s)
    names = {i.sku: i.name_zh for i in s.scalars(select(CatalogItem))}
    donors = {d.id: d.name for d in s.scalars(select(Donor))}
    query = select(Lot).order_by(Lot.received_at.desc()).limit(MAX_ROWS)
    rows = []
    for lot in s.scalars(query):
        b = lots.balances(s, lot.code)
        last_sale = lot.best_before - timedelta(days=office.lot_withdraw_days)
        kiosks = {k: v for k, v in sorted(b["kiosks"].items()) if v}
        placed = b["store"] + sum(b["kiosks"].values()) + b["handed_out"] + b["written_off"]
        row = LotRow(
            code=lot.code,
            sku=lot.sku,
            item=names.get(lot.sku, lot.sku),
            donor=donors.get(lot.donor_id, "—"),
            best_before=lot.best_before.isoformat(),
            last_sale_day=last_sale.isoformat(),
            days_left=(last_sale - today).days,
            flag=_flag(lot.best_before, last_sale, today, office.lot_warn_days),
            qty=lot.qty,
            store=b["store"],
            kiosks=kiosks,
            handed_out=b["handed_out"],
            written_off=b["written_off"],
            ok=placed == lot.qty == b["intake"]
            and b["store"] >= 0
            and all(v >= 0 for v in b["kiosks"].values()),
        )
        wanted = {
            "all": True,
            "open": row.left > 0,
            "expiring": row.left > 0 and row.flag == "near",
            "expired": row.left > 0 and row.flag in ("expired", "withdrawn"),
        }
        if wanted.get(which, False):
            rows.append(row)
    rows.sort(key=lambda r: (r.left == 0, r.best_before))
    return rows


def trace_view(s: Session, code: str, with_member: bool) -> dict[str, Any]:
    """ledger.lots.trace plus the item's name and, for those who may see them, the members'
    names of the hand-outs."""
    data = lots.trace(s, code, with_member=with_member)
    item = s.get(CatalogItem, data["sku"])
    data["item"] = item.name_zh if item is not None else data["sku"]
    office = settings.load(s)
    names = {k.id: k.name for k in s.scalars(select(Kiosk))}
    data["kiosk_names"] = names
    for move in data["movements"]:  # the office's clock, as the clerk's own
        moment = office.local(datetime.fromisoformat(move["at"]))
        move["local_at"] = moment.strftime("%Y-%m-%d %H:%M")
        move["kiosk_name"] = names.get(move["kiosk"] or "", "")
    if with_member:
        for move in data["movements"]:
            member = s.get(Member, move["member"]) if move.get("member") else None
            move["member_name"] = member.name if member is not None else None
    return data


def donor_rows(s: Session) -> list[dict[str, Any]]:
    """The donors' list (爱心力量榜单): lots, units given and units already handed out."""
    rows = lots.donor_totals(s)
    codes_by_donor: dict[str, list[str]] = {}
    for lot, name in s.execute(select(Lot.code, Donor.name).join(Donor, Lot.donor_id == Donor.id)):
        codes_by_donor.setdefault(name, []).append(lot)
    for row in rows:
        codes = codes_by_donor.get(row["donor"], [])
        row["handed_out"] = sum(lots.balances(s, c)["handed_out"] for c in codes)
    return rows
