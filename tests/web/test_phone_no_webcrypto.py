"""The code page on a phone whose browser cannot compute the member code, on the cheap Android
in WeChat as emulated (tests/web/cheap_phone.py), in Chinese and English: over plain http (a
real insecure context: a name mapped to loopback, so no `crypto.subtle`), with `crypto.subtle`
taken away before the page runs (an old WebView), and with scripts off. Each time the member
sees, in the QR code's place, what to do, and staff a line saying why; never a blank."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ledger.cli import call
from tests.web.cheap_phone import emulate, problems
from tests.web.conftest import Console, chromium

HOST = "timebank.test"  # not localhost: Chromium treats a page from it as not secure
NO_SUBTLE = "delete Crypto.prototype.subtle;"  # what a browser without WebCrypto has
SAYS = {
    "zh": ("显示不了会员码", "请先用会员卡兑换", "服务站"),
    "en": ("cannot show your member code", "Use your member card", "ask the office"),
}
WHY = {
    "http": {"zh": "不是用 https 打开的", "en": "not opened over https"},
    "old": {"zh": "没有 WebCrypto", "en": "no WebCrypto"},
}


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """This file's headless Chromium: as tests/web/conftest.py's, and HOST resolves to
    127.0.0.1, so a ledger on loopback is also reached the way a phone reaches it over http."""
    with chromium(tmp_path_factory, f"--host-resolver-rules=MAP {HOST} 127.0.0.1") as browser:
        yield browser


def enrol(console: Console, url: str, lang: str) -> None:
    """The member's phone, in `lang`, opens their enrolment link made for `url`."""
    member = console.add_member("王秀英", coins=120)
    console.driver.get(f"{url}/lang/{lang}?next=/m/")
    argv = ["--db", console.db_url, "member", "enrol", member, "--public-url", url]
    console.driver.get(call(argv)["url"])


def shows_what_to_do(console: Console, lang: str, why: str) -> None:
    """In the QR code's place: what the member can do, and the staff's line for `why`."""
    driver = console.driver
    message = driver.find_element("id", "no-crypto")
    assert message.is_displayed()
    for words in SAYS[lang]:
        assert words in message.text, message.text
    other = "old" if why == "http" else "http"
    assert driver.find_element("id", f"no-crypto-{why}").is_displayed()
    assert WHY[why][lang] in message.text
    assert not driver.find_element("id", f"no-crypto-{other}").is_displayed()
    assert not driver.find_element("id", "qr").is_displayed()
    assert not driver.find_element("id", "no-code").is_displayed()  # not "not enrolled"
    assert "王秀英" in console.text() and "120" in console.text()
    assert problems(driver) == []
    message_top = driver.execute_script("return arguments[0].getBoundingClientRect().top", message)
    assert 0 <= message_top < driver.execute_script("return window.innerHeight")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_over_plain_http_the_code_page_says_to_use_the_card(console: Console, lang: str) -> None:
    emulate(console.driver)
    try:
        url = console.url.replace("127.0.0.1", HOST)
        enrol(console, url, lang)
        assert console.driver.current_url == url + "/m/"
        seen = console.driver.execute_script(
            "return [window.isSecureContext, typeof (window.crypto || {}).subtle]"
        )
        assert seen == [False, "undefined"]  # a real insecure context, nothing taken away
        shows_what_to_do(console, lang, "http")
        console.shot(f"phone-no-webcrypto-http-{lang}")
    finally:
        emulate(console.driver, on=False)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_webcrypto_the_code_page_says_to_use_the_card(console: Console, lang: str) -> None:
    driver = console.driver
    emulate(driver)
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NO_SUBTLE})
    try:
        enrol(console, console.url, lang)
        seen = driver.execute_script(
            "return [window.isSecureContext, typeof (window.crypto || {}).subtle]"
        )
        assert seen == [True, "undefined"]  # a secure page, on a browser without WebCrypto
        shows_what_to_do(console, lang, "old")
        console.shot(f"phone-no-webcrypto-old-{lang}")
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", added)
        emulate(driver, on=False)


def test_with_scripts_off_the_code_page_says_to_use_the_card(console: Console) -> None:
    driver = console.driver
    emulate(driver)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        enrol(console, console.url, "zh")
        message = driver.find_element("id", "no-script")
        assert message.is_displayed()
        assert "显示不了会员码" in message.text and "JavaScript" in message.text
        assert not driver.find_element("id", "qr").is_displayed()
        assert "王秀英" in console.text()
        console.shot("phone-no-script-zh")
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        emulate(driver, on=False)
