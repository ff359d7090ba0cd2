"""The phone's money forms over real HTTP (SQLite and PostgreSQL): no form acts without the
session's CSRF token, a phone's posts and look-ups are rate-limited, the device cookie opens
nothing of the kiosk API, and the pages carry the phone's headers."""

from __future__ import annotations

import re

import requests

from ledger.cli import call
from tests.ledger.conftest import Bank

FIELD = re.compile(r'name="(csrf|once|to|coins)" value="([^"]*)"')


def phone(bank: Bank, member: str) -> requests.Session:
    """A phone's browser: enrolled from its link (the device cookie), nothing typed."""
    link = call(["--db", bank.db_url, "member", "enrol", member, "--public-url", bank.url])
    browser = requests.Session()
    assert browser.get(link["url"], timeout=30).status_code == 200
    return browser


def confirm_form(bank: Bank, browser: requests.Session, to: str, coins: int) -> dict[str, str]:
    page = browser.get(bank.url + f"/m/give/confirm?to={to}&coins={coins}", timeout=30)
    assert page.status_code == 200, page.text
    return dict(FIELD.findall(page.text))


def test_no_gift_without_the_sessions_csrf_token(bank: Bank) -> None:
    giver, _ = bank.add_member(100)
    taker, _ = bank.add_member(0)
    browser = phone(bank, giver)
    form = confirm_form(bank, browser, taker, 10)
    assert set(form) == {"csrf", "once", "to", "coins"}
    for forged in ({**form, "csrf": ""}, {**form, "csrf": "x" * 43}):
        refused = browser.post(bank.url + "/m/give", data=forged, timeout=30)
        assert refused.status_code == 403
    # The device cookie alone, from a page elsewhere (no session cookie): refused.
    device_only = {"tb_device": browser.cookies["tb_device"]}
    refused = requests.post(bank.url + "/m/give", data=form, cookies=device_only, timeout=30)
    assert refused.status_code == 403
    assert bank.balance(giver) == 100 and bank.balance(taker) == 0
    done = browser.post(bank.url + "/m/give", data=form, timeout=30, allow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/m/give/done/")
    assert bank.balance(giver) == 90 and bank.balance(taker) == 10


def test_a_phones_posts_and_look_ups_are_rate_limited(clocked_bank: Bank) -> None:
    bank = clocked_bank  # the ledger's clock stands still: no token comes back mid-test
    giver, _ = bank.add_member(1000)
    taker, _ = bank.add_member(0)
    browser = phone(bank, giver)
    forms = [confirm_form(bank, browser, taker, 1) for _ in range(11)]
    answers = [
        browser.post(bank.url + "/m/give", data=f, timeout=30, allow_redirects=False) for f in forms
    ]
    assert [a.status_code for a in answers] == [303] * 10 + [429]
    assert int(answers[-1].headers["retry-after"]) >= 1 and "秒后再试" in answers[-1].text
    assert bank.balance(taker) == 10
    # Member numbers looked up: 20 at once (11 above), then the phone waits.
    looks = [
        browser.get(bank.url + f"/m/give/confirm?to={taker}&coins=1", timeout=30).status_code
        for _ in range(10)
    ]
    assert looks == [200] * 9 + [429]


def test_the_device_cookie_opens_nothing_of_the_kiosk_api(bank: Bank) -> None:
    member, _ = bank.add_member(50)
    browser = phone(bank, member)
    assert browser.cookies.get("tb_device") is not None
    for method, path in (("GET", "/v1/catalog"), ("POST", "/v1/holds")):
        answer = browser.request(method, bank.url + path, json={}, timeout=30)
        assert answer.status_code == 401, (path, answer.text)
    page = browser.get(bank.url + "/m/history", timeout=30)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    stranger = requests.get(bank.url + "/m/history", timeout=30)
    assert stranger.status_code == 401 and "还没有登记" in stranger.text
