"""The fleet as staff watch it: each kiosk's last contact, in or out of service, its faults and
door alarms, its stock per locker with best-before dates, and the items near or past their
date across every kiosk. Read from what kiosks report (ledger.events), never from a kiosk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.audit import OFFICE_TZ
from ledger.db import CatalogItem, EventKind, Hold, Kiosk, KioskEvent, KioskSession

NEAR_EXPIRY_DAYS = 7  # as the kiosks' own inventory.best_before_warning_days default
SILENT_AFTER = timedelta(hours=24)  # no word from a kiosk for this long is an alert
RECENT_FAULTS = timedelta(days=7)
MAX_FAULTS_SHOWN = 5


@dataclass(frozen=True)
class FleetQuery:
    now: datetime
    near_days: int = NEAR_EXPIRY_DAYS
    tz: ZoneInfo = OFFICE_TZ

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def local(self, moment: datetime) -> str:
        """`moment` as the office's clock shows it."""
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")


def _latest(s: Session, kiosk_id: str, kind: EventKind) -> KioskEvent | None:
    return s.scalar(
        select(KioskEvent)
        .where(KioskEvent.kiosk_id == kiosk_id, KioskEvent.kind == kind)
        .order_by(KioskEvent.id.desc())
        .limit(1)
    )


def _last_contact(s: Session) -> dict[str, datetime]:
    """Per kiosk, the newest of its events, sessions and holds: the last time it called."""
    newest: dict[str, datetime] = {}
    for column, key in (
        (KioskEvent.received_at, KioskEvent.kiosk_id),
        (KioskSession.created_at, KioskSession.kiosk_id),
        (Hold.created_at, Hold.kiosk_id),
    ):
        for kiosk_id, at in s.execute(select(key, func.max(column)).group_by(key)):
            if at is not None and (kiosk_id not in newest or at > newest[kiosk_id]):
                newest[kiosk_id] = at
    return newest


def _best_before(raw: Any) -> date | None:
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None  # a kiosk's odd date is shown as it came, never judged


def _stock(s: Session, kiosk: Kiosk, q: FleetQuery, names: dict[str, tuple[str, str]]) -> Any:
    event = _latest(s, kiosk.id, EventKind.INVENTORY)
    lockers = event.data.get("lockers") if event is not None else None
    rows = []
    for raw in lockers if isinstance(lockers, list) else []:
        if not isinstance(raw, dict):
            continue
        sku = str(raw.get("sku") or "")
        raw_count = raw.get("count")
        count = raw_count if isinstance(raw_count, int) and not isinstance(raw_count, bool) else 0
        best_before = _best_before(raw.get("best_before"))
        state = "ok"
        if count > 0 and best_before is not None:
            if best_before < q.today:
                state = "expired"
            elif best_before <= q.today + timedelta(days=q.near_days):
                state = "near_expiry"
        rows.append(
            {
                "locker": str(raw.get("locker", "")),
                "sku": sku,
                "name": {"zh": names.get(sku, (sku, sku))[0], "en": names.get(sku, (sku, sku))[1]},
                "count": count,
                "best_before": raw.get("best_before") or "",
                "days_left": (best_before - q.today).days if best_before else None,
                "inspect": raw.get("inspect"),
                "state": state,
            }
        )
    reported = q.local(event.at) if event is not None else None
    return rows, reported


def _service(s: Session, kiosk: Kiosk, q: FleetQuery) -> dict[str, Any]:
    event = _latest(s, kiosk.id, EventKind.SERVICE)
    if event is None:
        return {"in_service": True, "reason": "", "since": None}
    data = event.data
    return {
        "in_service": data.get("mode") != "out_of_service",
        "reason": str(data.get("reason") or ""),
        "since": q.local(event.at),
    }


def _door(s: Session, kiosk: Kiosk, q: FleetQuery) -> dict[str, Any] | None:
    """The service door as last reported: open is an alarm until it is reported shut."""
    event = _latest(s, kiosk.id, EventKind.ALARM)
    if event is None:
        return None
    return {
        "what": str(event.data.get("what") or ""),
        "open": event.data.get("open") is True,
        "at": q.local(event.at),
    }


def _faults(s: Session, kiosk: Kiosk, q: FleetQuery) -> list[dict[str, Any]]:
    events = s.scalars(
        select(KioskEvent)
        .where(
            KioskEvent.kiosk_id == kiosk.id,
            KioskEvent.kind == EventKind.FAULT,
            KioskEvent.at >= q.now - RECENT_FAULTS,
        )
        .order_by(KioskEvent.id.desc())
        .limit(MAX_FAULTS_SHOWN)
    )
    faults = [
        {"at": q.local(e.at), "what": str(e.data.get("what") or e.data.get("message") or "")}
        for e in events
    ]
    test = _latest(s, kiosk.id, EventKind.SELF_TEST)
    if test is not None and test.data.get("status") == "fail":
        failed = [
            str(c.get("name"))
            for c in test.data.get("checks") or []
            if isinstance(c, dict) and c.get("status") == "fail"
        ]
        faults.append({"at": q.local(test.at), "what": "self_test: " + ", ".join(failed)})
    return faults


def fleet(s: Session, q: FleetQuery) -> dict[str, Any]:
    """Every kiosk's state and stock, and the alerts across the fleet (revoked kiosks are
    listed but raise no alert)."""
    names = {i.sku: (i.name_zh, i.name_en) for i in s.scalars(select(CatalogItem))}
    contact = _last_contact(s)
    kiosks, alerts = [], []
    for kiosk in s.scalars(select(Kiosk).order_by(Kiosk.id)):
        stock, reported = _stock(s, kiosk, q, names)
        last = contact.get(kiosk.id)
        row = {
            "kiosk": kiosk.id,
            "name": kiosk.name,
            "location": kiosk.location,
            "revoked": kiosk.revoked_at is not None,
            "last_contact": q.local(last) if last else None,
            "silent": kiosk.revoked_at is None and (last is None or q.now - last > SILENT_AFTER),
            "service": _service(s, kiosk, q),
            "door": _door(s, kiosk, q),
            "faults": _faults(s, kiosk, q),
            "stock": stock,
            "stock_reported": reported,
        }
        kiosks.append(row)
        if row["revoked"]:
            continue
        alerts += [
            {"kiosk": kiosk.id, "kiosk_name": kiosk.name, **locker}
            for locker in stock
            if locker["state"] != "ok"
        ]
    alerts.sort(key=lambda a: (a["state"] != "expired", a["best_before"]))
    return {
        "today": q.today.isoformat(),
        "near_days": q.near_days,
        "kiosks": kiosks,
        "alerts": alerts,
    }
