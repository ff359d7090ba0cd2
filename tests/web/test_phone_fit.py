"""Every phone page an enrolled member can reach, on a cheap Android phone inside WeChat as
headless Chromium emulates it (tests/web/cheap_phone.py), in Chinese and in English: nothing
scrolls sideways, text is large, every target is a thumb's size, and the code page's QR code is
all on screen and read off a screenshot signs in. The pages come from the ledger's own routes,
so a new /m/ page fails here until it is added to PAGES."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ledger import book, catalog, gifts, kiosks, pools, reservations
from ledger.api import create_app
from ledger.cli import call, with_book
from tests.web.cheap_phone import (
    VIEWPORT,
    as_the_phone,
    emulate,
    full_page,
    problems,
    qr_in_view,
)
from tests.web.conftest import Console, report_stock
from tests.web.test_phone import read_qr, shown_code, sign_in

# Each GET route under /m/ and the addresses that show its pages to the member of Bank below
# (its fields fill the braces): every state of a page the member meets on the way.
PAGES: dict[str, list[str]] = {
    "/m/enrol/{token}": ["{link}", "{link}"],  # the code page at once; then: used already
    "/m/": ["/m/"],
    "/m/history": ["/m/history"],
    "/m/give": ["/m/give", "/m/give?to={other}"],
    "/m/give/confirm": ["/m/give/confirm?to={other}&coins=5", "/m/give/confirm?to=999&coins=5"],
    "/m/give/done/{tx_id}": ["/m/give/done/{gift}"],
    "/m/receive": ["/m/receive"],
    "/m/pools": ["/m/pools"],
    "/m/pools/new": ["/m/pools/new"],
    "/m/pools/{pool_id}": [
        "/m/pools/{my_pool}?done=started",  # as the organiser's start lands on it
        "/m/pools/{their_pool}",
        "/m/pools/{full_pool}?done=filled",  # as the member's pledge that filled it lands
    ],
    "/m/devices": ["/m/devices", "/m/devices?done=1"],
    "/m/reserve": ["/m/reserve"],
    "/m/reserve/{kiosk}/{sku}": ["/m/reserve/{kiosk}/rice"],
    "/m/reservations": ["/m/reservations"],
}
NOT_PAGES = {"/m/sw.js", "/m/status"}  # the offline copy's script; the code page's JSON
# The QR code takes at least this share of the screen's width: a scanner at 10-30 cm.
QR_MIN_SHARE = 0.75


def phone_routes(tmp_path: Any) -> set[str]:
    """The GET routes under /m/ of the ledger app as served (included routers unwrapped)."""

    def flat(routes: Any) -> Any:
        for r in routes:
            yield from flat(r.original_router.routes) if hasattr(r, "original_router") else [r]

    app = create_app(f"sqlite:///{tmp_path / 'routes.db'}")
    return {
        r.path
        for r in flat(app.routes)
        if getattr(r, "path", "").startswith("/m/") and "GET" in getattr(r, "methods", ())
    }


def test_every_phone_page_is_in_the_list(tmp_path: Any) -> None:
    found = phone_routes(tmp_path)
    assert "/m/history" in found  # the walk reaches into the included routers
    missing = found - set(PAGES) - NOT_PAGES
    assert not missing, f"phone pages with no address in PAGES: {sorted(missing)}"
    assert set(PAGES) <= found, f"PAGES lists gone routes: {sorted(set(PAGES) - found)}"


@dataclass
class Bank:
    """A member with something on every page: gifts both ways, a pool of theirs, one of
    another member's and one they filled, a reservation; a kiosk that holds goods, its key."""

    url: str
    key: str
    member: str
    fill: dict[str, str]


