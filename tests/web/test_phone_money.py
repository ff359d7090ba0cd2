"""The member's money pages in real browsers (headless Chromium, one per phone): the history
tells an exchange, hours, a grant and a gift in plain Chinese; a gift from one phone shows on
both members' histories and a resent form gives once; the receive code scanned off another
phone's screen opens the give page for that member; the per-day limit refuses in words; a
revoked phone is refused at once; three phones fill a pool after one drops out."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from selenium.webdriver.support.wait import WebDriverWait

from ledger import catalog, gifts, income, members, phone_limits
from ledger.cli import call, with_book
from ledger.db import utcnow
from tests.ledger.conftest import phone_code
from tests.web.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS, Console, _need
from tests.web.test_phone import read_qr

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}  # a cheap Android


@pytest.fixture(scope="module")
def more_phones(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Any]]:
    """Two more headless Chromiums, each its own profile: two more members' phones."""
    _need(CHROMIUM)
    _need(CHROMEDRIVER)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browsers = []
    try:
        for n in range(2):
            options = webdriver.ChromeOptions()
            options.binary_location = CHROMIUM
            for flag in CHROMIUM_FLAGS:
                options.add_argument(flag)
            profile = tmp_path_factory.mktemp(f"phone-{n}")
            options.add_argument(f"--user-data-dir={profile}")
            browsers.append(webdriver.Chrome(options=options, service=Service(CHROMEDRIVER)))
        yield browsers
    finally:
        for browser in browsers:
            browser.quit()


def phone_of(console: Console, driver: Any, member: str) -> Console:
    """`driver` becomes `member`'s phone: enrolled from a one-time link, no typing."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    argv = ["--db", console.db_url, "member", "enrol", member, "--public-url", console.url]
    driver.get(call(argv)["url"])
    WebDriverWait(driver, 20).until(lambda d: d.current_url == console.url + "/m/")
    return Console(console.db_url, console.url, driver, console.shots)


def member(console: Console, name: str, coins: int, grant: bool = False) -> str:
    return str(
        with_book(
            console.db_url,
            lambda s: members.add_member(s, name, coins=coins, grant_eligible=grant).id,
        )
    )


def balance(console: Console, member_id: str) -> int:
    return int(call(["--db", console.db_url, "member", "show", member_id])["balance"])


def type_into(phone: Console, field: str, text: str) -> None:
    box = phone.driver.find_element("id", field)
    box.clear()
    box.send_keys(text)


def give(phone: Console, to: str, coins: int) -> None:
    """Give coins as a member does: the number and the coins, next, then the confirm page."""
    phone.open("/m/give")
    type_into(phone, "to", to.removeprefix("m"))
    type_into(phone, "coins", str(coins))
    phone.submit("form.m-form button[type=submit]")
    assert "请确认" in phone.text()


def exchange_at_kiosk(console: Console, key: str, member_id: str, sku: str, price: int) -> None:
    """An exchange as a kiosk makes it: sign in with the member's code, hold, capture."""
    secret = with_book(console.db_url, lambda s: members.get_member(s, member_id).totp_secret)
    auth = {"Authorization": f"Bearer {key}"}
    signed = requests.post(
        console.url + "/v1/sessions",
        json={"code": phone_code(member_id, secret)},
        headers=auth,
        timeout=30,
    )
    assert signed.status_code == 201, signed.text
    body = {"session": signed.json()["session"], "sku": sku, "locker": "0:1", "price": price}
    held = requests.post(
        console.url + "/v1/holds",
        json=body,
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
        timeout=30,
    )
    assert held.status_code == 201, held.text
    hold = held.json()["hold"]
    captured = requests.post(
        console.url + f"/v1/holds/{hold}/capture",
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
        timeout=30,
    )
    assert captured.status_code == 200, captured.text


