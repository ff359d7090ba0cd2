"""Donated goods (issue 18): intake of a lot from a donor, its moves between the office store
and kiosks, write-offs, and the books of goods: where every unit of a lot is, summed from its
movements (ledger.lot_tables), which are never edited or deleted."""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from ledger import settings
from ledger.errors import ApiError, BadRequest, LedgerError, NotFound
from ledger.lot_tables import (
    MAX_LOT_QTY,
    Donor,
    DonorKind,
    Lot,
    LotMovement,
    MoveKind,
    WriteoffReason,
)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I L O U
CODE_RE = re.compile(r"^L[0-9A-HJKMNP-TV-Z]{7}$")
QR_PREFIX = "tblot:"
MAX_DAYS = 3650


class LotError(LedgerError, ValueError):
    """A lot command that cannot be done as asked (the message says why, in English for the
    CLI). `key` and `words`: the same for a console page to say in its own language
    (ledger.web.lot_words, "lots.err_*")."""

    def __init__(self, message: str, key: str = "", **words: object) -> None:
        super().__init__(message)
        self.key = key
        self.words = words


class UnknownLot(NotFound):
    code, default_message = "unknown_lot", "no lot with this code"


def parse_code(text: str) -> str:
    """A lot code as typed or scanned (`tblot:L3K9QX2A` or `L3K9QX2A`), upper-cased."""
    code = text.strip().removeprefix(QR_PREFIX).upper()
    if not CODE_RE.match(code):
        raise LotError(
            f"{text[:40]!r} is not a lot code: L and 7 letters or digits (no I, L, O, U), "
            "e.g. L3K9QX2A"
        )
    return code


def _qty(qty: int) -> int:
    if not 1 <= qty <= MAX_LOT_QTY:
        raise LotError(
            f"quantity must be 1 to {MAX_LOT_QTY}, not {qty}", "lots.err_qty", max=MAX_LOT_QTY
        )
    return qty


def get_lot(s: Session, code: str, lock: bool = False) -> Lot:
    lot = s.get(Lot, parse_code(code), with_for_update=lock)
    if lot is None:
        raise UnknownLot(f"no lot {code.strip()[:40]}")
    return lot


def donor(s: Session, name: str, kind: DonorKind, now: datetime) -> Donor:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 200:
        raise LotError("the donor's name must be 1 to 200 characters", "lots.err_donor")
    found = s.scalar(select(Donor).where(Donor.name == name))
    if found is None:
        found = Donor(name=name, kind=kind, created_at=now)
        s.add(found)
        s.flush()
    return found


def _move(
    s: Session, lot: str, kind: MoveKind, qty: int, actor: str, now: datetime, **kw: Any
) -> LotMovement:
    move = LotMovement(lot_code=lot, kind=kind, qty=qty, actor=actor, at=now, **kw)
    s.add(move)
    s.flush()
    return move


def add_lot(
    s: Session,
    sku: str,
    qty: int,
    best_before: date,
    donor_name: str,
    kind: DonorKind,
    actor: str,
    now: datetime,
) -> Lot:
    from ledger.catalog import get_item

    get_item(s, sku)  # an unknown SKU is refused by the catalog's own error
    today = settings.load(s).local(now).date()
    if best_before < today:
        raise LotError(
            f"best-before {best_before} is already past (today is {today} at the office):"
            " expired goods are not taken in",
            "lots.err_past",
            day=best_before,
            today=today,
        )
    if best_before > today + timedelta(days=MAX_DAYS):
        raise LotError(
            f"best-before {best_before} is more than {MAX_DAYS} days away",
            "lots.err_far",
            day=best_before,
        )
    giver = donor(s, donor_name, kind, now)
    code = "L" + "".join(secrets.choice(ALPHABET) for _ in range(7))
    while s.get(Lot, code) is not None:
        code = "L" + "".join(secrets.choice(ALPHABET) for _ in range(7))
    lot = Lot(
        code=code,
        sku=sku,
        qty=_qty(qty),
        best_before=best_before,
        donor_id=giver.id,
        received_at=now,
        received_by=actor,
    )
    s.add(lot)
    s.flush()
    _move(s, code, MoveKind.INTAKE, qty, actor, now)
    return lot


