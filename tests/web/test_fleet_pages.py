"""The console's fleet, catalog and kiosk pages in a real browser (headless Chromium): a
simulated kiosk's own inventory report (sim/site.py, the real kiosk application) shows as
stock and a near-expiry alert; a manager adds and retires an item and the kiosks' catalog
follows; an administrator adds a kiosk, sees its key once, and the key works until revoked;
a clerk is refused each of those, audited."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from ledger import audit, fleet
from ledger.cli import call, with_book
from ledger.db import utcnow
from tests.web.conftest import PASSWORD, Console

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def wait_for(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def stock_of(db_url: str) -> dict[str, Any]:
    data = with_book(db_url, lambda s: fleet.fleet(s, fleet.FleetQuery(utcnow())))
    return {x["locker"]: x for k in data["kiosks"] for x in k["stock"]}


def test_a_simulated_kiosks_stock_and_its_expiry_alert_on_the_fleet_page(
    tmp_path: Path, driver: Any, screenshots: Path
) -> None:
    """The kiosk reports its stock when it starts and after each item taken (kiosk/app.py);
    the noodles' best-before is 5 days away (sim/site.py): near expiry on the page."""
    from kiosk.app import build
    from kiosk.core.config import load_config
    from kiosk.core.view import SessionState
    from sim.site import SimulatedSite
    from tests.core.conftest import visitor
    from tests.core.test_session import Views

    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    with SimulatedSite(tmp_path / "site") as site:
        db_url = site.staff.db_url
        console = Console(db_url, site.ledger.url, driver, screenshots)
        console.add_staff("zhao", "clerk", "赵办事员")
        runtime = build(load_config(site.config_path))
        try:
            runtime.start()
            assert wait_for(lambda: "0:5" in stock_of(db_url)), "no inventory report arrived"
            assert stock_of(db_url)["0:1"]["count"] == 3
            views = Views()
            runtime.controller.subscribe(views)
            site.present_phone("王阿姨")
            views.wait(SessionState.BROWSING, timeout=15)
            visitor(site, "0:1")
            runtime.controller.add("tissues")
            runtime.controller.checkout()
            views.wait(SessionState.CONFIRMING)
            runtime.controller.confirm()
            assert views.wait(SessionState.RESULT, timeout=15).result.ok
            # The capture's inventory report: one packet of tissues fewer.
            assert wait_for(lambda: stock_of(db_url)["0:1"]["count"] == 2)
        finally:
            runtime.close()

        console.log_in("zhao")
        console.open("/staff/fleet")
        body = console.text()
        alerts = console.driver.find_element("id", "alerts").text
        assert "临期" in alerts and "挂面" in alerts and "Demo kiosk" in alerts
        assert "纸巾" not in alerts  # 120 days left: no alert
        rows = console.driver.find_elements("css selector", "table.stock tbody tr")
        cells = [r.find_elements("tag name", "td") for r in rows]
        assert [(c[0].text, c[1].text, c[2].text) for c in cells][:2] == [
            ("0:1", "纸巾", "2"),
            ("0:2", "矿泉水", "2"),
        ]
        assert len(rows) == 6 and "正常服务" in body and "最近联系" in body
        console.shot("fleet-zh")
        console.open("/lang/en?next=/staff/fleet")
        assert "Near expiry" in console.text() and "Noodles" in console.text()
        console.shot("fleet-en")
        console.open("/lang/zh?next=/staff/fleet")


