"""KioskViews of every screen, as the core publishes them, for the UI scenarios."""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.steps import VendStep
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
from kiosk.core.view import (
    CartLine,
    ItemResult,
    KioskView,
    Offer,
    PairingView,
    ReservedLine,
    ResultView,
    SessionState,
    VendView,
)

MEMBER = "王秀英"
OFFERS = (
    Offer("tissues", "纸巾", "Tissues", 15, 4, "0:1", True),
    Offer("water", "矿泉水", "Bottled water", 20, 5, "0:2", True, "2027-01-31", False, 1),
    Offer("noodles", "挂面", "Noodles", 25, 2, "0:3", False, "2026-12-01", True),
    Offer("oil", "食用油", "Cooking oil", 60, 1, "0:4", False),
    Offer("rice", "大米 5 公斤", "Rice 5 kg", 80, 3, "0:5", False),
    Offer("soap", "肥皂", "Soap", 10, 0, "0:6", True),
)
WATER = CartLine("water", "矿泉水", "Bottled water", 20)
TISSUES = CartLine("tissues", "纸巾", "Tissues", 15)
BROWSING = KioskView(
    state=SessionState.BROWSING, member_name=MEMBER, balance=55, offers=OFFERS, cart=(WATER,)
)
EMPTY_CART = replace(BROWSING, cart=(), offers=tuple(replace(o, in_cart=0) for o in OFFERS))
CONFIRMING = replace(BROWSING, state=SessionState.CONFIRMING, cart=(WATER, TISSUES, WATER))
FULL_CART = (
    WATER,
    TISSUES,
    CartLine("soap", "肥皂", "Soap", 10),
    CartLine("noodles", "挂面", "Noodles", 5),
    CartLine("rice", "大米 5 公斤", "Rice 5 kg", 5),
)
CONFIRMING_FULL = replace(CONFIRMING, balance=80, cart=FULL_CART)
VENDING = replace(
    CONFIRMING,
    state=SessionState.VENDING,
    busy=True,
    vend=VendView("water", "矿泉水", "Bottled water", 20, "0:2", VendStep.DOOR_OPENED, 2, 3),
)
PAIRING = KioskView(
    state=SessionState.PAIRING,
    pairing=PairingView("pr_demo", "http://127.0.0.1:8000/pair/pr_3kX9vQ2mLw7a", 300.0),
)
MANY_OFFERS = tuple(
    Offer(f"item{i}", f"物品 {i}", f"Item {i}", 5, 1, f"0:{i}", True) for i in range(1, 11)
)
TAKEN = ItemResult("water", "矿泉水", "Bottled water", 20, "0:2", True, "result.taken")
JAMMED = ItemResult("oil", "食用油", "Cooking oil", 60, "0:4", False, "result.jammed")
UNCOUNTED = ItemResult(
    "water", "矿泉水", "Bottled water", 20, "0:2", False, "result.awaiting_count"
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
    sku_names=tuple((o.sku, o.name_zh, o.name_en) for o in sorted(OFFERS, key=lambda o: o.sku)),
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

SAMPLE_VIEWS: dict[str, KioskView] = {
    "attract": KioskView(
        state=SessionState.IDLE, notice="error.invalid_code", help_phone="010-6543 2100"
    ),
    "identifying": KioskView(state=SessionState.IDENTIFYING, busy=True),
    "pin_pad": KioskView(state=SessionState.PIN_ENTRY, notice="error.wrong_pin", attempts_left=3),
    "pairing": PAIRING,
    "reserved": KioskView(
        state=SessionState.RESERVED,
        member_name=MEMBER,
        member_role="member",
        balance=40,
        reserved=(
            ReservedLine("r1", "rice", "大米 5 公斤", "Rice 5 kg", 80, "0:5"),
            ReservedLine("r2", "water", "矿泉水", "Bottled water", 20, "0:2"),
            ReservedLine("r3", "oil", "食用油", "Cooking oil", 60, "0:4"),
        ),
    ),
    "catalog": BROWSING,
    "confirm": CONFIRMING,
    "confirm_full": CONFIRMING_FULL,
    "vending": VENDING,
    "result_ok": KioskView(
        state=SessionState.RESULT,
        member_name=MEMBER,
        result=ResultView(ok=True, message="result.taken", balance=35, items=(TAKEN,)),
    ),
    "result_failure": KioskView(
        state=SessionState.RESULT,
        member_name=MEMBER,
        result=ResultView(ok=False, message="result.no_coins_taken", balance=55),
    ),
    "result_mixed": KioskView(
        state=SessionState.RESULT,
        member_name=MEMBER,
        result=ResultView(
            # As the core builds it (kiosk/core/shopping.py _result): one item handed out.
            ok=False,
            message="result.partial",
            balance=35,
            items=(TAKEN, JAMMED),
            charged=20,
        ),
    ),
    "result_awaiting_count": KioskView(
        state=SessionState.RESULT,
        member_name=MEMBER,
        result=ResultView(
            ok=False, message="result.awaiting_count", balance=35, items=(UNCOUNTED,)
        ),
    ),
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
    "out_of_service": KioskView(state=SessionState.OUT_OF_SERVICE, out_of_service="oos.ledger"),
}

# Which screen shows each sample view.
EXPECTED_SCREENS = {
    "attract": "attract",
    "identifying": "attract",
    "pin_pad": "pin_pad",
    "pairing": "pairing",
    "reserved": "reserved",
    "catalog": "catalog",
    "confirm": "confirm",
    "confirm_full": "confirm",
    "vending": "vending",
    "result_ok": "result",
    "result_failure": "result",
    "result_mixed": "result",
    "result_awaiting_count": "result",
    "technician": "technician",
    "technician_locks": "technician",
    "technician_walk": "technician",
    "technician_restock": "technician",
    "technician_restock_lot": "technician",
    "technician_count": "technician",
    "technician_service": "technician",
    "out_of_service": "out_of_service",
}
