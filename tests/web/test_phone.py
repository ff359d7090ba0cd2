"""The member's phone in a real browser (headless Chromium on loopback, a secure context):
the enrolment link shows the code page with no typing and no tap; the QR code read from a
screenshot signs in at the ledger as a kiosk would; with the network cut the page still
shows fresh codes, and opens again with the ledger down; the link works once; a revoked
phone's code is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image
from selenium.webdriver.support.wait import WebDriverWait

from ledger import members
from ledger.cli import call, with_book
from ledger.server import EmbeddedLedger
from tests.web.conftest import Console

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}  # a cheap Android
STEP_S = 30


def read_qr(path: Path) -> str:
    """The one QR code in a screenshot, as a kiosk's scanner reads it."""
    import zxingcpp

    found = zxingcpp.read_barcodes(Image.open(path))
    assert len(found) == 1, f"{len(found)} codes found in {path}"
    return str(found[0].text)


def shown_code(driver: Any) -> str:
    """The code the page drew last (what its QR holds), once it has drawn one."""
    WebDriverWait(driver, 20).until(
        lambda d: (
            d.find_element("id", "qr").is_displayed()
            and d.find_element("id", "qr").get_attribute("data-code")
        )
    )
    return str(driver.find_element("id", "qr").get_attribute("data-code"))


def next_code(driver: Any, after: str) -> str:
    """Wait (at most one step) for the page to draw the next step's code by itself."""
    WebDriverWait(driver, STEP_S + 10).until(lambda d: shown_code(d) != after)
    return shown_code(driver)


