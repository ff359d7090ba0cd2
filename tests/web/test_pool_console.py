"""The console's pools page (/staff/pools, 集体兑换) in a real browser, as a street office's
clerk uses it: a pool filled by three givers waits at the top, the clerk writes who received
the goods and records them handed out; the page then lists it collected, the audit log has
it, a second record (another tab) is refused in Chinese, and the organiser's phone says when
it was handed out. Over plain HTTP: a form without the session's CSRF token changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import select

from ledger import catalog, pools
from ledger.cli import with_book
from ledger.db import AuditEntry
from ledger.phone_tables import Pool, PoolState
from tests.web.conftest import PASSWORD, Console
from tests.web.test_phone_money import phone_of

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def pools_made(console: Console) -> dict[str, Any]:
    """Through the functions the phones call: a pool of 6 waters filled by three givers, an
    open one, and one its organiser called off."""
    db = console.db_url
    with_book(db, lambda s: catalog.set_item(s, "water", 10, "矿泉水 24 瓶", "Water, 24 bottles"))
    with_book(db, lambda s: catalog.set_item(s, "rice", 25, "大米 5 公斤", "Rice, 5 kg"))
    zhao, qian, sun = (console.add_member(n, coins=100) for n in ("赵大妈", "钱师傅", "孙阿姨"))
    now = datetime.now(UTC)
    full = with_book(db, lambda s: pools.start(s, zhao, "water", 6, now).id)
    filled = [
        with_book(db, lambda s, m=m: pools.pledge(s, full, m, 20, now).filled)
        for m in (zhao, qian, sun)
    ]
    assert filled == [False, False, True]
    gathering = with_book(db, lambda s: pools.start(s, qian, "rice", 2, now).id)
    with_book(db, lambda s: pools.pledge(s, gathering, sun, 10, now))
    off = with_book(db, lambda s: pools.start(s, sun, "rice", 1, now).id)
    with_book(db, lambda s: pools.cancel(s, off, sun, now))
    return {"full": full, "open": gathering, "off": off, "organiser": zhao}


def audited(console: Console) -> list[tuple[str | None, dict[str, Any]]]:
    query = select(AuditEntry).where(AuditEntry.action == "pool_collected")
    return with_book(console.db_url, lambda s: [(e.staff, e.detail) for e in s.scalars(query)])


def stored(console: Console, pool: str) -> tuple[PoolState, str | None, str | None]:
    def read(s: Any) -> tuple[PoolState, str | None, str | None]:
        row = s.get(Pool, pool)
        return row.state, row.collected_by, row.collected_where

    return with_book(console.db_url, read)


def test_a_clerk_records_a_full_pool_handed_out_and_a_second_record_is_refused(
    console: Console,
) -> None:
    made = pools_made(console)
    full, number = made["full"], made["full"].removeprefix("p")
    console.add_staff("lin", "clerk", "林小红")
    console.log_in("lin")
    assert "1 个合买已凑齐，等待领取" in console.text()  # the home page's tile
    console.submit("nav a[href='/staff/pools']")
    driver = console.driver
    card = driver.find_element("id", f"pool-{full}")
    assert f"合买 {number} 号：矿泉水 24 瓶 × 6" in card.text and "60 币（已扣）" in card.text
    assert "赵大妈 20 币、钱师傅 20 币、孙阿姨 20 币" in card.text
    # The waiting one first, then the open, collected and ended lists.
    text = console.text()
    places = [text.index(w) for w in (number, "正在凑币", made["open"][1:], made["off"][1:])]
    assert places == sorted(places), places
    assert "发起人取消" in driver.find_element("id", "ended").text
    console.shot("pools-full-zh")

    # Another clerk's tab shows the same form, opened before the goods are recorded.
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    console.open("/staff/pools")
    second = driver.current_window_handle
    driver.switch_to.window(first)

    note = driver.find_element("id", f"note-{full}")
    note.send_keys("   ")  # spaces only: the browser lets it by, the page does not
    console.submit(f"#collect-{full}")
    assert "请写上领取人" in driver.find_element("id", "why").text
    assert stored(console, full)[0] == PoolState.FULL and audited(console) == []
    driver.find_element("id", f"note-{full}").clear()
    driver.find_element("id", f"note-{full}").send_keys("环卫站 张师傅")
    console.submit(f"#collect-{full}")
    done = driver.find_element("id", "done").text
    assert f"合买 {number} 号（矿泉水 24 瓶 × 6）已在办公室领取，领取人：环卫站 张师傅" in done
    row = driver.find_element("css selector", f"#collected #pool-{full}").text
    assert "环卫站 张师傅" in row and "林小红" in row and "赵大妈" in row  # her name, not "lin"
    assert "现在没有等待领取的合买。" in console.text()
    assert not driver.find_elements("id", f"collect-{full}")
    console.shot("pools-collected-zh")
    assert stored(console, full) == (PoolState.COLLECTED, "lin", "环卫站 张师傅")
    expected = {"pool": full, "where": "环卫站 张师傅", "quantity": 6, "sku": "water"}
    assert audited(console) == [("lin", expected)]

    # The other tab's form, sent after: refused in Chinese, nothing recorded twice.
    driver.switch_to.window(second)
    driver.find_element("id", f"note-{full}").send_keys("街道办 李阿姨")
    console.submit(f"#collect-{full}")
    why = driver.find_element("id", "why").text
    assert f"合买 {number} 号已经登记过领取" in why and "不能再登记一次" in why
    assert "登记人 林小红，领取人 环卫站 张师傅" in why and "Traceback" not in console.text()
    console.shot("pools-refused-zh")
    driver.close()
    driver.switch_to.window(first)
    assert stored(console, full) == (PoolState.COLLECTED, "lin", "环卫站 张师傅")
    assert len(audited(console)) == 1
    console.open("/lang/en?next=/staff/pools")
    assert "Collected" in console.text() and "No full pool waits" in console.text()
    console.shot("pools-collected-en")
    console.open("/lang/zh?next=/staff/pools")

    # The organiser's phone: handed out, when and to whom.
    phone = phone_of(console, driver, made["organiser"])
    try:
        phone.open(f"/m/pools/{full}")
        said = driver.find_element("id", "pool-collected").text
        assert said.endswith(" 在服务站领取 6 件（环卫站 张师傅）"), said
        assert re.match(r"\d{1,2}月\d{1,2}日 \d\d:\d\d ", said), said
        phone.shot("phone-pool-collected-zh")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_collecting_without_the_csrf_token_is_refused_and_refusals_are_in_words(
    console: Console,
) -> None:
    made = pools_made(console)
    full = made["full"]
    console.add_staff("lin", "clerk", "林小红")
    http = requests.Session()
    token = CSRF.search(http.get(console.url + "/staff/login", timeout=30).text)
    assert token is not None
    form = {"csrf": token.group(1), "username": "lin", "password": PASSWORD}
    signed = http.post(console.url + "/staff/login", data=form, timeout=30, allow_redirects=False)
    assert signed.status_code == 303
    page = http.get(console.url + "/staff/pools", timeout=30)
    assert page.status_code == 200 and f'action="/staff/pools/{full}/collect"' in page.text
    csrf = CSRF.search(page.text)
    assert csrf is not None
    url = f"{console.url}/staff/pools/{full}/collect"

    for sent in ({"note": "环卫站 张师傅"}, {"note": "环卫站 张师傅", "csrf": "forged"}):
        refused = http.post(url, data=sent, timeout=30, allow_redirects=False)
        assert refused.status_code == 403 and "页面已过期" in refused.text
    assert stored(console, full) == (PoolState.FULL, None, None) and audited(console) == []

    kept = http.post(url, data={"note": "环卫站 张师傅", "csrf": csrf.group(1)}, timeout=30)
    assert kept.status_code == 200 and kept.url.endswith(f"/staff/pools?done={full}")
    assert stored(console, full)[0] == PoolState.COLLECTED and len(audited(console)) == 1
    again = http.post(url, data={"note": "又来了", "csrf": csrf.group(1)}, timeout=30)
    assert again.status_code == 409 and "已经登记过领取" in again.text
    for pool, status, words in (
        (made["open"], 409, "还没有凑齐（已凑 10 币，共需 50 币）"),
        (made["off"], 409, "已被发起人取消"),
        ("p000001", 404, "找不到合买 000001 号"),
    ):
        answer = http.post(
            f"{console.url}/staff/pools/{pool}/collect",
            data={"note": "环卫站", "csrf": csrf.group(1)},
            timeout=30,
        )
        assert answer.status_code == status and words in answer.text, (pool, answer.text[-600:])
    long = http.post(url, data={"note": "长" * 201, "csrf": csrf.group(1)}, timeout=30)
    assert long.status_code == 400 and "最多写 200 个字" in long.text
    assert len(audited(console)) == 1