def balances(s: Session, code: str) -> dict[str, Any]:
    """Where a lot's units are now: store, each kiosk, handed out, written off."""
    store, handed, written = 0, 0, 0
    kiosks: dict[str, int] = defaultdict(int)
    intake = 0
    for m in s.scalars(select(LotMovement).where(LotMovement.lot_code == code)):
        k = m.kiosk_id or ""
        if m.kind is MoveKind.INTAKE:
            intake += m.qty
            store += m.qty
        elif m.kind is MoveKind.TO_KIOSK:
            store -= m.qty
            kiosks[k] += m.qty
        elif m.kind is MoveKind.RETURN:
            store += m.qty
            kiosks[k] -= m.qty
        elif m.kind in (MoveKind.HANDOUT, MoveKind.HANDOUT_UNATTRIBUTED):
            handed += m.qty
            kiosks[k] -= m.qty
        elif m.kind is MoveKind.WRITEOFF:
            written += m.qty
            if m.kiosk_id:
                kiosks[k] -= m.qty
            else:
                store -= m.qty
    return {
        "intake": intake,
        "store": store,
        "kiosks": dict(kiosks),
        "handed_out": handed,
        "written_off": written,
    }


def move_to_kiosk(
    s: Session, code: str, kiosk: str, qty: int, actor: str, now: datetime
) -> dict[str, Any]:
    from ledger.kiosks import get_kiosk

    lot = get_lot(s, code, lock=True)
    get_kiosk(s, kiosk)
    have = balances(s, lot.code)["store"]
    if _qty(qty) > have:
        raise LotError(
            f"lot {lot.code} has {have} units in the store, not {qty}",
            "lots.err_short_store",
            have=have,
            qty=qty,
        )
    _move(s, lot.code, MoveKind.TO_KIOSK, qty, actor, now, kiosk_id=kiosk)
    return balances(s, lot.code)


def return_to_store(
    s: Session, code: str, kiosk: str, qty: int, actor: str, now: datetime
) -> dict[str, Any]:
    lot = get_lot(s, code, lock=True)
    have = balances(s, lot.code)["kiosks"].get(kiosk, 0)
    if _qty(qty) > have:
        raise LotError(
            f"lot {lot.code} has {have} units at kiosk {kiosk}, not {qty}",
            "lots.err_short_kiosk",
            have=have,
            qty=qty,
            kiosk=kiosk,
        )
    _move(s, lot.code, MoveKind.RETURN, qty, actor, now, kiosk_id=kiosk)
    return balances(s, lot.code)