def test_the_history_tells_an_exchange_hours_a_grant_and_a_gift_in_plain_words(
    console: Console,
) -> None:
    key = call(["--db", console.db_url, "kiosk", "add", "--name", "社区中心"])["key"]
    with_book(console.db_url, lambda s: catalog.set_item(s, "tissues", 15, "纸巾", "Tissues"))
    wang = member(console, "王秀英", 100, grant=True)
    li = member(console, "李建国", 50)
    month = datetime.now(ZoneInfo(phone_limits.DEFAULT_OFFICE_TZ)).strftime("%Y-%m")
    with_book(console.db_url, lambda s: income.grant_month(s, month))
    with_book(console.db_url, lambda s: income.credit_hours(s, wang, "2"))
    exchange_at_kiosk(console, key, wang, "tissues", 15)
    with_book(console.db_url, lambda s: gifts.give(s, li, wang, 5, utcnow()))

    phone = phone_of(console, console.driver, wang)
    phone.open("/m/history")
    text = phone.text()
    year, mon = month.split("-")
    for words in (
        "现在有 125 币",  # 100 + 15 + 20 - 15 + 5
        "李＊国 转给您\n+5 币",
        "在「社区中心」兑换了纸巾\n−15 币",
        "志愿服务 2 小时\n+20 币",
        f"{year}年{int(mon)}月的补贴\n+15 币",
        "入会时的补贴\n+100 币",
    ):
        assert words in text, f"{words!r} not in:\n{text}"
    assert re.search(r"\d{1,2}月\d{1,2}日 \d\d:\d\d", text)  # when, on the office's clock
    phone.shot("phone-history-zh")
    phone.open("/lang/en?next=/m/history")
    assert "Exchanged for Tissues at 社区中心" in phone.text()
    assert "2 hours of volunteering" in phone.text()
    phone.shot("phone-history-en")
    phone.open("/lang/zh?next=/m/")


def test_a_gift_between_phones_shows_on_both_histories_once_within_the_day_limit(
    console: Console, more_phones: list[Any]
) -> None:
    wang, li = member(console, "王秀英", 100), member(console, "李建国", 10)
    giver = phone_of(console, console.driver, wang)
    taker = phone_of(console, more_phones[0], li)

    give(giver, li, 20)
    assert f"把 20 币转给 李＊国（会员号 {li.removeprefix('m')}）？" in giver.text()
    giver.shot("phone-give-confirm-zh")
    form = {
        name: giver.driver.find_element("css selector", f"input[name={name}]").get_attribute(
            "value"
        )
        for name in ("csrf", "once", "to", "coins")
    }
    cookies = {c["name"]: c["value"] for c in giver.driver.get_cookies()}
    giver.submit("#confirm")
    assert "已转给 李＊国 20 币。" in giver.text() and "现在有 80 币" in giver.text()
    giver.shot("phone-give-done-zh")
    # The same form sent again (a double tap, a resent page): the first gift's page, no second.
    again = requests.post(
        console.url + "/m/give", data=form, cookies=cookies, allow_redirects=False, timeout=30
    )
    assert again.status_code == 303, again.text
    assert again.headers["location"] == giver.driver.current_url.removeprefix(console.url)
    assert (balance(console, wang), balance(console, li)) == (80, 30)

    taker.open("/m/history")
    assert "王＊英 转给您\n+20 币" in taker.text() and "现在有 30 币" in taker.text()
    taker.shot("phone-history-gift-in-zh")
    giver.open("/m/history")
    assert "转给 李＊国\n−20 币" in giver.text()

    # Today's limit: 50 coins from the phone; 20 given, 20 more fit, then 20 does not.
    call(["--db", console.db_url, "phone-limits", "set", "daily_spend", "50"])
    # This time the giver scans the taker's receive code off the taker's screen.
    taker.open("/m/receive")
    scanned = read_qr(taker.shot("phone-receive-zh"))
    assert scanned == f"{console.url}/m/give?to={li}"
    giver.driver.get(scanned)
    assert giver.driver.find_element("id", "to").get_attribute("value") == li
    type_into(giver, "coins", "20")
    giver.submit("form.m-form button[type=submit]")
    assert "把 20 币转给 李＊国" in giver.text()
    giver.submit("#confirm")
    assert "已转给" in giver.text()
    give(giver, li, 20)
    giver.submit("#confirm")
    assert "今天用手机转出的币已到上限（每天 50 币），今天还能用 10 币。" in giver.text()
    giver.shot("phone-spend-limit-zh")
    assert (balance(console, wang), balance(console, li)) == (60, 50)

    # A lost phone revoked: the form it already shows is refused at once, nothing moves.
    call(["--db", console.db_url, "phone-limits", "set", "daily_spend", "1500"])
    give(giver, li, 5)
    device = call(["--db", console.db_url, "member", "devices", wang])["devices"][0]["device"]
    call(["--db", console.db_url, "member", "device-revoke", device])
    giver.submit("#confirm")
    assert "这部手机已停用。请到服务站领取新的登记链接。" in giver.text()
    giver.shot("phone-revoked-zh")
    assert (balance(console, wang), balance(console, li)) == (60, 50)
    giver.open("/m/history")
    assert "这部手机已停用" in giver.text() and "转给" not in giver.text()


