"""The pairing page on the shared web layer, in a real browser: its style sheet, language
switch and CSRF token, a member signing in with the phone code and confirming."""

from __future__ import annotations

import requests

from ledger import kiosks, members
from ledger.cli import with_book
from tests.ledger.conftest import phone_code
from tests.web.conftest import Console


def test_a_member_pairs_on_the_page_in_chinese_or_english(console: Console) -> None:
    key = with_book(console.db_url, lambda s: kiosks.add_kiosk(s, "社区中心", "一楼大厅")[1])
    member = with_book(
        console.db_url,
        lambda s: members.add_member(s, "王秀英", coins=30),
    )
    made = requests.post(
        console.url + "/v1/pairings",
        json={},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    ).json()
    console.driver.get(made["url"])
    assert "登录自助机" in console.text() and "Sign in at the kiosk" in console.text()
    css = console.driver.find_element("css selector", "h1").value_of_css_property("font-size")
    assert float(css.removesuffix("px")) >= 28  # the style sheet from /static/ applies
    console.shot("pair-signin-zh")
    console.submit("a.lang")
    assert console.text().index("Sign in at the kiosk") < console.text().index("登录自助机")
    console.shot("pair-signin-en")
    console.submit("a.lang")
    console.driver.find_element("id", "member").send_keys(member.id)
    code = phone_code(member.id, str(member.totp_secret)).split(":")[2]
    console.driver.find_element("id", "otp").send_keys(code)
    console.submit("form button[type=submit]")
    assert "确认在这台自助机上使用" in console.text() and "社区中心" in console.text()
    console.shot("pair-confirm-zh")
    console.submit("button[value=confirm]")
    assert "已确认" in console.text()
    polled = requests.get(
        made["url"].replace("/pair/", "/v1/pairings/"),
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    ).json()
    assert polled["state"] == "confirmed" and polled["member"]["id"] == member.id