def writeoff(
    s: Session,
    code: str,
    qty: int,
    reason: WriteoffReason,
    kiosk: str | None,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    lot = get_lot(s, code, lock=True)
    b = balances(s, lot.code)
    have = b["kiosks"].get(kiosk, 0) if kiosk else b["store"]
    where = f"kiosk {kiosk}" if kiosk else "the store"
    if _qty(qty) > have:
        raise LotError(
            f"lot {lot.code} has {have} units in {where}, not {qty}",
            "lots.err_short_kiosk" if kiosk else "lots.err_short_store",
            have=have,
            qty=qty,
            kiosk=kiosk,
        )
    _move(s, lot.code, MoveKind.WRITEOFF, qty, actor, now, kiosk_id=kiosk, reason=reason)
    return balances(s, lot.code)


def trace(s: Session, code: str, with_member: bool) -> dict[str, Any]:
    """Every unit of a lot and its donor; the member of a hand-out only for managers."""
    from ledger.db import Hold

    lot = get_lot(s, code)
    giver = s.get(Donor, lot.donor_id)
    moves = []
    for m in s.scalars(
        select(LotMovement).where(LotMovement.lot_code == lot.code).order_by(LotMovement.id)
    ):
        row: dict[str, Any] = {
            "kind": m.kind.value,
            "qty": m.qty,
            "kiosk": m.kiosk_id,
            "locker": m.locker,
            "hold": m.hold_id,
            "actor": m.actor,
            "at": m.at.isoformat(),
            "reason": m.reason.value if m.reason else None,
        }
        if with_member and m.hold_id:
            hold = s.get(Hold, m.hold_id)
            row["member"] = hold.member_id if hold is not None else None
        moves.append(row)
    return {
        "lot": lot.code,
        "sku": lot.sku,
        "qty": lot.qty,
        "best_before": lot.best_before.isoformat(),
        "donor": {"name": giver.name, "kind": giver.kind.value} if giver else None,
        "received_at": lot.received_at.isoformat(),
        **balances(s, lot.code),
        "movements": moves,
    }


def reconcile(s: Session) -> list[dict[str, Any]]:
    """Per lot: intake = store + kiosks + handed out + written off, none negative."""
    rows = []
    for lot in s.scalars(select(Lot).order_by(Lot.received_at)):
        b = balances(s, lot.code)
        placed = b["store"] + sum(b["kiosks"].values()) + b["handed_out"] + b["written_off"]
        ok = (
            b["intake"] == lot.qty == placed
            and b["store"] >= 0
            and all(v >= 0 for v in b["kiosks"].values())
        )
        rows.append({"lot": lot.code, "ok": ok, **b, "qty": lot.qty})
    return rows


def expiring(s: Session, today: date, days: int) -> list[dict[str, Any]]:
    """Lots with units left whose best-before is within `days` (or passed: expired)."""
    if not 0 <= days <= MAX_DAYS:
        raise LotError(f"days must be 0 to {MAX_DAYS}")
    rows = []
    limit = today + timedelta(days=days)
    for lot in s.scalars(select(Lot).where(Lot.best_before <= limit).order_by(Lot.best_before)):
        b = balances(s, lot.code)
        left = b["store"] + sum(b["kiosks"].values())
        if left > 0:
            rows.append(
                {
                    "lot": lot.code,
                    "sku": lot.sku,
                    "best_before": lot.best_before.isoformat(),
                    "expired": lot.best_before < today,
                    "left": left,
                    "store": b["store"],
                    "kiosks": {k: v for k, v in b["kiosks"].items() if v},
                }
            )
    return rows


def donor_totals(s: Session) -> list[dict[str, Any]]:
    rows = []
    for giver in s.scalars(select(Donor).order_by(Donor.name)):
        lots = list(s.scalars(select(Lot).where(Lot.donor_id == giver.id)))
        rows.append(
            {
                "donor": giver.name,
                "kind": giver.kind.value,
                "lots": len(lots),
                "units": sum(lot.qty for lot in lots),
            }
        )
    rows.sort(key=lambda r: -int(r["units"]))
    return rows


class LotExpired(ApiError, ValueError):
    code, status = "lot_expired", 409
    default_message = "this lot is past its last day of sale"


def kiosk_view(s: Session, code: str, kiosk: str) -> dict[str, Any]:
    """GET /v1/kiosks/me/lots/{code}: the lot as the kiosk's restock page needs it."""
    from ledger.catalog import get_item

    try:
        lot = get_lot(s, code)
    except LotError as bad:
        raise UnknownLot(str(bad)) from None
    item = get_item(s, lot.sku)
    return {
        "lot": lot.code,
        "sku": lot.sku,
        "name": item.name_zh,
        "best_before": lot.best_before.isoformat(),
        "withdraw_days": settings.load(s).lot_withdraw_days,
        "at_kiosk": balances(s, lot.code)["kiosks"].get(kiosk, 0),
    }


def restock(
    s: Session, code: str, kiosk: str, locker: str, count: int, today: date, now: datetime
) -> dict[str, Any]:
    """A technician put units of the lot in a locker (`count`: now in it); inside the kiosk."""
    try:
        lot = get_lot(s, code)
    except LotError as bad:
        raise UnknownLot(str(bad)) from None
    withdraw = settings.load(s).lot_withdraw_days
    if today > lot.best_before - timedelta(days=withdraw):
        raise LotExpired(f"lot {lot.code} left sale {withdraw} days before {lot.best_before}")
    if not 0 <= count <= MAX_LOT_QTY:
        raise BadRequest(f"count must be 0 to {MAX_LOT_QTY}")
    _move(
        s, lot.code, MoveKind.RESTOCK, count, f"kiosk:{kiosk}", now, kiosk_id=kiosk, locker=locker
    )
    return {"lot": lot.code, "locker": locker, "count": count}


def record_handout(
    s: Session | Connection, text: str, hold_id: str, kiosk: str, now: datetime
) -> None:
    """A capture named a lot: a hand-out of the hold's one unit, in the capture's transaction
    (a Core connection on the money path); once per hold. An unknown or malformed code never
    blocks the capture: it is recorded as handout_unattributed with the code, for staff."""
    handed = (MoveKind.HANDOUT, MoveKind.HANDOUT_UNATTRIBUTED)
    done = select(LotMovement.id).where(
        LotMovement.hold_id == hold_id, LotMovement.kind.in_(handed)
    )
    if s.execute(done).first() is not None:
        return
    try:
        code = parse_code(text)
        known = s.execute(select(Lot.code).where(Lot.code == code)).first() is not None
    except LotError:
        code, known = text.strip()[:8], False
    s.execute(
        insert(LotMovement).values(
            lot_code=code,
            kind=MoveKind.HANDOUT if known else MoveKind.HANDOUT_UNATTRIBUTED,
            qty=1,
            actor=f"kiosk:{kiosk}",
            at=now,
            kiosk_id=kiosk,
            hold_id=hold_id,
        )
    )


def unattributed(s: Session) -> list[dict[str, Any]]:
    """Hand-outs whose capture named a lot code the ledger does not know, for staff."""
    query = select(LotMovement).where(LotMovement.kind == MoveKind.HANDOUT_UNATTRIBUTED)
    return [
        {"code": m.lot_code, "hold": m.hold_id, "kiosk": m.kiosk_id, "at": m.at.isoformat()}
        for m in s.scalars(query.order_by(LotMovement.id))
    ]
