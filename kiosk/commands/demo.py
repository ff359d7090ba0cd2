"""`kiosk demo`: one scripted visit on the simulated site, headless, through the real kiosk.

A demo member's phone code goes into the simulated scanner's pty; the item is put in the cart
with a tap on the catalog, checked out and confirmed with taps; the lock board simulator opens
the locker; the simulated visitor takes
the item and shuts the door; the debit is captured. Every screen passed is saved as a PNG.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.core.interfaces import LockerAddress
from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView, SessionState
from kiosk.ui.headless import use_offscreen_window

MEMBER = "王阿姨"
SKU = "water"
STEP_TIMEOUT = 30.0


class DemoFailed(RuntimeError):
    """A step of the scripted visit did not happen in time."""


class ViewWatcher:
    """Collects the controller's views so the script can wait for one (any thread)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.views: list[KioskView] = []

    def __call__(self, view: KioskView) -> None:
        with self._cond:
            self.views.append(view)
            self._cond.notify_all()

    def wait_for(self, what: str, test: Callable[[KioskView], bool]) -> KioskView:
        with self._cond:
            ok = self._cond.wait_for(
                lambda: bool(self.views) and test(self.views[-1]), timeout=STEP_TIMEOUT
            )
            if not ok:
                last = self.views[-1] if self.views else None
                raise DemoFailed(f"waited {STEP_TIMEOUT:.0f} s for {what}; last view: {last}")
            return self.views[-1]


def run_demo(out: str, as_json: bool = False, language: str = "zh", keep: bool = False) -> int:
    """Run the scripted visit; its data folder (a ledger with member secrets, a config with a
    kiosk key) is removed afterwards, pass or fail, unless `keep`."""
    data_dir = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    try:
        return _visit(data_dir, out, as_json, language, keep)
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def _visit(data_dir: Path, out: str, as_json: bool, language: str, keep: bool) -> int:
    use_offscreen_window()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    say: Callable[[str], None] = (lambda _m: None) if as_json else (lambda m: print(m, flush=True))

    from kiosk.app import build
    from kiosk.commands.run import SCREEN_SIZE, configure_window
    from kiosk.core.config import load_config
    from sim.site import SimulatedSite

    configure_window(*SCREEN_SIZE)
    from kivy.clock import Clock

    from kiosk.ui import testing
    from kiosk.ui.kiosk_app import KioskApp
    from kiosk.ui.screenshot import take_screenshot

    summary: dict[str, Any] = {"data": str(data_dir)} if keep else {}
    failure: list[BaseException] = []
    with SimulatedSite(data_dir) as site:
        runtime = build(load_config(site.config_path))
        runtime.start()
        app = KioskApp(intents=runtime.controller, language=language)
        watcher = ViewWatcher()
        runtime.controller.subscribe(watcher)
        runtime.controller.subscribe(app.post)

        def on_main(fn: Callable[[], Any]) -> Any:
            """Run `fn` on the Kivy thread and wait for its result."""
            done = threading.Event()
            box: list[Any] = []

            def call(_dt: float) -> None:
                try:
                    box.append(fn())
                finally:
                    done.set()

            Clock.schedule_once(call, 0.3)  # after the last posted view has been laid out
            if not done.wait(STEP_TIMEOUT):
                raise DemoFailed(f"the UI thread did not run {fn}")
            return box[0] if box else None

        shots: list[str] = []

        def shot(name: str) -> None:
            path = str(out_dir / f"{len(shots) + 1:02d}-{name}.png")
            saved = threading.Event()
            on_main(lambda: take_screenshot(path, on_done=lambda _p: saved.set()))
            if not saved.wait(STEP_TIMEOUT):
                raise DemoFailed(f"screenshot {path} was not saved")
            shots.append(path)
            say(f"  screenshot {path}")

        def visit() -> None:
            try:
                member = site.member(MEMBER)
                watcher.wait_for("the attract screen", lambda v: v.state is SessionState.IDLE)
                say(f"1. the kiosk shows the attract screen ({runtime.config.name})")
                shot("attract")
                site.present_phone(MEMBER)
                say(f"2. {member['name']} shows the phone code to the scanner")
                v = watcher.wait_for("the catalog", lambda v: v.state is SessionState.BROWSING)
                balance_before = v.balance
                offer = next(o for o in v.offers if o.sku == SKU)
                say(f"   signed in: balance {balance_before} coins, {len(v.offers)} items offered")
                shot("catalog")
                on_main(lambda: testing.tap(testing.show_offer(app, SKU)))
                say(f"3. taps {offer.name_en} ({offer.price} coins): it goes into the cart")
                watcher.wait_for("the item in the cart", lambda v: len(v.cart) == 1)
                on_main(lambda: testing.tap(testing.button(app, "catalog", "checkout")))
                v = watcher.wait_for(
                    "the confirm screen", lambda v: v.state is SessionState.CONFIRMING
                )
                say(f"   confirm screen: total {v.cart_total}, balance after {v.balance_after}")
                shot("confirm")
                on_main(lambda: testing.tap(testing.button(app, "confirm", "confirm")))
                say(f"   confirms; locker {offer.locker} is to open")
                watcher.wait_for(
                    "the locker door to open",
                    lambda v: v.vend is not None and v.vend.step is VendStep.DOOR_OPENED,
                )
                say(f"4. coins held, locker {offer.locker} unlocked, its door sprang open")
                shot("vending")
                at = LockerAddress.parse(offer.locker)
                if not site.cabinet.take_item(at.board, at.lock):
                    raise DemoFailed(f"the visitor could not take an item from {offer.locker}")
                site.cabinet.close_door(at.board, at.lock)
                say("5. the visitor takes the item and closes the door")
                v = watcher.wait_for("the result", lambda v: v.state is SessionState.RESULT)
                if v.result is None or not v.result.ok:
                    raise DemoFailed(f"the visit ended without handing out the item: {v.result}")
                shot("result")
                on_main(lambda: testing.tap(testing.find_done_button(app)))
                watcher.wait_for("the attract screen again", lambda v: v.state is SessionState.IDLE)
                balance_after = site.balance(member["member"])
                vends = runtime.journal.all_vends()
                say(f"6. debit captured: balance {balance_before} -> {balance_after} coins")
                summary.update(
                    member=member["member"],
                    balance_before=balance_before,
                    balance_after=balance_after,
                    sku=SKU,
                    price=offer.price,
                    locker=offer.locker,
                    screenshots=shots,
                    journal_state=vends[-1].state.value if vends else None,
                )
            except BaseException as e:  # reported after the app stops
                failure.append(e)
            finally:
                Clock.schedule_once(lambda _dt: app.stop(), 0)

        app.bind(on_start=lambda *_: threading.Thread(target=visit, daemon=True).start())
        try:
            app.run()
        finally:
            runtime.close()

    if keep:
        say(f"data kept in {data_dir} (a ledger with member secrets: remove it when done)")
    if failure:
        print(f"kiosk demo: FAILED: {failure[0]}", flush=True)
        return 1
    expected = summary["balance_before"] - summary["price"]
    ok = summary["balance_after"] == expected and summary["journal_state"] == "captured"
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print("visit completed" if ok else f"kiosk demo: FAILED: expected balance {expected}")
    return 0 if ok else 1
