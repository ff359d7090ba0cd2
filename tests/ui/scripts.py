"""The scenario scripts (see tests/ui/scenarios.py): each drives the app on the Kivy clock and
fills `out` with what the tests check. Imported only inside the scenario process.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any

from kivy.app import App
from kivy.clock import Clock

from kiosk.core.view import KioskView, SessionState
from kiosk.ui import theme
from kiosk.ui.screenshot import take_screenshot
from kiosk.ui.testing import (
    button,
    find_offer_button,
    overflowing_labels,
    pin_key,
    screen,
    settled,
    smallest_text,
    tap,
    touch_targets,
)
from tests.ui.sample_views import (
    BROWSING,
    CONFIRMING,
    CONFIRMING_FULL,
    EMPTY_CART,
    MANY_OFFERS,
    OFFERS,
    PAIRING,
    SAMPLE_VIEWS,
    VENDING,
)

Script = Generator[Any, Any, None]
PAST_DEBOUNCE = 1.1
PAST_DIGIT_DEBOUNCE = 0.2


def frames(n: int = 2) -> Callable[[], bool]:
    """A step that waits `n` frames, then until the app has settled on its latest view."""
    target = Clock.frames_displayed + n
    return lambda: Clock.frames_displayed >= target and settled(App.get_running_app())


def taps_script(app: Any, intents: Any, args: dict, out: dict) -> Script:
    # Rice (too dear), soap (none left) and water on the first page (three items a page).
    o = EMPTY_CART.offers
    app.post(replace(EMPTY_CART, offers=(o[4], o[5], o[1], o[0], o[2], o[3])))
    yield frames()
    water = find_offer_button(app, "water")
    tap(water)
    tap(water)  # a double tap
    yield frames()
    out["after_double_tap"] = intents.acting()
    yield PAST_DEBOUNCE
    tap(find_offer_button(app, "rice"))  # cannot afford
    tap(find_offer_button(app, "soap"))  # none left
    yield frames()
    out["after_unavailable"] = intents.acting()
    out["checkout_disabled_on_empty_cart"] = button(app, "catalog", "checkout").disabled
    app.post(replace(BROWSING, busy=True))
    yield frames()
    tap(find_offer_button(app, "tissues"))  # ignored while busy
    yield frames()
    out["after_busy_tap"] = intents.acting()
    app.post(BROWSING)
    yield frames()
    out["cart_text"] = button(app, "catalog", "cart").text
    tap(button(app, "catalog", "checkout"))
    yield frames()
    out["after_checkout"] = intents.acting()[-1]
    yield PAST_DEBOUNCE
    tap(find_offer_button(app, "tissues"))
    tap(button(app, "catalog", "checkout"))  # another button at once: a new tap, not a double
    yield frames()
    out["item_then_checkout"] = intents.acting()[-2:]

    app.post(CONFIRMING)
    yield frames()
    confirm = screen(app, "confirm")
    out["confirm_total"] = confirm.ids.total.text
    out["confirm_after"] = confirm.ids.after.text
    rows = [w for w in confirm.ids.lines.children if hasattr(w, "sku")]
    out["cart_rows"] = sorted(row.text for row in rows)
    tap(next(r for r in rows if r.sku == "water").ids.remove_button)
    yield frames()
    out["after_remove"] = intents.acting()[-1]
    yield PAST_DEBOUNCE
    tap(confirm.ids.confirm)
    tap(confirm.ids.confirm)  # a double tap never buys twice
    yield frames()
    out["confirms"] = intents.acting().count(["confirm"])
    yield PAST_DEBOUNCE
    tap(confirm.ids.back)
    yield frames()
    out["after_confirm_back"] = intents.acting()[-1]

    app.post(KioskView(state=SessionState.PIN_ENTRY))
    yield frames()
    pad = screen(app, "pin_pad")
    for digit in "123":
        tap(pin_key(app, digit))
        yield PAST_DIGIT_DEBOUNCE
    out["ok_disabled_at_3_digits"] = pad.ids.ok.disabled
    out["dots_at_3_digits"] = pad.ids.dots.text
    for digit in "47":
        tap(pin_key(app, digit))
        yield PAST_DIGIT_DEBOUNCE
    tap(pad.ids.backspace_key)
    tap(pin_key(app, "9"))
    yield frames()
    tap(pad.ids.ok)
    yield frames()
    out["after_pin"] = intents.acting()[-1]
    out["touched_by_digits"] = intents.calls.count(["touched"])
    app.post(KioskView(state=SessionState.PIN_ENTRY, notice="error.wrong_pin", attempts_left=2))
    yield frames()
    out["wrong_pin_notice"] = pad.ids.status.text
    out["pin_after_wrong"] = pad.pin

    app.post(PAIRING)
    yield frames()
    pairing = screen(app, "pairing")
    out["qr_data"] = pairing.ids.qr.data
    out["qr_texture"] = list(pairing.ids.qr._texture.size) if pairing.ids.qr._texture else None
    out["pairing_status"] = pairing.ids.status.text
    tap(pairing.ids.back)
    yield frames()
    out["after_pairing_back"] = intents.acting()[-1]

    app.post(KioskView(state=SessionState.IDLE))
    yield frames()
    attract = screen(app, "attract")
    tap(attract.ids.phone)
    yield frames()
    out["after_phone"] = intents.acting()[-1]

    app.post(SAMPLE_VIEWS["result_ok"])
    yield frames()
    done = button(app, "result", "done")
    tap(done)
    tap(done)
    yield frames()
    out["finishes"] = intents.acting().count(["finish"])

    app.post(BROWSING)
    yield frames()
    tap(button(app, "catalog", "cancel"))
    yield frames()
    out["after_cancel"] = intents.acting()[-1]

    app.post(KioskView(state=SessionState.IDLE))
    yield frames()
    out["language_before"] = app.language
    tap(attract.ids.language)
    yield frames()
    out["language_after"] = app.language
    out["title_after"] = attract.ids.title.text
    # More items than fit on a page: the next-page button shows the rest.
    app.post(replace(EMPTY_CART, offers=MANY_OFFERS))
    yield frames()
    catalog = screen(app, "catalog")
    out["pages"] = catalog.pages
    for _page in range(3):  # three items a page: item10 is on the fourth
        tap(catalog.ids.next)
        yield frames()
        yield PAST_DEBOUNCE
    tap(find_offer_button(app, "item10"))
    yield frames()
    out["after_next_page"] = intents.acting()[-1]
    out["language_during_visit"] = app.language
    app.post(KioskView(state=SessionState.IDLE))
    yield frames()
    out["language_after_visit"] = app.language


def thread_script(app: Any, intents: Any, args: dict, out: dict) -> Script:
    def worker() -> None:
        for view in (SAMPLE_VIEWS["identifying"], BROWSING, VENDING):
            app.post(view)
            time.sleep(0.02)

    out["main_thread_shows"] = []
    original_show = app.show

    def show(view: KioskView) -> None:
        out["main_thread_shows"].append(threading.current_thread() is threading.main_thread())
        original_show(view)

    app.show = show
    thread = threading.Thread(target=worker)
    thread.start()
    yield lambda: not thread.is_alive()
    yield frames()
    out["screen"] = app.screens.current
    out["locker_text"] = screen(app, "vending").ids.locker.text
    out["count_text"] = screen(app, "vending").ids.count.text
    out["state"] = app.view.state.value


def screenshots_script(app: Any, intents: Any, args: dict, out: dict) -> Script:
    """Every sample view in each language: a PNG, its screen, its touch targets in mm, and
    the labels whose text does not fit."""
    width, height = args["size"]
    per_mm = theme.px_per_mm(width, height, args.get("diagonal", 7.0))
    tag = f"{width}x{height}" + ("_large" if args.get("large") else "")
    out.update(files={}, screens={}, smallest_mm={}, overflow={}, text_mm={})
    names = args.get("views") or list(SAMPLE_VIEWS)
    for language in args.get("languages", ["zh", "en"]):
        app.set_language(language)
        for name in names:
            app.post(SAMPLE_VIEWS[name])
            yield frames(3)
            key = f"{name}_{language}"
            current = app.screens.current_screen
            targets = touch_targets(current)
            if targets:
                label, w, h = min(targets, key=lambda x: min(x[1], x[2]))
                out["smallest_mm"][key] = [label, round(min(w, h) / per_mm, 1)]
            out["overflow"][key] = overflowing_labels(current)
            out["text_mm"][key] = smallest_text(current, per_mm)
            if name == "attract":  # the office's help line where a stuck member looks first
                out.setdefault("attract_help", {})[language] = current.ids.help.text
            path = os.path.join(args["out"], f"{name}_{language}_{tag}.png")
            saved: list[str] = []
            take_screenshot(path, saved.append)
            yield lambda saved=saved: bool(saved)
            out["files"][key] = saved[0]
            out["screens"][key] = app.screens.current


def wrapped_script(app: Any, intents: Any, args: dict, out: dict) -> Script:
    app.post(EMPTY_CART)
    yield frames()
    tap(find_offer_button(app, "tissues"))
    yield frames()
    out["screens_width"] = app.screens.width
    out["font_body"] = app.font_body


def cells_script(app: Any, intents: Any, args: dict, out: dict) -> Script:
    """The catalog's and the cart's cards are kept between renders (screens/base.py GridCells):
    the grid grows and shrinks with the view, and a kept card shows the latest view."""
    from kiosk.ui.screens.catalog import OfferButton
    from kiosk.ui.screens.confirm import CartRow

    def cards(screen_name: str, grid_id: str, kind: type) -> list[Any]:
        grid = screen(app, screen_name).ids[grid_id]
        return [w for w in grid.children[::-1] if isinstance(w, kind)]

    app.post(replace(EMPTY_CART, offers=MANY_OFFERS))  # a full page of three
    yield frames()
    out["many"] = [b.sku for b in cards("catalog", "grid", OfferButton)]
    first = cards("catalog", "grid", OfferButton)[0]
    app.post(replace(EMPTY_CART, offers=OFFERS[:2]))  # two items: a smaller grid
    yield frames()
    grid = screen(app, "catalog").ids.grid
    out["two"] = [b.sku for b in cards("catalog", "grid", OfferButton)]
    out["two_shape"] = [grid.cols, grid.rows, len(grid.children)]
    out["first_kept"] = cards("catalog", "grid", OfferButton)[0] is first
    app.post(BROWSING)  # six items (three on the first page), water in the cart
    yield frames()
    water = find_offer_button(app, "water")
    out["six"] = [b.sku for b in cards("catalog", "grid", OfferButton)]
    out["water"] = [water.mark_text, water.detail_text, water.in_cart]
    screen(app, "catalog").turn_page(1)
    yield frames()
    out["oil_disabled"] = find_offer_button(app, "oil").disabled  # 60 coins, 55 left
    app.post(CONFIRMING_FULL)
    yield frames()
    out["full_cart"] = [r.sku for r in cards("confirm", "lines", CartRow)]
    app.post(CONFIRMING)
    yield frames()
    out["short_cart"] = [r.text for r in cards("confirm", "lines", CartRow)]


def elder_script(app: Any, intents: Any, args: dict, out: dict) -> Script:
    """Elder mode from the attract screen's button: sizes, colours, page size, spoken prompts
    (through Kivy's SoundLoader on the rendered WAV files), and back to normal after the visit."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")  # no sound card on a test machine
    from kivy.core.audio import SoundLoader

    from kiosk.ui.voice import VoicePrompts

    asked: list[str] = []
    lengths: list[float] = []

    def load(path: str) -> Any:
        asked.append(os.path.basename(path))
        sound = SoundLoader.load(path)
        lengths.append(float(sound.length) if sound is not None else 0.0)
        return sound

    app.voice = VoicePrompts(args["voice_dir"], args.get("voice", True), load=load)
    app.post(KioskView(state=SessionState.IDLE))
    yield frames()
    attract = screen(app, "attract")
    out["before"] = [app.large_text, app.font_small, attract.ids.elder.text]
    tap(attract.ids.elder)
    yield frames()
    out["after_tap"] = [app.large_text, app.font_small, attract.ids.elder.text]
    out["colours"] = [list(app.text_color), list(app.background)]
    for view in (
        KioskView(state=SessionState.PIN_ENTRY),
        EMPTY_CART,
        EMPTY_CART,  # the same step again: said once
        CONFIRMING,
        VENDING,
        SAMPLE_VIEWS["result_ok"],
    ):
        app.post(view)
        yield frames()
        if view is EMPTY_CART:
            catalog = screen(app, "catalog")
            out["page"] = [
                catalog.pages,
                len([w for w in catalog.ids.grid.children if getattr(w, "sku", "")]),
            ]
    out["asked"] = list(asked)
    out["lengths"] = list(lengths)
    app.post(KioskView(state=SessionState.IDLE))  # the visit ends
    yield frames()
    out["after_visit"] = [app.large_text, attract.ids.elder.text]
    app.post(EMPTY_CART)  # a new visit in the default mode: silent
    yield frames()
    out["asked_after_visit"] = asked[len(out["asked"]) :]


SCRIPTS = {
    "elder": elder_script,
    "cells": cells_script,
    "wrapped": wrapped_script,
    "taps": taps_script,
    "thread": thread_script,
    "screenshots": screenshots_script,
}