def sign_in(console: Console, key: str, code: str) -> requests.Response:
    return requests.post(
        console.url + "/v1/sessions",
        json={"code": code},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def test_enrol_by_link_show_the_code_offline_too_and_revoke(console: Console) -> None:
    driver = console.driver
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    key = call(["--db", console.db_url, "kiosk", "add", "--name", "社区中心"])["key"]
    member = console.add_member("王秀英", coins=120)
    link = call(["--db", console.db_url, "member", "enrol", member, "--public-url", console.url])[
        "url"
    ]

    driver.get(link)  # nothing typed, nothing tapped from here on
    code = shown_code(driver)
    assert driver.current_url == console.url + "/m/"  # the one-time link left no trace
    assert "王秀英" in console.text() and "120" in console.text()
    read = read_qr(console.shot("phone-code-zh"))
    assert read == code and read.startswith(f"tb1:{member}:")
    answer = sign_in(console, key, read)
    assert answer.status_code == 201, answer.text
    assert answer.json()["member"]["id"] == member and answer.json()["member"]["name"] == "王秀英"

    console.open("/lang/en?next=/m/")
    assert "Balance as of" in console.text() and "120 coins" in console.text()
    console.shot("phone-code-en")
    console.open("/lang/zh?next=/m/")

    # No signal: the page keeps drawing codes from the secret it keeps; the ledger takes them.
    driver.set_network_conditions(offline=True, latency=0, throughput=0)
    try:
        next_code(driver, code)  # a new step drawn with no signal
        WebDriverWait(driver, STEP_S + 10).until(lambda d: "没有网络" in console.text())
        # Waiting for the offline notice can cross another step: read what is shown now.
        before = shown_code(driver)
        read = read_qr(console.shot("phone-code-offline-zh"))
        after = shown_code(driver)
        assert read in {before, after} and read != code  # fresh, not the last online one
        assert "王秀英" in console.text() and "120" in console.text()
    finally:
        driver.delete_network_conditions()
    answer = sign_in(console, key, read)
    assert answer.status_code == 201, answer.text
    assert answer.json()["member"]["id"] == member

    # The link works once.
    driver.get(link)
    assert "已经用过或已过期" in console.text()
    console.shot("phone-link-used-zh")

    # A lost phone revoked: its code is refused at once; its page forgets the secret.
    device = call(["--db", console.db_url, "member", "devices", member])["devices"][0]["device"]
    call(["--db", console.db_url, "member", "device-revoke", device])
    console.open("/m/")
    WebDriverWait(driver, 10).until(lambda d: "还没有登记" in console.text())
    assert not driver.find_element("id", "qr").is_displayed()
    assert driver.execute_script("return localStorage.getItem('timebank.device')") is None
    refused = sign_in(console, key, read)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_code"


def test_the_balance_is_as_of_the_office_time_whatever_the_phone_clock_says(
    console: Console,
) -> None:
    """A phone whose clock is set to another zone (here New York) says when its balance was
    synced in the office's time zone (the ledger's office_tz), as a Chinese date and time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    driver = console.driver
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    try:
        for office in ("Asia/Shanghai", "Asia/Kolkata"):  # the default, then another one
            if office != "Asia/Shanghai":
                call(["--db", console.db_url, "settings", "set", "office_tz", office])
            member = console.add_member("周阿姨", coins=30)
            argv = ["--db", console.db_url, "member", "enrol", member]
            driver.get(call([*argv, "--public-url", console.url])["url"])
            shown_code(driver)
            WebDriverWait(driver, 20).until(
                lambda d: "余额更新于" in d.find_element("id", "synced").text
            )
            # What the page says and the sync it says it of, read together.
            text, at = driver.execute_script(
                "return [document.getElementById('synced').textContent,"
                " JSON.parse(localStorage.getItem('timebank.status')).at]"
            )
            local = datetime.fromisoformat(at).astimezone(ZoneInfo(office))
            assert text == f"余额更新于 {local.month}月{local.day}日 {local:%H:%M}"
            assert driver.execute_script("return new Date().getTimezoneOffset()") in (300, 240)
        console.shot("phone-code-office-time-zh")
    finally:
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def test_the_simulated_kiosk_signs_in_with_the_phone_screen_and_hands_out_an_item(
    tmp_path: Path, driver: Any, screenshots: Path
) -> None:
    """The whole way: the QR code read off the phone's screen goes in through the simulated
    scanner to the real kiosk (sim/site.py), which signs the member in and vends."""
    from kiosk.app import build
    from kiosk.core.config import load_config
    from kiosk.core.view import SessionState
    from sim.site import SimulatedSite
    from tests.core.conftest import visitor
    from tests.core.test_session import Views

    with SimulatedSite(tmp_path / "site") as site:
        member = site.member("王阿姨")["member"]
        argv = ["--db", site.staff.db_url, "member", "enrol", member]
        link = call([*argv, "--public-url", site.ledger.url])["url"]
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        driver.get(link)
        shown_code(driver)
        runtime = build(load_config(site.config_path))
        try:
            runtime.start()
            views = Views()
            runtime.controller.subscribe(views)
            # Under load the first health check can time out; only staff may sign in to a kiosk
            # out of service, so the member comes once the next check finds the ledger again.
            if runtime.health.reason is not None:
                runtime.health.check_now()
                views.wait(SessionState.IDLE, timeout=30)
            # The code is read off the screen only now, with the kiosk ready: a phone code
            # lives one 30 s step, which a slow kiosk start under load can use up.
            shown_code(driver)
            shot = screenshots / "phone-code-at-kiosk-zh.png"
            driver.save_screenshot(str(shot))
            code = read_qr(shot)
            site.scanner.present(code)  # the phone held to the kiosk's scanner
            v = views.wait(SessionState.BROWSING, timeout=15)
            assert v.member_name == "王阿姨" and v.balance == 120
            visitor(site, "0:1")
            runtime.controller.add("tissues")
            runtime.controller.checkout()
            views.wait(SessionState.CONFIRMING)
            runtime.controller.confirm()
            v = views.wait(SessionState.RESULT, timeout=15)
            assert v.result.ok and v.balance == 120 - 15
            assert site.cabinet.pulses(0, 1) == 1
        finally:
            runtime.close()
        assert site.balance(member) == 105


def test_the_code_page_opens_again_with_no_signal(
    tmp_path: Path, driver: Any, screenshots: Path
) -> None:
    """The phone opens the code page again while the ledger cannot be reached (here: it is
    stopped): the page comes from the phone's offline copy (sw.js) and shows a code the
    ledger accepts once it is back, on the same address."""
    db_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    ledger = EmbeddedLedger(db_url).start()
    try:
        key = call(["--db", db_url, "kiosk", "add", "--name", "街道办"])["key"]
        member = with_book(db_url, lambda s: members.add_member(s, "李伯伯", coins=10).id)
        link = call(["--db", db_url, "member", "enrol", member, "--public-url", ledger.url])["url"]
        driver.get(link)
        shown_code(driver)
        WebDriverWait(driver, 20).until(
            lambda d: d.execute_script("return !!navigator.serviceWorker.controller")
        )
        url, port = ledger.url, ledger.port
    finally:
        ledger.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/m/", timeout=5)

    driver.get(url + "/m/")  # no ledger to answer: the offline copy does
    code = shown_code(driver)
    WebDriverWait(driver, 20).until(lambda d: "没有网络" in d.find_element("tag name", "body").text)
    assert "李伯伯" in driver.find_element("tag name", "body").text
    shot = screenshots / "phone-code-ledger-down-zh.png"
    driver.save_screenshot(str(shot))
    assert read_qr(shot) == code

    with EmbeddedLedger(db_url, port=port) as back:
        answer = requests.post(
            back.url + "/v1/sessions",
            json={"code": code},
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
    assert answer.status_code == 201, answer.text
    assert answer.json()["member"]["id"] == member
