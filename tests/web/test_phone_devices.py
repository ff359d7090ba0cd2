"""The member's own phones on the phone (issue 16 point 1): two phones enrolled, the member sees
both (this one marked) and switches the other off alone from this one; then this one too. A
switched-off phone's code is refused at the kiosk at once; the other phone's keeps working
until it too is off. Headless Chromium as phone A, a plain HTTP client as phone B."""

from __future__ import annotations

import requests
from selenium.webdriver.support.wait import WebDriverWait

from ledger.cli import call
from tests.web.conftest import Console
from tests.web.test_phone import PHONE, shown_code, sign_in


def enrol_link(console: Console, member: str) -> str:
    argv = ["--db", console.db_url, "member", "enrol", member, "--public-url", console.url]
    return str(call(argv)["url"])


def test_a_member_sees_their_phones_and_switches_one_off_alone(console: Console) -> None:
    driver = console.driver
    key = call(["--db", console.db_url, "kiosk", "add", "--name", "社区中心"])["key"]
    member = console.add_member("王秀英", coins=50)
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        driver.get(enrol_link(console, member))  # phone A
        code_a = shown_code(driver)
        phone_b = requests.Session()
        assert phone_b.get(enrol_link(console, member), timeout=30).status_code == 200
        assert "王秀英" in phone_b.get(console.url + "/m/", timeout=30).text

        console.open("/m/devices")
        rows = driver.find_elements("css selector", "#devices li")
        assert [r.find_element("css selector", ".m-say").text for r in rows] == [
            "另一部手机",
            "这部手机",
        ]  # newest first: B was enrolled after A
        console.shot("phone-devices-zh")
        other = rows[0].get_attribute("id").removeprefix("device-")
        this = rows[1].get_attribute("id").removeprefix("device-")
        # No CSRF token, no switch-off (phone B trying to switch A off by hand).
        forged = phone_b.post(f"{console.url}/m/devices/{this}/off", timeout=30)
        assert forged.status_code == 403

        rows[0].find_element("tag name", "summary").click()
        assert "确定吗" in rows[0].text
        console.submit(f"#off-{other}")
        assert "那部手机已停用" in console.text()
        assert len(driver.find_elements("css selector", "#devices li")) == 1
        assert "已停用" in phone_b.get(console.url + "/m/", timeout=30).text
        assert sign_in(console, key, code_a).status_code == 201  # A still signs in

        mine = driver.find_element("css selector", f"#device-{this}")
        mine.find_element("tag name", "summary").click()
        console.submit(f"#off-{this}")
        assert "这部手机已停用" in console.text()
        console.shot("phone-devices-self-off-zh")
        console.open("/m/")
        WebDriverWait(driver, 10).until(lambda d: "还没有登记" in console.text())
        assert not driver.find_element("id", "qr").is_displayed()
        refused = sign_in(console, key, code_a)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_code"
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
