"""The technician screen's sample views (TECHNICIAN), one per page and message, for the UI
scenarios; tests/ui/sample_views.py adds them to every screen's samples."""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.technician import (
    CheckLine,
    LockerLine,
    OpenedLocker,
    RestockDraft,
    ServiceLine,
    TechnicianView,
    TechPage,
    WalkView,
)
from kiosk.core.view import KioskView, SessionState

# The catalog's items (sample_views.OFFERS) by SKU, as the core names them to the technician.
SKU_NAMES = (
    ("noodles", "挂面", "Noodles"),
    ("oil", "食用油", "Cooking oil"),
    ("rice", "大米 5 公斤", "Rice 5 kg"),
    ("soap", "肥皂", "Soap"),
    ("tissues", "纸巾", "Tissues"),
    ("water", "矿泉水", "Bottled water"),
)
# A failure wrapped around another, as the Kerong driver raises it (kiosk/ui/tech_failure.py
# words both parts): two to three lines on the technician screen in either language.
LONG_FAILURE = (
    "unlock 0:1 not confirmed and NOT re-sent: /dev/timebank-locks: 12 bytes came back within"
    " 0.5 s but no valid frame was among them (02 00 31 03 36 02 00 31 03 36 ff ff)"
)
# A failure no pattern knows, shown as it came (in English on both screens).
LONG_UNKNOWN = (
    "ledger answered 502 Bad Gateway from the proxy in front of it after 3 retries over"
    " 9.8 s; the kiosk keeps the restock in its journal and sends it again when the ledger"
    " answers"
)

CHECKS = (  # as kiosk/diag/health.py words them
    CheckLine("ledger", "ok", "reachable, 12 ms", "http://127.0.0.1:8000"),
    CheckLine("clock", "ok", "+0.3 s"),
    CheckLine("lock board 0", "ok", "answers", "6 lockers closed"),
    CheckLine("scanner", "warn", "port opens", "/dev/timebank-scanner"),
    CheckLine("lights and buzzer", "ok", "cycled"),
    CheckLine("journal", "fail", "3 to settle, 1 refused, 0 undecided, 1 awaiting a count"),
    CheckLine("counts", "warn", "1 locker(s) to count"),
    CheckLine("lockers", "warn", "1 to inspect", "0:3: did not open in a lock walk"),
    CheckLine("events", "ok", "all sent"),
    CheckLine("service", "ok", "in service"),
    CheckLine("disk", "ok", "5,210 MB free"),
    CheckLine("key file", "warn", "mode 0644: open to every user"),
    CheckLine("version", "ok", "0.1.0"),
    CheckLine("uptime", "ok", "3 d 4 h 12 min"),
)
LOCKERS = (
    LockerLine("0:1", False, True, "tissues", 4, "2027-03-22"),
    LockerLine("0:2", True, True, "water", 5, "2027-01-31"),
    LockerLine("0:3", False, False, "noodles", 0, None, "did not open in a lock walk"),
    LockerLine("0:4", False, True, "oil", 1),
    LockerLine("0:5", None, None, "rice", 3, error="board 0 did not answer"),
    LockerLine("0:6", False, True, "soap", 2),
)
OPENED = OpenedLocker(
    "0:2", LockerLine("0:2", False, True), LockerLine("0:2", True, True), accepted=True
)
TECH_VIEW = TechnicianView(
    checks=CHECKS,
    lockers=LOCKERS,
    skus=("noodles", "oil", "rice", "soap", "tissues", "water"),
    sku_names=SKU_NAMES,
    last_open=OPENED,
    message="tech.opened",
    detail="0:2",
)
TECH = KioskView(
    state=SessionState.TECHNICIAN,
    member_name="张师傅",
    member_role="technician",
    technician=TECH_VIEW,
)

TECH_SAMPLES: dict[str, KioskView] = {
    "technician": TECH,
    "technician_locks": replace(TECH, technician=replace(TECH_VIEW, page=TechPage.LOCKS)),
    "technician_walk": replace(
        TECH,
        technician=replace(
            TECH_VIEW,
            page=TechPage.LOCKS,
            walk=WalkView(OPENED, ("0:3", "0:4", "0:5", "0:6"), (("0:1", "opened"),)),
        ),
    ),
    "technician_restock": replace(
        TECH,
        technician=replace(
            TECH_VIEW,
            page=TechPage.RESTOCK,
            draft=RestockDraft("0:2", "water", 6, "2027-01-31"),
            message="tech.sku_scanned",
            detail="water",
        ),
    ),
    "technician_restock_lot": replace(
        TECH,
        technician=replace(
            TECH_VIEW,
            page=TechPage.RESTOCK,
            draft=RestockDraft("0:3", "rice", 4, "2027-01-31", "L3K9QX2A", "大米 5kg"),
            message="tech.lot_scanned",
            detail="L3K9QX2A",
        ),
    ),
    "technician_count": replace(
        TECH,
        technician=replace(
            TECH_VIEW,
            page=TechPage.RESTOCK,
            lockers=(
                *LOCKERS[:1],
                LockerLine(
                    "0:2",
                    False,
                    True,
                    "water",
                    2,
                    None,
                    "count needed: vend 12 (recovered_unlocking_closed_uncounted)",
                    awaiting_vend=12,
                    expect_count=2,
                ),
                *LOCKERS[2:],
            ),
            draft=RestockDraft("0:2", "water", 1, None),
            message="tech.awaiting_count",
            detail="0:2",
            ok=False,
        ),
    ),
    "technician_service": replace(
        TECH,
        technician=replace(
            TECH_VIEW,
            page=TechPage.SERVICE,
            service=ServiceLine(False, "cleaning", "m1", "2026-05-01T09:00:00+00:00"),
            message="tech.out_of_service",
        ),
    ),
    # A long failure (two to four lines) where it happens: an unlock on the lock test page, a
    # restock the ledger refused on the restock page.
    "technician_failed": replace(
        TECH,
        technician=replace(
            TECH_VIEW, page=TechPage.LOCKS, message="tech.failed", detail=LONG_FAILURE, ok=False
        ),
    ),
    "technician_failed_unknown": replace(
        TECH,
        technician=replace(
            TECH_VIEW,
            page=TechPage.RESTOCK,
            draft=RestockDraft("0:2", "water", 6, "2027-01-31"),
            message="tech.failed",
            detail=LONG_UNKNOWN,
            ok=False,
        ),
    ),
}