def test_a_manager_adds_and_retires_an_item_and_the_kiosks_catalog_follows(
    console: Console,
) -> None:
    console.add_staff("wu", "manager", "吴主管")
    key = call(["--db", console.db_url, "kiosk", "add", "--name", "一号机"])["key"]

    def kiosk_catalog() -> list[str]:
        r = requests.get(
            console.url + "/v1/catalog", headers={"Authorization": f"Bearer {key}"}, timeout=30
        )
        return [i["sku"] for i in r.json()["items"]]

    console.log_in("wu")
    console.open("/staff/catalog")
    assert "目录里还没有物品" in console.text()
    console.shot("catalog-empty-zh")
    console.submit("#new-item")
    console.shot("catalog-new-zh")
    for field, value in (("sku", "eggs"), ("zh", "鸡蛋 10 个"), ("en", "Eggs x10"), ("price", "x")):
        console.driver.find_element("id", field).send_keys(value)
    console.submit("#save")
    assert "无法保存" in console.text() and "价格是 0 到 1000000" in console.text()  # a bad price
    assert "whole coins" in console.text()  # the exact reason, in English, under it
    console.shot("catalog-error-zh")
    console.driver.find_element("id", "price").clear()
    console.driver.find_element("id", "price").send_keys("35")
    console.submit("#save")
    assert "物品已保存" in console.text()
    row = console.driver.find_element("id", "item-eggs").text
    assert "鸡蛋 10 个" in row and "35" in row and "在售" in row
    assert kiosk_catalog() == ["eggs"]
    console.shot("catalog-zh")

    console.submit("#item-eggs button[type=submit]")  # 下架
    assert "物品已下架" in console.text()
    assert "已下架" in console.driver.find_element("id", "item-eggs").text
    assert kiosk_catalog() == []
    console.shot("catalog-retired-zh")
    console.submit("#item-eggs a")  # edit
    console.driver.find_element("id", "price").clear()
    console.driver.find_element("id", "price").send_keys("40")
    console.shot("catalog-edit-zh")
    console.submit("#save")
    console.submit("#item-eggs button[type=submit]")  # 重新上架
    assert "重新上架" in console.text() and kiosk_catalog() == ["eggs"]
    entries = with_book(
        console.db_url, lambda s: audit.entries(s, audit.AuditQuery(staff="wu"), 0, 20)
    )
    assert [e["action"] for e in entries][:4] == [
        "catalog_restored",
        "catalog_saved",
        "catalog_retired",
        "catalog_saved",
    ]


def test_an_admin_adds_a_kiosk_sees_its_key_once_renames_and_revokes_it(
    console: Console,
) -> None:
    console.add_staff("li", "admin", "李管理员")
    console.log_in("li")
    console.open("/staff/kiosks")
    console.submit("#new-kiosk")
    console.driver.find_element("id", "name").send_keys("二号机")
    console.driver.find_element("id", "location").send_keys("幸福里社区")
    console.shot("kiosk-new-zh")
    console.submit("#save")
    key = console.driver.find_element("id", "kiosk-key").text
    kiosk = console.driver.find_element("id", "kiosk-id").text
    assert key.startswith("tbk_") and "只显示这一次" in console.text()
    console.shot("kiosk-key-zh")

    def catalog_status() -> int:
        auth = {"Authorization": f"Bearer {key}"}
        return requests.get(console.url + "/v1/catalog", headers=auth, timeout=30).status_code

    assert catalog_status() == 200  # the key shown is the kiosk's
    console.submit("#back")
    assert key not in console.driver.page_source  # never shown again
    assert "二号机" in console.driver.find_element("id", f"kiosk-{kiosk}").text
    entries = with_book(console.db_url, lambda s: audit.entries(s, audit.AuditQuery(), 0, 50))
    assert key not in repr(entries)  # nor recorded

    console.submit(f"#kiosk-{kiosk} a")  # rename
    name = console.driver.find_element("id", "name")
    name.clear()
    name.send_keys("二号机（北门）")
    console.submit("#save")
    assert "已改名" in console.text() and "二号机（北门）" in console.text()
    console.shot("kiosks-zh")
    console.submit(f"#kiosk-{kiosk} a.danger-link")
    assert "不能撤销" in console.text()
    console.shot("kiosk-revoke-zh")
    console.submit("#confirm")
    assert "已停用" in console.driver.find_element("id", f"kiosk-{kiosk}").text
    assert catalog_status() == 401
    actions = [
        e["action"]
        for e in with_book(
            console.db_url, lambda s: audit.entries(s, audit.AuditQuery(staff="li"), 0, 10)
        )
    ]
    assert actions[:3] == ["kiosk_revoked", "kiosk_renamed", "kiosk_added"]