def pool_page(phone: Console, number: str) -> None:
    """Open a pool as a giver does: its number typed on the pools page."""
    phone.open("/m/pools")
    type_into(phone, "number", number)
    phone.submit("form.m-inline button[type=submit]")


def test_three_phones_fill_a_pool_after_one_drops_out(
    console: Console, more_phones: list[Any]
) -> None:
    with_book(console.db_url, lambda s: catalog.set_item(s, "water", 10, "矿泉水", "Water"))
    zhao, qian, sun = (member(console, n, 100) for n in ("赵大妈", "钱师傅", "孙阿姨"))
    organiser = phone_of(console, console.driver, zhao)
    second = phone_of(console, more_phones[0], qian)
    third = phone_of(console, more_phones[1], sun)

    organiser.open("/m/pools/new")
    organiser.driver.find_element("css selector", "input[value=water]").click()
    type_into(organiser, "quantity", "6")
    organiser.submit("#create")
    assert "合买已发起" in organiser.text() and "矿泉水 × 6" in organiser.text()
    number = re.search(r"合买 (\d{6}) 号", organiser.text())
    assert number, organiser.text()
    pool = "p" + number.group(1)
    type_into(organiser, "coins", "20")
    organiser.submit("#pledge")
    assert "已凑 20 币，共需 60 币" in organiser.text()
    organiser.shot("phone-pool-started-zh")

    pool_page(second, number.group(1))
    type_into(second, "coins", "20")
    second.submit("#pledge")
    assert "已凑 40 币，共需 60 币" in second.text()
    second.submit("#withdraw")  # drops out: the share comes back, nothing else moves
    assert "您的币已退回" in second.text() and "已凑 20 币，共需 60 币" in second.text()
    assert balance(console, qian) == 100
    second.shot("phone-pool-drop-out-zh")

    pool_page(third, number.group(1))
    type_into(third, "coins", "20")
    third.submit("#pledge")
    assert "已凑 40 币，共需 60 币" in third.text()
    second.open(f"/m/pools/{pool}")
    type_into(second, "coins", "20")
    second.submit("#pledge")
    assert "凑齐了！已兑换。发起人可到有货的自助机取货，或到服务站领取。" in second.text()
    second.shot("phone-pool-full-zh")
    organiser.open(f"/m/pools/{pool}")
    assert "已凑齐！等待领取" in organiser.text() and "还要领取 6 件" in organiser.text()
    assert not organiser.driver.find_elements("id", "pledge")  # a full pool takes no more

    shown = call(["--db", console.db_url, "pool", "show", pool])
    assert shown["state"] == "full" and shown["gathered"] == 60 and shown["redemption_tx"]
    assert [(p["member"], p["coins"], p["given_back"]) for p in shown["pledges"]] == [
        (zhao, 20, False),
        (qian, 20, True),
        (sun, 20, False),
        (qian, 20, False),
    ]
    assert [balance(console, m) for m in (zhao, qian, sun)] == [80, 80, 80]
    second.open("/m/history")
    for words in (
        f"合买矿泉水（{number.group(1)}号）出的币",
        f"合买矿泉水（{number.group(1)}号）退回",
    ):
        assert words in second.text()
    second.shot("phone-pool-history-zh")
    collected = call(["--db", console.db_url, "pool", "collect", pool, "--where", "街道办"])
    assert collected["state"] == "collected"
    assert datetime.fromisoformat(collected["collected_at"]) <= datetime.now(UTC)
