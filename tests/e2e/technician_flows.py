"""The technician's visit tapped through the touch UI, against the REAL core, the diagnostics
desk, the embedded ledger and the simulated lock board (sim/site.py), in one headless Kivy process.

Run as `python -m tests.e2e.technician_flows DATA_DIR`; prints `RESULT <json>`.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from kiosk.ui.headless import use_offscreen_window

use_offscreen_window()

from kiosk.app import build  # noqa: E402
from kiosk.commands.run import SCREEN_SIZE, configure_window  # noqa: E402
from kiosk.core.config import load_config  # noqa: E402
from kiosk.core.technician import TechPage  # noqa: E402
from kiosk.core.view import SessionState  # noqa: E402
from kiosk.ui.testing import tap  # noqa: E402
from sim.site import SimulatedSite  # noqa: E402
from tests.diag.conftest import ledger_events  # noqa: E402
from tests.e2e.scripted import play, report, step_waiter  # noqa: E402

TAP_GAP_S = 1.1  # past a button's double-tap guard


def main(data_dir: str) -> int:
    configure_window(*SCREEN_SIZE)
    from kiosk.ui.kiosk_app import KioskApp

    out: dict[str, Any] = {}
    errors: list[str] = []
    with SimulatedSite(data_dir) as site:
        runtime = build(load_config(site.config_path))
        runtime.start()
        core = runtime.controller
        app = KioskApp(intents=core, language="en")
        core.subscribe(app.post)

        def view():
            return core.view

        def tech():
            return view().technician

        until = step_waiter(app, view, errors)

        def ready(test=lambda tv: True):
            return lambda: (
                view().state is SessionState.TECHNICIAN
                and not view().busy
                and tech() is not None
                and test(tech())
            )

        def screen():
            return app.screens.get_screen("technician")

        def page(p):
            return screen().pages[p]

        def badge_in(steps_ahead=0):
            site.scanner.present(site.phone_code("张师傅", at=time.time() + 30 * steps_ahead))
            yield until("the technician screens", ready(lambda tv: bool(tv.checks)))

        def go(tab, p):
            tap(screen().ids[tab])
            yield until(f"the {p.value} page", ready(lambda tv: tv.page is p))

        def flows():
            # 1. The badge opens the technician screens on the health page.
            yield from badge_in()
            out["screen"] = app.screens.current
            out["checks"] = {c.name: c.status for c in tech().checks}
            out["check_cells"] = len(page(TechPage.HEALTH).ids.checks.children)

            # 2. Lock test: tap a locker, it is pulsed once.
            yield from go("tab_locks", TechPage.LOCKS)
            before = site.cabinet.pulses(0, 3)
            button = next(b for b in page(TechPage.LOCKS).ids.lockers.children if b.locker == "0:3")
            tap(button)
            yield until("the locker opened", ready(lambda tv: tv.last_open is not None))
            out["pulses"] = site.cabinet.pulses(0, 3) - before
            out["open_message"] = screen().ids.message.text
            site.cabinet.close_door(0, 3)

            # 2b. A locker out of sale (a walk's "did not open", a jam): tapped open, then
            # "检修完成" clears its flag, and the ledger hears of it.
            runtime.journal.flag_for_inspection("0:3", "did not open in a lock walk by test")
            yield TAP_GAP_S
            tap(button)
            yield until("the flagged locker opened", ready(lambda tv: tv.message == "tech.opened"))
            locks = page(TechPage.LOCKS)
            out["inspected_shown"] = [locks.ids.inspected.opacity, locks.ids.inspected.text]
            out["inspect_info"] = locks.ids.info.text
            tap(locks.ids.inspected)
            yield until("inspected", ready(lambda tv: tv.message == "tech.inspected"))
            out["inspected_message"] = screen().ids.message.text
            out["flag_after"] = {s.locker: s.inspect for s in runtime.journal.lockers()}["0:3"]
            out["inspected_hidden"] = locks.ids.inspected.opacity
            site.cabinet.close_door(0, 3)

            # 2c. The lock walk says how far it is; stopped after the first locker.
            yield TAP_GAP_S
            tap(locks.ids.walk_all)
            yield until("the walk", ready(lambda tv: tv.walk is not None))
            out["walk_info"] = locks.ids.info.text
            tap(locks.ids.walk_stop)
            yield until("the walk stopped", ready(lambda tv: tv.walk is None))
            site.cabinet.close_door(0, 1)

            # 3. Restock: locker 0:1 (the first), two more items, saved and sent to the ledger.
            yield from go("tab_restock", TechPage.RESTOCK)
            start = tech().draft.count
            plus = next(w for w in page(TechPage.RESTOCK).walk() if getattr(w, "text", None) == "+")
            tap(plus)
            yield until("one more", ready(lambda tv: tv.draft.count == start + 1))
            yield TAP_GAP_S
            tap(plus)
            yield until("two more", ready(lambda tv: tv.draft.count == start + 2))
            tap(page(TechPage.RESTOCK).ids.save)
            yield until("the stock saved", ready(lambda tv: tv.message is not None))
            out["restock_message"] = screen().ids.message.text
            out["stock"] = {s.locker: s.count for s in runtime.journal.lockers()}["0:1"]
            out["stock_before"] = start
            snapshots = [e["data"] for e in ledger_events(site, "inventory")]
            out["ledger_stock"] = [
                line["count"] for line in snapshots[-1]["lockers"] if line.get("locker") == "0:1"
            ]

            # 4. Service off: once the technician leaves, members see out of service.
            yield from go("tab_service", TechPage.SERVICE)
            tap(page(TechPage.SERVICE).ids.reason_cleaning)
            yield until("out of service", ready(lambda tv: not tv.service.in_service))
            tap(screen().ids.exit)
            yield until("out of service", lambda: view().state is SessionState.OUT_OF_SERVICE)
            out["oos_screen"] = app.screens.current
            out["oos_reason"] = app.screens.get_screen("out_of_service").ids.reason.text

            # 5. Service on: back in service, exit to the attract screen.
            yield from badge_in(steps_ahead=1)
            yield TAP_GAP_S  # the service tab was tapped moments ago: a double-tap otherwise
            yield from go("tab_service", TechPage.SERVICE)
            tap(page(TechPage.SERVICE).ids.back)
            yield until("back in service", ready(lambda tv: tv.service.in_service))
            yield TAP_GAP_S
            tap(screen().ids.exit)
            yield until("the attract screen", lambda: view().state is SessionState.IDLE)
            out["idle_screen"] = app.screens.current
            actions = [e["data"]["action"] for e in ledger_events(site, "technician")]
            out["actions"] = actions
            out["members"] = sorted(
                {e["data"]["member"] for e in ledger_events(site, "technician")}
            )
            out["technician_id"] = site.member("张师傅")["member"]

        play(app, runtime, flows, errors)
    return report(out, errors)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
