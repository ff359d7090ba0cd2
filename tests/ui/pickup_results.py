"""Pick-ups' results, as the core builds them (kiosk/core/collecting.py: `Pickup._item` for each
unit, `_result` for the visit), rendered on the result screen in both languages: a full pool's
units (paid when the pool filled, 0 coins each) and a phone reservation's (its coins held when
it was reserved), one unit, several, and some not handed out. What each part says and where it
sits, for tests/ui/test_pickup_results.py, and a PNG of each. Run as
`python -m tests.ui.pickup_results '{"out": DIR, "size": [800, 480]}'`.
"""

from __future__ import annotations

from typing import Any

from kiosk.core.collecting import Pickup, _result
from kiosk.core.reserved import Reservation
from kiosk.core.view import ItemResult, KioskView, ReservedLine, SessionState

PHONE = "010-6543 2100"
BALANCE = 120  # the spendable balance: as it was at sign-in, a pick-up moves none of it
WATER = 20


def unit(n: int, price: int, locker: str = "0:2") -> Reservation:
    return Reservation(f"r{n}", "m1", "water", price, f"h{n}", locker=locker, state="set_aside")


def line(price: int, count: int) -> ReservedLine:
    units = tuple(f"r{n}" for n in range(1, count + 1))
    return ReservedLine("r1", "water", "矿泉水", "Bottled water", price, "0:2", units, ("0:2",))


# What one unit's vend can end with: (its message, handed out, coins still held).
TAKEN = ("result.taken", True, False)
JAMMED = ("result.jammed", False, False)
NOT_TRIED = ("result.not_tried", False, False)
LEFT = ("result.not_taken", False, False)


def pickup(price: int, *outcomes: tuple[str, bool, bool]) -> KioskView:
    """The result of collecting a line of `len(outcomes)` units at `price` each."""
    whole = line(price, len(outcomes))
    items: list[ItemResult] = [
        Pickup._item(whole, unit(n, price), handed_out, message, held=held)
        for n, (message, handed_out, held) in enumerate(outcomes, start=1)
    ]
    return KioskView(
        state=SessionState.RESULT,
        member_name="王秀英",
        member_role="member",
        balance=BALANCE,
        result=_result(items, BALANCE),
        help_phone=PHONE,
    )


PICKUPS: dict[str, KioskView] = {
    "pool_one": pickup(0, TAKEN),
    "pool_two": pickup(0, TAKEN, TAKEN),
    "pool_four": pickup(0, TAKEN, TAKEN, TAKEN, TAKEN),
    "pool_partial": pickup(0, TAKEN, JAMMED, NOT_TRIED),
    "reserved_one": pickup(WATER, TAKEN),
    "reserved_two": pickup(WATER, TAKEN, TAKEN),
    "reserved_partial": pickup(WATER, TAKEN, LEFT),
}


def geometry(screen: Any) -> dict[str, Any]:
    """Where the result screen's parts sit (window px, y up: [bottom, height]), and an item
    line's height."""
    from kivy.app import App

    ids = screen.ids
    parts = {
        name: getattr(ids, name)
        for name in ("heading", "message", "item_box", "balance", "next_step")
    }
    boxes = {}
    for name, w in parts.items():
        _x, y = w.to_window(w.x, w.y)
        boxes[name] = [round(y), round(w.height)]
    line_height = App.get_running_app().font_body * 1.5  # an item line's, as fit_lines has it
    return {"boxes": boxes, "message_shown": bool(ids.message.text), "line_height": line_height}


def pickup_results_script(app: Any, intents: Any, args: dict, out: dict) -> Any:
    from tests.ui.result_variants import show_results

    def expected(view: Any) -> dict[str, Any]:
        r = view.result
        return {
            "ok": r.ok,
            "balance": r.balance,
            "items": [[i.price, i.handed_out, i.held] for i in r.items],
        }

    out.update(shown={}, overflow={}, geometry={}, expected={}, files={})
    for language in ("zh", "en"):
        app.set_language(language)
        yield from show_results(app, PICKUPS, language, args, out, "pickup", expected, geometry)


if __name__ == "__main__":
    import json
    import sys

    from tests.ui import scenarios  # sets up the headless window's environment only

    name, args = sys.argv[1], json.loads(sys.argv[2])  # scenarios.run_script's arguments
    from kivy.config import Config

    Config.set("graphics", "width", str(args["size"][0]))
    Config.set("graphics", "height", str(args["size"][1]))
    from tests.ui import scripts

    scripts.SCRIPTS["pickup_results"] = pickup_results_script
    sys.exit(scenarios.main(name, args))
