"""KioskViews of every screen, as the core publishes them, for the UI scenarios (the technician's
are in tests/ui/tech_samples.py)."""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.steps import VendStep
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
from tests.ui.tech_samples import TECH_SAMPLES

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
    # A full pool's units kept for its organiser: one line, one tap, its lockers in turn.
    "reserved_pool": KioskView(
        state=SessionState.RESERVED,
        member_name=MEMBER,
        member_role="member",
        balance=40,
        reserved=(
            ReservedLine(
                "r4",
                "water",
                "矿泉水 24 瓶",
                "Bottled water, 24",
                0,
                "0:2",
                units=("r4", "r5", "r6", "r7"),
                lockers=("0:2", "0:5"),
            ),
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
    **TECH_SAMPLES,
    "out_of_service": KioskView(state=SessionState.OUT_OF_SERVICE, out_of_service="oos.ledger"),
}

# Which screen shows each sample view.
EXPECTED_SCREENS = {
    "attract": "attract",
    "identifying": "attract",
    "pin_pad": "pin_pad",
    "pairing": "pairing",
    "reserved": "reserved",
    "reserved_pool": "reserved",
    "catalog": "catalog",
    "confirm": "confirm",
    "confirm_full": "confirm",
    "vending": "vending",
    "result_ok": "result",
    "result_failure": "result",
    "result_mixed": "result",
    "result_awaiting_count": "result",
    **{name: "technician" for name in TECH_SAMPLES},
    "out_of_service": "out_of_service",
}
