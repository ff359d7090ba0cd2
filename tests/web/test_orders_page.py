"""The console's reservations and pools page (/staff/orders) in the browser, as a clerk reads
it: a reservation set aside at a kiosk and a pool gathering, in Chinese then English; the
clerk finds no button on it (read only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ledger import catalog, kiosks, pools, reservations
from ledger.cli import with_book
from tests.web.conftest import Console, report_stock


def test_a_clerk_reads_the_open_reservations_and_pools(console: Console) -> None:
    db = console.db_url
    made = with_book(db, lambda s: kiosks.add_kiosk(s, "社区中心"))
    kiosk, key = made[0].id, made[1]
    with_book(db, lambda s: catalog.set_item(s, "water", 30, "矿泉水 24 瓶", "Water, 24 bottles"))
    wang = console.add_member("王秀英", coins=120)
    li = console.add_member("李伯伯", coins=80)
    now = datetime.now(UTC)
    report_stock(console, key, [{"locker": "0:1", "sku": "water", "count": 3, "inspect": None}])
    with_book(db, lambda s: reservations.reserve(s, wang, kiosk, "water", now, timedelta(hours=24)))
    pool = with_book(db, lambda s: pools.start(s, li, "water", 2, now).id)
    with_book(db, lambda s: pools.pledge(s, pool, wang, 20, now))
    console.add_staff("lin", "clerk", "林小红")
    console.log_in("lin")
    console.submit("nav a[href='/staff/orders']")
    text = console.text()
    assert "王秀英" in text and "矿泉水 24 瓶" in text and "社区中心" in text
    assert "等待自助机留货" in text and "20 / 60" in text and "凑币中" in text
    assert not console.driver.find_elements("css selector", "main button, main form")
    console.shot("orders-open-zh")
    console.open("/lang/en?next=/staff/orders")
    assert "Waiting for the kiosk" in console.text() and "Gathering" in console.text()
    console.shot("orders-open-en")
