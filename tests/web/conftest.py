"""Fixtures: a real ledger on a loopback port (its own SQLite file per test) and a headless
Chromium driven by selenium, with a fresh profile, for the web pages.

Screenshots go to $WEB_SCREENSHOTS, else to the test run's tmp folder (printed at the end).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from ledger import members
from ledger.cli import call, with_book
from ledger.server import EmbeddedLedger

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# As the brief for CI says: no sandbox (root in a container), no GPU, nothing fetched at start.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",  # an office PC's browser window
    "--lang=zh-CN",  # as the street office's PC: dates in inputs read 年/月/日
)
PASSWORD = "correct horse 1"


class Console:
    """Test-side staff office: a running ledger, its database, and a browser on its pages."""

    def __init__(self, db_url: str, url: str, driver: Any, shots: Path) -> None:
        self.db_url, self.url, self.driver, self.shots = db_url, url, driver, shots

    def add_staff(self, username: str, role: str, name: str = "") -> None:
        argv = ["--db", self.db_url, "staff", "add", username, "--role", role]
        call([*argv, "--name", name or username], stdin=PASSWORD)

    def add_member(self, name: str, coins: int = 0) -> str:
        return str(with_book(self.db_url, lambda s: members.add_member(s, name, coins=coins).id))

    def open(self, path: str) -> None:
        self.driver.get(self.url + path)

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        self.open("/staff/login")
        self.driver.find_element("id", "username").send_keys(username)
        self.driver.find_element("id", "password").send_keys(password)
        self.submit("form button[type=submit]")

    def submit(self, selector: str) -> None:
        """Click the element (a form's button, a link) and wait for the next page: a click
        returns before the browser has loaded what it asked for."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        def gone(exc: Exception) -> bool:
            # Chromium may say "Node ... does not belong to the document" for a replaced node.
            return isinstance(exc, StaleElementReferenceException) or (
                "does not belong to the document" in str(exc)
            )

        def replaced(page: Any) -> Any:
            def check(_driver: Any) -> bool:
                try:
                    page.is_enabled()
                except WebDriverException as exc:
                    if gone(exc):
                        return True
                    raise
                return False

            return check

        for attempt in range(3):
            page = self.driver.find_element("tag name", "html")
            try:
                self.driver.find_element("css selector", selector).click()
            except WebDriverException as exc:
                # The page was replaced between finding the element and clicking it: nothing
                # was clicked, find it again.
                if not gone(exc) or attempt == 2:
                    raise
                WebDriverWait(self.driver, 30).until(
                    lambda d: d.execute_script("return document.readyState") == "complete"
                )
                continue
            WebDriverWait(self.driver, 30).until(replaced(page))
            return

    def text(self) -> str:
        return str(self.driver.find_element("tag name", "body").text)

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path


def need_pdftoppm() -> None:
    """Fail (not skip) without poppler-utils: the printed cards' tests render their PDFs."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed (Debian: apt-get install poppler-utils)")


def _need(path: str) -> None:
    if shutil.which(path) is None:
        reason = f"{path} is not installed (Debian: apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure)")
        pytest.skip(reason)


@contextlib.contextmanager
def chromium(tmp_path_factory: pytest.TempPathFactory, *flags: str) -> Iterator[Any]:
    """A headless Chromium (a fresh profile under tmp, Chinese first), with `flags` added."""
    _need(CHROMIUM)
    _need(CHROMEDRIVER)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, *flags):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    # Headless Chromium ignores --lang for navigator.languages (and Intl's default): the
    # profile's preference makes them Chinese. The date and month pickers follow the UI locale,
    # which on Linux comes from LANGUAGE and needs Debian's chromium-l10n (its zh-CN.pak,
    # installed by .ci/run): with both the pickers read 年/月/日, without them mm/dd/yyyy.
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    chinese = {**os.environ, "LANGUAGE": "zh_CN"}
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER, env=chinese))
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium per test file."""
    with chromium(tmp_path_factory) as browser:
        yield browser


def kiosk_call(console: Console, key: str, path: str, body: Any = None) -> requests.Response:
    """A call of the kiosk's API with its key (and, for money, an idempotency key)."""
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex}
    return requests.post(console.url + path, json=body, headers=headers, timeout=30)


def report_stock(console: Console, key: str, lockers: list[dict[str, Any]]) -> None:
    """The kiosk's inventory report, as it sends one when it starts and after each vend: what
    the kiosk holds, and so what members may reserve there."""
    at = datetime.now(UTC).isoformat()
    event = {"kind": "inventory", "at": at, "data": {"lockers": lockers}}
    answer = kiosk_call(console, key, "/v1/kiosks/me/events", {"events": [event]})
    assert answer.status_code == 202, answer.text


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("WEB_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("web-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def console(tmp_path: Path, driver: Any, screenshots: Path) -> Iterator[Console]:
    """A fresh ledger for each test (its own port and database), the module's browser with
    no cookies of an earlier test."""
    db_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    # Cookies are kept per host, not per port: clear them all, not only this ledger's.
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    with EmbeddedLedger(db_url) as ledger:
        yield Console(db_url, ledger.url, driver, screenshots)
