"""The console lists the vends no kiosk could settle until a locker is counted: a clerk sees
where to send a technician, and the list empties once the count has settled the hold."""

from __future__ import annotations

from datetime import timedelta

from ledger import book, catalog, counting, kiosks
from ledger.cli import with_book
from ledger.db import Hold, utcnow
from tests.web.conftest import Console


def hold_awaiting_count(console: Console, member: str) -> str:
    def work(s):  # type: ignore[no-untyped-def]
        kiosk, _key = kiosks.add_kiosk(s, "龙华街道自助机", "社区服务中心一楼")
        catalog.set_item(s, "water", 20, "矿泉水", "Bottled water")
        held = book.place_hold(
            s,
            member_id=member,
            kiosk_id=kiosk.id,
            sku="water",
            locker="0:2",
            price=20,
            ttl=timedelta(hours=24),
        )
        counting.await_count(s, held.id, kiosk.id, utcnow())
        return held.id

    return str(with_book(console.db_url, work))


def test_a_clerk_sees_the_lockers_to_count_until_the_count_settles_them(
    console: Console,
) -> None:
    console.add_staff("li", "clerk", "李明")
    member = console.add_member("王秀英", coins=100)
    hold = hold_awaiting_count(console, member)
    console.log_in("li")
    console.submit("nav a[href='/staff/counts']")
    [row] = console.driver.find_elements("css selector", "table.list tbody tr")
    assert "龙华街道自助机" in row.text and "0:2" in row.text and "矿泉水" in row.text
    assert "王秀英" in row.text and "20" in row.text
    assert "不扣也不退" in console.text()
    console.shot("counts-zh")
    console.open("/lang/en?next=/staff/counts")
    assert "Lockers to count" in console.text() and "neither charged nor returned" in console.text()
    assert "Bottled water" in console.text()
    console.shot("counts-en")
    console.open("/lang/zh?next=/staff/counts")

    def settle(s):  # type: ignore[no-untyped-def]
        book.capture_hold(s, hold, s.get(Hold, hold).kiosk_id)

    with_book(console.db_url, settle)  # the technician's count found one bottle fewer
    console.open("/staff/counts")
    assert "没有待清点的柜子" in console.text()


def test_the_counts_page_needs_a_login(console: Console) -> None:
    console.open("/staff/counts")
    assert "/staff/login" in console.driver.current_url and "0:2" not in console.text()
