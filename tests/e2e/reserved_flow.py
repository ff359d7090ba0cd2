"""A reservation made on the ledger (as the member's phone makes it) collected at the kiosk
through the touch UI, against the REAL core, the embedded ledger and the simulated lock board,
in one headless Kivy process: sign-in shows "您预约的物品" first, one tap opens its locker.

Run as `python -m tests.e2e.reserved_flow DATA_DIR`; prints `RESULT <json>`. Screenshots go to
$KIOSK_SCREENSHOTS, else to DATA_DIR.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.ui.headless import use_offscreen_window

use_offscreen_window()

from kiosk.app import build  # noqa: E402
from kiosk.commands.run import SCREEN_SIZE, configure_window  # noqa: E402
from kiosk.core.config import load_config  # noqa: E402
from kiosk.core.steps import VendStep  # noqa: E402
from kiosk.core.view import SessionState  # noqa: E402
from kiosk.ui.screenshot import take_screenshot  # noqa: E402
from kiosk.ui.testing import find_widget, tap  # noqa: E402
from sim.site import SimulatedSite  # noqa: E402
from tests.e2e.scripted import play, report, step_waiter  # noqa: E402


def ledger_do(site: SimulatedSite, work: Any) -> Any:
    """Work on the ledger's book, as its phone pages do (the test's side, not the kiosk's)."""
    from ledger.cli import with_book

    return with_book(site.ledger.db_url, work)


def main(data_dir: str) -> int:
    configure_window(*SCREEN_SIZE)
    from kiosk.ui.kiosk_app import KioskApp
    from ledger import reservations

    shots = Path(os.environ.get("KIOSK_SCREENSHOTS") or data_dir)
    shots.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"shots": []}
    errors: list[str] = []
    with SimulatedSite(data_dir) as site:
        runtime = build(load_config(site.config_path))
        runtime.start()
        core = runtime.controller
        app = KioskApp(intents=core, language="zh")
        core.subscribe(app.post)
        wang = site.member("王阿姨")["member"]
        kiosk = site.demo["kiosk"]

        def view():
            return core.view

        until = step_waiter(app, view, errors)

        def shot(name: str) -> Any:
            done: list[str] = []
            take_screenshot(str(shots / f"{name}.png"), done.append)
            out["shots"].append(str(shots / f"{name}.png"))
            return lambda: bool(done)

        def reported() -> bool:  # the kiosk's first inventory report reached the ledger
            found = ledger_do(site, lambda s: reservations.available(s, datetime.now(UTC)))
            return any(x.sku == "rice" and x.available for x in found)

        def flows():
            yield until("the kiosk's inventory report", reported)
            now, ttl = datetime.now(UTC), timedelta(hours=24)
            made = {
                sku: ledger_do(
                    site, lambda s, sku=sku: reservations.reserve(s, wang, kiosk, sku, now, ttl).id
                )
                for sku in ("rice", "water")
            }
            out["held"] = 120 - site.balance(wang)
            site.scanner.present(site.phone_code("王阿姨"))
            yield until("the reserved items", lambda: view().state is SessionState.RESERVED)
            screen = app.screens.get_screen("reserved")
            out["screen"] = app.screens.current
            out["title"] = screen.ids.title.text
            out["hint"] = screen.ids.status.text
            out["rows"] = [
                [w.text, w.collect_text]
                for w in screen.walk()
                if type(w).__name__ == "ReservedRow" and w.reservation
            ]
            yield shot("kiosk-reserved-zh")
            row = find_widget(screen, lambda w: getattr(w, "reservation", None) == made["rice"])
            assert row is not None
            button = find_widget(row, lambda w: type(w).__name__ == "KioskButton")
            tap(button)
            yield until(
                "the open door",
                lambda: view().vend is not None and view().vend.step is VendStep.DOOR_OPENED,
            )
            out["vending_locker"] = app.screens.get_screen("vending").ids.locker.text
            site.cabinet.take_item(0, 3)
            site.cabinet.close_door(0, 3)
            yield until("the result", lambda: view().state is SessionState.RESULT)
            out["result"] = {
                "ok": view().result.ok,
                "message": app.screens.get_screen("result").ids.message.text,
                "paid_in_all": 120 - site.balance(wang),
                "pulses": site.cabinet.pulses(0, 3),
            }
            yield shot("kiosk-reserved-collected-zh")
            rows = ledger_do(site, lambda s: reservations.of_member(s, wang, datetime.now(UTC)))
            out["statuses"] = {r["name_en"]: r["status"] for r in rows}

        play(app, runtime, flows, errors)
    return report(out, errors)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
