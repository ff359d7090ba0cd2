"""A pool collected partly at a kiosk, partly at the office, in a real browser: 6 bottles of
water, the kiosk hands 4 out to the organiser (its calls over real HTTP, as the kiosk makes
them), a jammed fifth stays to collect; the organiser's phone and the console's pools page say
where the goods went and what is still to collect, in Chinese; the clerk records the other 2
handed out at the office, and both pages then say so."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import requests

from ledger import cards, catalog, kiosks, members, pools
from ledger.cli import with_book
from tests.web.conftest import Console
from tests.web.test_phone_money import phone_of
from tests.web.test_pool_console import audited


class Kiosk:
    """A kiosk's side of the contract: its key, its calls."""

    def __init__(self, console: Console, name: str) -> None:
        self.url = console.url
        self.key = with_book(console.db_url, lambda s: kiosks.add_kiosk(s, name)[1])

    def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": uuid.uuid4().hex}
        r = requests.request(method, self.url + path, json=body, headers=headers, timeout=30)
        assert r.status_code < 300, r.text
        return r.json()

    def report(self, count: int) -> None:
        """Its inventory: `count` bottles of water in locker 0:2."""
        lockers = [{"locker": "0:2", "sku": "water", "count": count, "inspect": None}]
        event = {
            "kind": "inventory",
            "at": datetime.now(UTC).isoformat(),
            "data": {"lockers": lockers},
        }
        self.call("POST", "/v1/kiosks/me/events", {"events": [event]})


def collected_at_kiosk(console: Console) -> dict[str, Any]:
    db = console.db_url
    with_book(db, lambda s: catalog.set_item(s, "water", 10, "矿泉水 24 瓶", "Water, 24 bottles"))
    zhao, qian, sun = (console.add_member(n, coins=100) for n in ("赵大妈", "钱师傅", "孙阿姨"))
    now = datetime.now(UTC)
    pool = with_book(db, lambda s: pools.start(s, zhao, "water", 6, now).id)
    for m in (zhao, qian, sun):
        with_book(db, lambda s, m=m: pools.pledge(s, pool, m, 20, now))
    card = with_book(db, lambda s: cards.issue_card(s, members.get_member(s, zhao), "2468")[1])
    kiosk = Kiosk(console, "社区服务中心")
    kiosk.report(5)
    session = kiosk.call("POST", "/v1/sessions", {"code": card, "pin": "2468"})["session"]
    units = kiosk.call("GET", "/v1/kiosks/me/reservations")["reservations"]
    assert len(units) == 5 and {u["price"] for u in units} == {0}
    for n, unit in enumerate(units):
        base = f"/v1/kiosks/me/reservations/{unit['reservation']}"
        kiosk.call("POST", base + "/set-aside", {"locker": "0:2"})
        kiosk.call("POST", base + "/claim", {"session": session})
        end = "capture" if n < 4 else "void"  # the fifth locker jammed: nothing handed out
        kiosk.call("POST", f"/v1/holds/{unit['hold']}/{end}", {})
    kiosk.report(1)  # as a kiosk reports after its captures
    return {"pool": pool, "organiser": zhao}


def test_the_phone_and_the_console_say_where_the_goods_went_and_what_is_left(
    console: Console,
) -> None:
    made = collected_at_kiosk(console)
    pool, number = made["pool"], made["pool"].removeprefix("p")
    driver = console.driver
    phone = phone_of(console, driver, made["organiser"])
    try:
        phone.open(f"/m/pools/{pool}")
        assert driver.find_element("id", "pool-state").text == "已凑齐！等待领取"
        assert driver.find_element("id", "pool-to-collect").text == "还要领取 2 件"
        assert driver.find_element("id", "pool-where").text == "已在「社区服务中心」自助机取走 4 件"
        assert "发起人到有货的自助机刷卡或扫码" in driver.find_element("id", "pool-how").text
        # Where the organiser may collect the rest: the kiosks' last reports.
        assert driver.find_element("id", "pool-kiosks").text == "现在有货：「社区服务中心」1 件"
        phone.shot("phone-pool-kiosk-zh")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    console.add_staff("lin", "clerk", "林小红")
    console.log_in("lin")
    console.open("/staff/pools")
    where = driver.find_element("id", f"where-{pool}").text
    assert where == "在「社区服务中心」自助机取走 4 件；还要领取 2 件"
    assert driver.find_element("id", f"collect-{pool}").text == "记录其余 2 件已在办公室领取"
    console.shot("pools-kiosk-partial-zh")
    driver.find_element("id", f"note-{pool}").send_keys("环卫站 张师傅")
    console.submit(f"#collect-{pool}")
    done = driver.find_element("id", "done").text
    assert f"合买 {number} 号（矿泉水 24 瓶 × 2）已在办公室领取，领取人：环卫站 张师傅" in done
    row = driver.find_element("css selector", f"#collected #pool-{pool}").text
    assert "在「社区服务中心」自助机取走 4 件；在办公室领取 2 件" in row
    console.shot("pools-kiosk-office-zh")
    assert audited(console)[0][1]["quantity"] == 2
    console.open("/lang/en?next=/staff/pools")
    row = driver.find_element("css selector", f"#collected #pool-{pool}").text
    assert "4 taken from the kiosk 社区服务中心; 2 handed out at the office" in row
    console.open("/lang/zh?next=/staff/pools")

    phone = phone_of(console, driver, made["organiser"])
    try:
        phone.open(f"/m/pools/{pool}")
        assert driver.find_element("id", "pool-state").text == "已领取"
        said = driver.find_element("id", "pool-where").text
        assert said.startswith("已在「社区服务中心」自助机取走 4 件\n"), said
        assert said.endswith(" 在服务站领取 2 件（环卫站 张师傅）"), said
        assert not driver.find_elements("id", "pool-to-collect")
        phone.shot("phone-pool-kiosk-office-zh")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
