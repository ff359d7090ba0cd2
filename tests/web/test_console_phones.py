"""A member's phone enrolled from the console (issues 16 and 17): the clerk shows a one-time
link as a QR code on the member's page, the phone scans it and shows the member's code at
once; the member's page lists the phone and revokes it alone, the card untouched. Headless
Chromium against a served ledger; the QR codes are read off screenshots."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select

from ledger.cli import call, with_book
from ledger.db import AuditEntry
from tests.web.conftest import Console
from tests.web.test_phone import PHONE, read_qr, shown_code, sign_in


def audited(console: Console, action: str) -> list[dict[str, Any]]:
    def rows(s: Any) -> list[dict[str, Any]]:
        query = select(AuditEntry).where(AuditEntry.action == action)
        return [{"staff": e.staff, **e.detail} for e in s.scalars(query)]

    return with_book(console.db_url, rows)


def test_a_clerk_enrols_a_phone_by_qr_and_revokes_it_alone(console: Console) -> None:
    driver = console.driver
    key = call(["--db", console.db_url, "kiosk", "add", "--name", "社区中心"])["key"]
    member = console.add_member("王秀英", coins=120)
    card = call(["--db", console.db_url, "card", "issue", member], stdin="2468")["code"]
    console.add_staff("zhao", "clerk", "赵办事员")
    console.log_in("zhao")

    console.open(f"/staff/members/{member}")
    assert "还没有登记手机" in console.text()
    console.submit("#enrol-phone")
    assert "为 王秀英 登记手机" in console.text() and "只能用一次" in console.text()
    url = read_qr(console.shot("member-enrol-zh"))  # as the phone's camera reads the screen
    assert url.startswith(console.url + "/m/enrol/")
    assert driver.find_element("id", "enrol-url").get_attribute("textContent") == url
    [made] = audited(console, "phone_link_made")
    assert made["staff"] == "zhao" and made["member"] == member

    # The member's phone: the scanned link shows the code at once, and the kiosk takes it.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        driver.get(url)
        code = shown_code(driver)
        assert code.startswith(f"tb1:{member}:") and "王秀英" in console.text()
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert sign_in(console, key, code).status_code == 201

    # Lost: the clerk revokes that phone alone; its code is refused, the card still works.
    console.open(f"/staff/members/{member}")
    [row] = driver.find_elements("css selector", "#phones tbody tr")
    device = row.get_attribute("id").removeprefix("phone-")
    assert "有效" in row.text
    assert driver.find_element("id", "phone-codes").text == "1 部手机在用（见下方）"
    console.shot("member-phones-zh")
    console.submit(f"#revoke-{device}")
    assert "这部手机已停用" in console.text()
    assert driver.find_element("id", "phone-codes").text == "没有在用的手机"
    WebDriverWait(driver, 10).until(
        lambda d: "已停用" in d.find_element("id", f"phone-{device}").text
    )
    refused = sign_in(console, key, code)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_code"
    by_card = requests_sign_in_card(console, key, card)
    assert by_card == 201
    [revoked] = audited(console, "phone_revoked")
    assert (revoked["staff"], revoked["member"], revoked["device"]) == ("zhao", member, device)

    # A phone is revoked only through its own member's page: a form crafted with another
    # member's number (and a valid CSRF token) is not found, and nothing is audited.
    other = console.add_member("李伯伯")
    console.open(f"/staff/members/{other}")
    assert not driver.find_elements("css selector", "#phones")
    driver.execute_script(
        """const f = document.querySelector("form[action$='/enrol']");
        f.action = arguments[0]; f.submit();""",
        f"/staff/members/{other}/devices/{device}/revoke",
    )
    WebDriverWait(driver, 10).until(lambda d: "/devices/" in d.current_url)
    assert "找不到" in console.text() or "not found" in console.text().lower(), console.text()
    assert len(audited(console, "phone_revoked")) == 1


def requests_sign_in_card(console: Console, key: str, card: str) -> int:
    import requests

    answer = requests.post(
        console.url + "/v1/sessions",
        json={"code": card, "pin": "2468"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    return answer.status_code