def test_a_clerk_sees_the_lists_but_cannot_do_a_managers_or_admins_action(
    console: Console,
) -> None:
    console.add_staff("zhao", "clerk", "赵办事员")
    call(
        [
            "--db",
            console.db_url,
            "catalog",
            "set",
            "tea",
            "--price",
            "5",
            "--zh",
            "茶",
            "--en",
            "Tea",
        ]
    )
    kiosk = call(["--db", console.db_url, "kiosk", "add", "--name", "一号机"])["kiosk"]
    console.log_in("zhao")
    console.open("/staff/catalog")
    assert "茶" in console.text() and "需要主管" in console.text()
    assert not console.driver.find_elements("id", "new-item")
    assert not console.driver.find_elements("css selector", "#item-tea form")
    console.shot("catalog-clerk-zh")
    console.open("/staff/kiosks")
    assert "需要管理员" in console.text() and not console.driver.find_elements("id", "new-kiosk")
    for path in (
        "/staff/catalog/new",
        "/staff/catalog/tea/edit",
        "/staff/kiosks/new",
        f"/staff/kiosks/{kiosk}/edit",
        f"/staff/kiosks/{kiosk}/revoke",
    ):
        console.open(path)
        assert "您的角色不能查看这个页面" in console.text(), path
    console.shot("refused-role-zh")
    # The forms themselves, sent with the clerk's own session and CSRF token (over HTTP, as a
    # crafted request would): refused before anything changes.
    http = requests.Session()
    page = http.get(console.url + "/staff/login", timeout=30).text
    token = CSRF.search(page)
    assert token is not None
    form = {"csrf": token.group(1), "username": "zhao", "password": PASSWORD}
    assert http.post(console.url + "/staff/login", data=form, timeout=30).status_code == 200
    token = CSRF.search(http.get(console.url + "/staff/catalog", timeout=30).text)
    assert token is not None
    csrf = {"csrf": token.group(1)}
    for path, data in (
        ("/staff/catalog/tea/retire", {}),
        ("/staff/catalog/new", {"sku": "x", "zh": "x", "en": "x", "price": "1"}),
        ("/staff/kiosks/new", {"name": "偷偷加的"}),
        (f"/staff/kiosks/{kiosk}/revoke", {}),
    ):
        r = http.post(console.url + path, data={**csrf, **data}, timeout=30)
        assert r.status_code == 403 and "您的角色不能" in r.text, path
    listed = call(["--db", console.db_url, "catalog", "list"])["items"]
    assert [(i["sku"], i["retired"]) for i in listed] == [("tea", False)]
    kiosks = call(["--db", console.db_url, "kiosk", "list"])["kiosks"]
    assert [(k["name"], k["state"]) for k in kiosks] == [("一号机", "active")]
    refused = with_book(
        console.db_url, lambda s: audit.entries(s, audit.AuditQuery(staff="zhao"), 0, 50)
    )
    paths = {e["detail"]["path"] for e in refused if e["action"] == "access_refused"}
    assert {
        "/staff/catalog/tea/retire",
        "/staff/kiosks/new",
        f"/staff/kiosks/{kiosk}/revoke",
    } <= paths


def test_an_expired_locker_an_open_door_and_a_kiosk_out_of_service_on_the_fleet_page(
    console: Console,
) -> None:
    """What a kiosk reports over its own API (kind, data as docs/protocols.md says) shows on
    the page in the clerk's words: expired in red on top, out of service with its reason, the
    service door open, the fault; a kiosk never heard from is flagged."""
    console.add_staff("zhao", "clerk", "赵办事员")
    argv = ["--db", console.db_url]
    call([*argv, "catalog", "set", "milk", "--price", "6", "--zh", "牛奶", "--en", "Milk"])
    key = call([*argv, "kiosk", "add", "--name", "三号机", "--location", "幸福里"])["key"]
    call([*argv, "kiosk", "add", "--name", "四号机"])
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    at = datetime.now(UTC).isoformat()
    lockers = [
        {"locker": "0:1", "sku": "milk", "count": 3, "best_before": str(today - timedelta(2))},
        {"locker": "0:2", "sku": "milk", "count": 1, "best_before": str(today + timedelta(2))},
        {"locker": "0:3", "sku": "milk", "count": 5, "best_before": str(today + timedelta(40))},
    ]
    events = [
        {"kind": "inventory", "at": at, "data": {"lockers": lockers}},
        {"kind": "service", "at": at, "data": {"mode": "out_of_service", "reason": "cleaning"}},
        {"kind": "alarm", "at": at, "data": {"what": "service_door", "open": True}},
        {"kind": "fault", "at": at, "data": {"what": "lock board 0 did not answer"}},
    ]
    r = requests.post(
        console.url + "/v1/kiosks/me/events",
        json={"events": events},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert r.status_code == 202, r.text
    console.log_in("zhao")
    console.open("/staff/")
    assert "库存与报警" in console.text() and "报表" in console.text()
    console.shot("home-zh")
    console.open("/staff/fleet")
    alerts = console.driver.find_elements("css selector", "#alerts tbody tr")
    assert [a.text.split()[:3] for a in alerts] == [
        ["已过期", "三号机", "0:1"],
        ["临期", "三号机", "0:2"],
    ]
    body = console.text()
    assert "暂停服务" in body and "原因：清洁" in body and "过期 2 天" in body
    assert "报警：维修门开着" in body and "lock board 0 did not answer" in body
    assert "超过 24 小时没有联系" in body  # 四号机 has never called
    console.shot("fleet-alarms-zh")