def bank(console: Console) -> Bank:
    db, now = console.db_url, datetime.now(UTC)
    kiosk, key = with_book(db, lambda s: kiosks.add_kiosk(s, "社区服务中心", "幸福路 12 号"))
    kiosk_id = kiosk.id
    with_book(db, lambda s: catalog.set_item(s, "water", 10, "矿泉水 24 瓶", "Water, 24 bottles"))
    with_book(db, lambda s: catalog.set_item(s, "rice", 30, "东北大米 5 公斤装", "Rice, 5 kg bag"))
    lockers = [
        {"locker": "0:1", "sku": "water", "count": 3, "inspect": None},
        {"locker": "0:2", "sku": "rice", "count": 2, "inspect": None},
    ]
    report_stock(console, key, lockers)
    me, other, third = (console.add_member(n, coins=80) for n in ("王秀英", "李伯伯", "赵大妈"))
    with_book(db, lambda s: book.grant(s, me, 220, "grant 2026-12"))
    gift = with_book(db, lambda s: gifts.give(s, me, other, 5, now).id)
    with_book(db, lambda s: gifts.give(s, other, me, 3, now))
    my_pool = with_book(db, lambda s: pools.start(s, me, "water", 6, now).id)
    with_book(db, lambda s: pools.pledge(s, my_pool, other, 20, now))
    their_pool = with_book(db, lambda s: pools.start(s, third, "rice", 2, now).id)
    with_book(db, lambda s: pools.pledge(s, their_pool, third, 30, now))
    full_pool = with_book(db, lambda s: pools.start(s, third, "water", 1, now).id)
    with_book(db, lambda s: pools.pledge(s, full_pool, me, 10, now))
    ttl = timedelta(hours=24)
    with_book(db, lambda s: reservations.reserve(s, me, kiosk_id, "water", now, ttl))
    argv = ["--db", db, "member", "enrol", me, "--public-url", console.url]
    fill = {
        "link": call(argv)["url"],
        "other": other.removeprefix("m"),
        "gift": str(gift),
        "my_pool": my_pool,
        "their_pool": their_pool,
        "full_pool": full_pool,
        "kiosk": kiosk_id,
    }
    return Bank(console.url, key, me, fill)


def read_code_page(console: Console, made: Bank, used: set[str], shot: str) -> list[str]:
    """The QR code wholly on screen, unscrolled, large; read off the screenshot, it is the
    page's code, and the ledger signs the member in with it (each code signs in once)."""
    before = shown_code(console.driver)
    spot = qr_in_view(console.driver)
    shown = console.shot(shot)
    if not spot["inside"]:
        return [f"QR code not wholly on screen unscrolled: {spot}"]
    wrong = []
    if spot["width"] < QR_MIN_SHARE * VIEWPORT["width"]:
        wrong.append(f"QR code only {spot['width']} px wide")
    read = read_qr(shown)
    after = shown_code(console.driver)
    assert read in {before, after}, (read, before, after)
    if read not in used:
        answer = sign_in(console, made.key, read)
        assert answer.status_code == 201, answer.text
        assert answer.json()["member"]["id"] == made.member
        used.add(read)
    return wrong


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_phone_page_fits_a_cheap_android_in_wechat(console: Console, lang: str) -> None:
    driver = console.driver
    made = bank(console)
    emulate(driver)
    try:
        # The member's choice of language, made before the link: a page of ours to measure.
        console.open(f"/lang/{lang}?next=/m/")
        phone = as_the_phone(driver)
        assert "MicroMessenger" in phone["ua"] and "XWEB" in phone["ua"], phone
        assert (phone["width"], phone["height"], phone["ratio"]) == (360, 568, 2), phone
        assert phone["touch"] > 0, phone
        found: dict[str, list[str]] = {}
        used: set[str] = set()
        for route, addresses in PAGES.items():
            for n, address in enumerate(addresses):
                target = address.format(**made.fill)
                driver.get(target if target.startswith("http") else made.url + target)
                slug = route.removeprefix("/m/").replace("/", "-").replace("{", "")
                name = f"phone-fit-{slug.replace('}', '') or 'code'}-{n}-{lang}"
                wrong = problems(driver)
                if driver.current_url == made.url + "/m/":  # the code page
                    wrong += read_code_page(console, made, used, name)
                else:
                    console.shot(name)
                full_page(driver, str(console.shots / f"{name}-full.png"))
                found[f"{address} ({name})"] = wrong
        assert len(found) == sum(len(a) for a in PAGES.values())
        broken = {page: wrong for page, wrong in found.items() if wrong}
        assert not broken, "\n".join(f"{p}:\n  " + "\n  ".join(w) for p, w in broken.items())
        assert used, "no code page was read"
    finally:
        emulate(driver, on=False)
