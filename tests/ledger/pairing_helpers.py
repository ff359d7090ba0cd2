"""Test-side kiosk and phone for pairing: the kiosk polls over HTTP, the phone submits the forms."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
import requests

from ledger import kiosks
from ledger.cli import with_book
from ledger.db import utcnow
from tests.ledger.conftest import Bank, ManualClock, start_bank

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
CONFIRM_TOKEN = re.compile(r'name="confirm_token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf" value="([^"]+)"')  # the web layer's token of this session


class Phone:
    """A member's phone browser on the pairing page (no JavaScript, like the real page)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.confirm_token = ""
        self.csrf = ""

    def open(self) -> requests.Response:
        r = self.http.get(self.url, timeout=30)
        found = CSRF.search(r.text)
        self.csrf = found.group(1) if found else self.csrf
        return r

    def sign_in(self, **form: str) -> requests.Response:
        page = self.open()
        found = FORM_TOKEN.search(page.text)
        token = found.group(1) if found else ""
        data = {"csrf": self.csrf, "form_token": token, **form}
        r = self.http.post(self.url + "/signin", data=data, timeout=30)
        found = CONFIRM_TOKEN.search(r.text)
        self.confirm_token = found.group(1) if found else ""
        return r

    def decide(self, decision: str, token: str | None = None) -> requests.Response:
        data = {"csrf": self.csrf, "confirm_token": self.confirm_token if token is None else token}
        return self.http.post(
            self.url + "/confirm", data={**data, "decision": decision}, timeout=30
        )


def otp_at(secret: str, clock: ManualClock) -> str:
    """The 8-digit code the member's phone shows at the ledger's time (pyotp, not ledger code)."""
    return pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30).at(clock.now)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(utcnow())


@pytest.fixture
def timed_bank(db_url: str, clock: ManualClock) -> Iterator[Bank]:
    yield from start_bank(db_url, clock=clock)


def kiosk_at(bank: Bank, name: str, location: str) -> str:
    return with_book(bank.db_url, lambda s: kiosks.add_kiosk(s, name, location)[1])


def start_pairing(bank: Bank, key: str | None = None) -> dict[str, Any]:
    r = bank.call("POST", "/v1/pairings", {}, key=key)
    assert r.status_code == 201, r.text
    return dict(r.json())
