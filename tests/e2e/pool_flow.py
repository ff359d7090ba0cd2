"""A pool of three members filled on their phones (the ledger's /m/ pages over HTTP), its organiser
collecting at the kiosk through the touch UI, against the REAL core, the embedded ledger (real
HTTP) and the simulated lock board, in one headless Kivy process: her sign-in shows the pool's
goods first ("您预约的物品", one line), one tap opens the locker for each bottle in turn.

Run as `python -m tests.e2e.pool_flow DATA_DIR`; prints `RESULT <json>`. Screenshots go to
$KIOSK_SCREENSHOTS, else to DATA_DIR.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

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
from tests.e2e.reserved_flow import ledger_do  # noqa: E402
from tests.e2e.scripted import play, report, step_waiter  # noqa: E402

QUANTITY = 3  # bottles of water, 20 coins each; the demo cabinet holds 2, in locker 0:2


FIELD = re.compile(r'name="(csrf|once)" value="([^"]*)"')


def phone(site: SimulatedSite, member: str) -> requests.Session:
    """A member's phone browser, enrolled from its one-time link (the device cookie)."""
    from ledger.cli import call

    argv = ["--db", site.ledger.db_url, "member", "enrol", member]
    link = call([*argv, "--public-url", site.ledger.url])
    browser = requests.Session()
    assert browser.get(link["url"], timeout=30).status_code == 200
    return browser


def post_form(
    site: SimulatedSite, browser: requests.Session, page: str, to: str, **data: Any
) -> str:
    """Open `page`, post its form (its CSRF and one-use tokens) to `to`; where it led."""
    shown = browser.get(site.ledger.url + page, timeout=30)
    assert shown.status_code == 200, shown.text[-500:]
    form = {**dict(FIELD.findall(shown.text)), **{k: str(v) for k, v in data.items()}}
    done = browser.post(site.ledger.url + to, data=form, timeout=30, allow_redirects=False)
    assert done.status_code == 303, done.text[-500:]
    return str(done.headers["location"])


def fill_pool(site: SimulatedSite) -> tuple[str, list[str]]:
    """On their phones, over HTTP: 王阿姨 starts the pool; 李伯伯, 赵大姐 and she give."""
    from ledger import members

    wang, li = site.member("王阿姨")["member"], site.member("李伯伯")["member"]
    zhao = ledger_do(site, lambda s: members.add_member(s, "赵大姐", coins=100).id)
    phones = {m: phone(site, m) for m in (wang, li, zhao)}
    started = post_form(
        site, phones[wang], "/m/pools/new", "/m/pools", sku="water", quantity=QUANTITY
    )
    pool = started.split("?")[0].rsplit("/", 1)[-1]
    page = f"/m/pools/{pool}"
    said = [
        post_form(site, phones[giver], page, page + "/pledge", coins=coins)
        for giver, coins in ((li, 10), (zhao, 30), (wang, 20))
    ]
    assert said[-1].endswith("?done=filled"), said
    return pool, [wang, li, zhao]


def main(data_dir: str) -> int:
    configure_window(*SCREEN_SIZE)
    from kiosk.ui.kiosk_app import KioskApp
    from ledger import pool_views, pools, reservations

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
            return any(x.sku == "water" and x.available for x in found)

        def pool_now(pool: str) -> dict[str, Any]:
            now = datetime.now(UTC)
            return ledger_do(
                site, lambda s: pool_views.describe(s, pools.locked(s, pool, now), now)
            )

        def door_open(n: int) -> bool:
            """Bottle n's door is open. By number: the next bottle's door is the same locker,
            and the kiosk may reopen it before this script looks again."""
            vend = view().vend
            return vend is not None and vend.step is VendStep.DOOR_OPENED and vend.index == n

        def flows():
            yield until("the kiosk's inventory report", reported)
            pool, givers = fill_pool(site)
            balances = {m: site.balance(m) for m in givers}
            site.scanner.present(site.phone_code("王阿姨"))
            yield until("the pool's goods", lambda: view().state is SessionState.RESERVED)
            screen = app.screens.get_screen("reserved")
            out["title"], out["hint"] = screen.ids.title.text, screen.ids.status.text
            rows = [w for w in screen.walk() if type(w).__name__ == "ReservedRow" and w.reservation]
            out["rows"] = [[w.text, w.collect_text] for w in rows]
            yield shot("kiosk-pool-reserved-zh")
            tap(find_widget(rows[0], lambda w: type(w).__name__ == "KioskButton"))
            for n in (1, 2):
                yield until(f"the open door, bottle {n}", lambda n=n: door_open(n))
                vending = app.screens.get_screen("vending")
                out[f"vending_{n}"] = [
                    vending.ids.locker.text,
                    vending.ids.item.text,
                    vending.ids.count.text,
                ]
                if n == 1:
                    yield shot("kiosk-pool-vending-zh")
                site.cabinet.take_item(0, 2)
                site.cabinet.close_door(0, 2)
                if n == 1:  # the next bottle's door: the same locker, opened again
                    yield until("the door shut", lambda: not door_open(1))
            yield until("the result", lambda: view().state is SessionState.RESULT)
            result = view().result
            out["result"] = {
                "ok": result.ok,
                "charged": result.charged,
                "items": [[i.sku, i.handed_out, i.price] for i in result.items],
                "message": result.message,
                "pulses": site.cabinet.pulses(0, 2),
                "balances_kept": {m: site.balance(m) for m in givers} == balances,
            }
            yield shot("kiosk-pool-collected-zh")
            shown = pool_now(pool)
            out["pool"] = {k: shown[k] for k in ("state", "at_kiosks", "kept", "to_collect")}

        play(app, runtime, flows, errors)
    return report(out, errors)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
