"""Every flow of a visit tapped through the touch UI, against the REAL core, the embedded ledger
and the simulated lock board (sim/site.py), in one headless Kivy process.

Run as `python -m tests.e2e.ui_flows DATA_DIR`; prints `RESULT <json>` (see test_ui_flows.py).
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from typing import Any

from kiosk.ui.headless import use_offscreen_window

use_offscreen_window()

from kiosk.app import build  # noqa: E402
from kiosk.commands.run import SCREEN_SIZE, configure_window  # noqa: E402
from kiosk.core.config import load_config  # noqa: E402
from kiosk.core.steps import VendStep  # noqa: E402
from kiosk.core.view import SessionState  # noqa: E402
from kiosk.ui.testing import button, find_offer_button, pin_key, show_offer, tap  # noqa: E402
from sim.site import SimulatedSite  # noqa: E402
from tests.e2e.scripted import play, report, step_waiter  # noqa: E402

PIN = "2468"
DOOR_OPEN_S = 4.0


def issue_card(site: SimulatedSite, member_id: str, pin: str) -> str:
    """A printed card for a demo member, as `timebank-ledger card issue` makes one."""
    from ledger.cards import issue_card as issue
    from ledger.db import Member, make_engine, session_factory

    engine = make_engine(site.ledger.db_url)
    try:
        with session_factory(engine)() as s, s.begin():
            member = s.get(Member, member_id)
            return issue(s, member, pin)[1]
    finally:
        engine.dispose()


def main(data_dir: str) -> int:
    configure_window(*SCREEN_SIZE)
    from kiosk.ui.kiosk_app import KioskApp

    out: dict[str, Any] = {}
    errors: list[str] = []
    with SimulatedSite(data_dir) as site:
        config = load_config(site.config_path)
        # A jammed door is given up on after a few seconds, not the site's 30.
        config = replace(config, vend=replace(config.vend, door_open_timeout=DOOR_OPEN_S))
        runtime = build(config)
        runtime.start()
        core = runtime.controller
        app = KioskApp(intents=core, language="zh")
        core.subscribe(app.post)

        def view():
            return core.view

        until = step_waiter(app, view, errors)

        def sign_in(name, steps_ahead=0):
            # Each TOTP step signs in once; a second visit soon after shows the next step's
            # code (the ledger accepts one step either side).
            site.scanner.present(site.phone_code(name, at=time.time() + 30 * steps_ahead))
            yield until("the catalog", lambda: view().state is SessionState.BROWSING)

        def buy(sku):
            tap(show_offer(app, sku))
            yield until(f"{sku} in the cart", lambda: any(c.sku == sku for c in view().cart))
            tap(button(app, "catalog", "checkout"))
            yield until("the confirm screen", lambda: view().state is SessionState.CONFIRMING)
            tap(button(app, "confirm", "confirm"))

        def finish():
            tap(button(app, "result", "done"))
            yield until("the attract screen", lambda: view().state is SessionState.IDLE)

        def flows():
            wang = site.member("王阿姨")["member"]
            li = site.member("李伯伯")["member"]

            # 1. Success: phone code, water into the cart, confirm, take it, close the door.
            before = site.balance(wang)
            yield from sign_in("王阿姨")
            yield from buy("water")
            yield until(
                "the open door",
                lambda: view().vend is not None and view().vend.step is VendStep.DOOR_OPENED,
            )
            out["vending_screen"] = app.screens.current
            out["vending_locker"] = app.screens.get_screen("vending").ids.locker.text
            site.cabinet.take_item(0, 2)
            site.cabinet.close_door(0, 2)
            yield until("the result", lambda: view().state is SessionState.RESULT)
            out["success"] = {
                "ok": view().result.ok,
                "message": app.screens.get_screen("result").ids.message.text,
                "paid": before - site.balance(wang),
            }
            yield from finish()

            # 2. Insufficient coins: 10 coins buy nothing; the items say so and cannot be added.
            yield from sign_in("李伯伯")
            tissues = find_offer_button(app, "tissues")
            out["poor"] = {"disabled": tissues.disabled, "note": tissues.note_text}
            tap(tissues)
            yield 1.0
            out["poor"]["cart"] = len(view().cart)
            out["poor"]["balance"] = site.balance(li)
            tap(button(app, "catalog", "cancel"))
            yield until("the attract screen", lambda: view().state is SessionState.IDLE)

            # 3. Jammed lock: the door never opens; no coins are taken.
            site.cabinet.jam(0, 1)
            before = site.balance(wang)
            yield from sign_in("王阿姨", steps_ahead=1)
            yield from buy("tissues")
            yield until("the result", lambda: view().state is SessionState.RESULT)
            out["jammed"] = {
                "ok": view().result.ok,
                "message": app.screens.get_screen("result").ids.message.text,
                "paid": before - site.balance(wang),
                "holds": [h["state"] for h in site.holds() if h["locker"] == "0:1"],
            }
            site.cabinet.jam(0, 1, jammed=False)
            yield from finish()

            # 4. Printed card: the PIN pad; a wrong PIN is said with the tries left; then in.
            site.scanner.present(issue_card(site, wang, PIN))
            yield until("the PIN pad", lambda: view().state is SessionState.PIN_ENTRY)
            out["pin_screen"] = app.screens.current
            for digit in "1357":
                tap(pin_key(app, digit))
                yield 0.2
            tap(button(app, "pin_pad", "ok"))
            yield until("the wrong-PIN notice", lambda: view().notice == "error.wrong_pin")
            out["wrong_pin"] = app.screens.get_screen("pin_pad").ids.status.text
            for digit in PIN:
                tap(pin_key(app, digit))
                yield 0.2
            yield 1.0  # past the OK button's double-tap guard
            tap(button(app, "pin_pad", "ok"))
            yield until("the catalog", lambda: view().state is SessionState.BROWSING)
            out["card_member"] = view().member_name

            # 5. Inactivity: nobody touches the catalog; the visit ends by itself.
            core.visit.timeouts = replace(core.visit.timeouts, idle=1.0)
            core.touched()  # what any touch sends: the idle timer restarts, now with 1 s
            yield until("the attract screen", lambda: view().state is SessionState.IDLE)
            out["idle_screen"] = app.screens.current

            # 6. Ledger down: the kiosk says it is out of service.
            site.ledger.stop()
            runtime.health.check_now()
            yield until("out of service", lambda: view().state is SessionState.OUT_OF_SERVICE)
            out["oos_screen"] = app.screens.current
            out["oos_reason"] = app.screens.get_screen("out_of_service").ids.reason.text

        play(app, runtime, flows, errors)
    return report(out, errors)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
