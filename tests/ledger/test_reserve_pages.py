"""The member's reservation pages over real HTTP (ledger.web.reserve_pages): the phone's
device cookie says who reserves; forms need the session's CSRF token; a phone is limited to
10 forms at once; refusals are said in words; cancel gives the coins back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from ledger import devices
from ledger.cli import with_book
from ledger.web.reserve_pages import PHONE_FORMS
from tests.ledger.conftest import Bank, ManualClock, start_bank

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def shop(db_url: str, clock: ManualClock) -> Iterator[Bank]:
    for bank in start_bank(db_url, clock=clock):
        bank.set_item("water", 30)
        event = {
            "kind": "inventory",
            "at": datetime.now(UTC).isoformat(),
            "data": {"lockers": [{"locker": "0:1", "sku": "water", "count": 2, "inspect": None}]},
        }
        assert bank.call("POST", "/v1/kiosks/me/events", {"events": [event]}).status_code == 202
        yield bank


def phone(bank: Bank, clock: ManualClock, coins: int = 100) -> tuple[str, requests.Session]:
    member, _ = bank.add_member(coins)
    token, _ = with_book(bank.db_url, lambda s: devices.create_link(s, member, clock()))
    browser = requests.Session()
    assert browser.get(f"{bank.url}/m/enrol/{token}", timeout=30).status_code == 200
    return member, browser


def item_page(bank: Bank, browser: requests.Session) -> tuple[str, str, str]:
    """(the item page's path, its form's CSRF token, the list page's text)."""
    listing = browser.get(bank.url + "/m/reserve", timeout=30)
    assert listing.status_code == 200
    path = re.search(r'href="(/m/reserve/[^"/]+/water)"', listing.text)
    assert path is not None, listing.text
    page = browser.get(bank.url + path.group(1), timeout=30)
    token = CSRF.search(page.text)
    assert token is not None
    return path.group(1), token.group(1), listing.text


def test_reserve_from_the_phone_then_cancel(shop: Bank, clock: ManualClock) -> None:
    member, browser = phone(shop, clock)
    path, token, listing = item_page(shop, browser)
    assert "剩 2 件" in listing and "可用余额：100 币" in listing
    kiosk = path.split("/")[3]
    form = {"csrf": token, "kiosk": kiosk, "sku": "water"}
    done = browser.post(shop.url + "/m/reservations", data=form, timeout=30)
    assert done.status_code == 200 and done.url.endswith("/m/reservations")
    assert "已预约，币已冻结" in done.text and "可用余额：70 币" in done.text
    assert shop.balance(member) == 70
    assert "剩 1 件" in browser.get(shop.url + "/m/reserve", timeout=30).text

    cancel = re.search(r'action="(/m/reservations/[^"]+/cancel)"', done.text)
    assert cancel is not None
    again = CSRF.search(done.text)
    assert again is not None
    after = browser.post(shop.url + cancel.group(1), data={"csrf": again.group(1)}, timeout=30)
    assert "已取消，币已退回" in after.text and shop.balance(member) == 100


def test_forms_need_the_csrf_token_and_a_live_phone(shop: Bank, clock: ManualClock) -> None:
    member, browser = phone(shop, clock)
    path, _token, _ = item_page(shop, browser)
    form = {"csrf": "not-it", "kiosk": path.split("/")[3], "sku": "water"}
    refused = browser.post(shop.url + "/m/reservations", data=form, timeout=30)
    assert refused.status_code == 403 and shop.balance(member) == 100
    stranger = requests.get(shop.url + "/m/reservations", timeout=30)
    assert stranger.status_code == 401 and "还没有登记" in stranger.text


def test_not_enough_coins_is_said_and_nothing_is_held(shop: Bank, clock: ManualClock) -> None:
    member, browser = phone(shop, clock, coins=10)
    path, token, _ = item_page(shop, browser)
    form = {"csrf": token, "kiosk": path.split("/")[3], "sku": "water"}
    refused = browser.post(shop.url + "/m/reservations", data=form, timeout=30)
    assert refused.status_code == 402 and "余额不够" in refused.text
    assert shop.balance(member) == 10


def test_a_phone_is_limited(shop: Bank, clock: ManualClock) -> None:
    _member, browser = phone(shop, clock, coins=0)
    path, token, _ = item_page(shop, browser)
    form = {"csrf": token, "kiosk": path.split("/")[3], "sku": "water"}
    codes = [
        browser.post(shop.url + "/m/reservations", data=form, timeout=30).status_code
        for _ in range(int(PHONE_FORMS.burst) + 1)
    ]
    assert codes[:-1] == [402] * int(PHONE_FORMS.burst) and codes[-1] == 429


def test_reservations_count_toward_the_phones_daily_spend_limit(
    shop: Bank, clock: ManualClock
) -> None:
    from ledger import phone_limits

    with_book(shop.db_url, lambda s: phone_limits.change(s, "daily_spend", "40"))
    member, browser = phone(shop, clock)
    path, token, _ = item_page(shop, browser)
    form = {"csrf": token, "kiosk": path.split("/")[3], "sku": "water"}
    assert browser.post(shop.url + "/m/reservations", data=form, timeout=30).status_code == 200
    refused = browser.post(shop.url + "/m/reservations", data=form, timeout=30)
    assert refused.status_code == 403 and "到上限" in refused.text
    assert shop.balance(member) == 70


def test_a_made_up_kiosk_or_item_is_refused_in_words(shop: Bank, clock: ManualClock) -> None:
    member, browser = phone(shop, clock)
    path, token, _ = item_page(shop, browser)
    kiosk = path.split("/")[3]
    for form in (
        {"csrf": token, "kiosk": kiosk + "x" * 20, "sku": "water"},
        {"csrf": token, "kiosk": kiosk, "sku": "water" + "\u00e9" * 80},
        {"csrf": token, "kiosk": "k000000", "sku": "water"},
    ):
        refused = browser.post(shop.url + "/m/reservations", data=form, timeout=30)
        assert refused.status_code == 409 and "已经没有了" in refused.text
    assert shop.balance(member) == 100


def test_serve_takes_the_reservation_time_and_the_item_page_says_it() -> None:
    from ledger.api import create_app
    from ledger.cli import build_parser
    from ledger.cli.admin import _serve_settings

    args = build_parser().parse_args(["--db", "sqlite://", "serve", "--reservation-hours", "2"])
    settings = _serve_settings(args)
    assert settings["reservation_ttl_seconds"] == 7200
    app = create_app(**settings)
    assert app.state.reservation_ttl.total_seconds() == 7200
    with pytest.raises(SystemExit):  # more than two weeks is refused
        build_parser().parse_args(["--db", "sqlite://", "serve", "--reservation-hours", "999"])


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("sold_out", "自助机在收到预约前已经卖完了"),
        ("not_stocked", "为您留的物品已被管理员从柜中取出"),
    ],
)
def test_a_refused_reservation_says_why(
    shop: Bank, clock: ManualClock, reason: str, said: str
) -> None:
    """The kiosk refused it: sold before it heard (sold_out), or the unit it had set aside was
    taken out of its locker by a technician (not_stocked). The coins are back either way."""
    member, browser = phone(shop, clock)
    path, token, _ = item_page(shop, browser)
    form = {"csrf": token, "kiosk": path.split("/")[3], "sku": "water"}
    assert browser.post(shop.url + "/m/reservations", data=form, timeout=30).status_code == 200
    listed = shop.call("GET", "/v1/kiosks/me/reservations").json()["reservations"]
    refuse = f"/v1/kiosks/me/reservations/{listed[0]['reservation']}/refuse"
    answer = shop.call("POST", refuse, {"reason": reason}, idem=f"refuse-{reason}")
    assert answer.status_code == 200, answer.text
    page = browser.get(shop.url + "/m/reservations", timeout=30).text
    assert said in page and "币已退回" in page and shop.balance(member) == 100
