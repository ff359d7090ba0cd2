"""Rate limits inside the ledger, over real HTTP on SQLite and PostgreSQL: an event flood from
one kiosk gets 429 rate_limited with Retry-After while other kiosks carry on (and the kiosk's
outbox keeps what was refused); wrong sign-in guesses from one client address get 429
locked_out past their burst, right ones cost nothing, and another address is not affected.
"""

from __future__ import annotations

import hashlib
import http.client
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import requests
from sqlalchemy import func, select

from kiosk.core.outbox import EventOutbox
from kiosk.ledger_client import LedgerClient
from ledger.cli import with_book
from ledger.db import KioskEvent, Member
from ledger.rate_limits import KIOSK_EVENTS, SIGNIN_GUESSES, Buckets, Rate
from tests.ledger.conftest import Bank, ManualClock
from tests.ledger.pairing_helpers import Phone, start_pairing

EVENT = {"kind": "inventory", "at": "2026-12-01T08:00:00+00:00", "data": {"locker": "0:1"}}


def send_events(bank: Bank, count: int, key: str | None = None) -> requests.Response:
    return bank.call("POST", "/v1/kiosks/me/events", {"events": [EVENT] * count}, key=key)


def stored(bank: Bank) -> int:
    return int(with_book(bank.db_url, lambda s: s.scalar(select(func.count(KioskEvent.id)))))


def test_an_event_flood_from_one_kiosk_gets_429_and_other_kiosks_carry_on(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    bank = clocked_bank
    burst = int(KIOSK_EVENTS.burst)
    for _ in range(burst // 1000):  # a full bucket: batches as large as the ledger takes
        r = send_events(bank, 1000)
        assert (r.status_code, r.json()) == (202, {"stored": 1000}), r.text
    r = send_events(bank, 200)
    wait = 200 / KIOSK_EVENTS.per_second  # 20 s for 200 events at 10 a second
    assert r.status_code == 429, r.text
    assert r.json()["error"] == "rate_limited" and r.json()["retry_after"] == wait
    assert r.headers["Retry-After"] == str(int(wait))
    assert stored(bank) == burst  # the refused batch was not stored

    other = bank.add_kiosk("Kiosk next door")
    assert send_events(bank, 200, key=other).status_code == 202

    clock.advance(seconds=wait - 1)
    assert send_events(bank, 200).status_code == 429
    clock.advance(seconds=1)
    assert send_events(bank, 200).status_code == 202
    assert stored(bank) == burst + 400


def test_the_kiosks_outbox_keeps_events_refused_by_the_rate_limit(
    clocked_bank: Bank, clock: ManualClock, tmp_path: Path
) -> None:
    bank = clocked_bank
    for _ in range(int(KIOSK_EVENTS.burst) // 1000):
        assert send_events(bank, 1000).status_code == 202
    outbox = EventOutbox(LedgerClient(bank.url, bank.key, retries=0), tmp_path / "journal.db")
    try:
        outbox.post("inventory", {"locker": "0:1"})  # its sending thread is not started
        assert outbox.send_pending() == 1  # 429 is not final: kept, not dropped
        assert outbox.dropped == 0 and "rate_limited" in (outbox.last_error or "")
        clock.advance(seconds=1)
        assert outbox.send_pending() == 0
    finally:
        outbox.close()


def unknown_members(bank: Bank, n: int) -> list[str]:
    taken = set(with_book(bank.db_url, lambda s: list(s.scalars(select(Member.id)))))
    return [m for m in (f"m{i:06d}" for i in range(10**6)) if m not in taken][:n]


def sign_in(bank: Bank, code: str) -> requests.Response:
    return bank.call("POST", "/v1/sessions", {"code": code})


def sign_in_from(bank: Bank, source: str, code: str) -> tuple[int, dict[str, Any]]:
    """POST /v1/sessions from another loopback address (Linux answers all of 127/8)."""
    where = urlsplit(bank.url)
    conn = http.client.HTTPConnection(where.hostname or "", where.port, source_address=(source, 0))
    try:
        body = json.dumps({"code": code})
        headers = {"Authorization": f"Bearer {bank.key}", "Content-Type": "application/json"}
        conn.request("POST", "/v1/sessions", body, headers)
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


def test_wrong_guesses_from_one_address_are_limited_and_right_ones_cost_nothing(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    bank = clocked_bank
    burst = int(SIGNIN_GUESSES.burst)
    # Five wrong codes per member number (the fifth locks it), over as many numbers as needed.
    *nobody, spare, other = unknown_members(bank, burst // 5 + 2)
    guesses = [f"tb1:{m}:{n:08d}" for m in nobody for n in range(5)]
    for code in guesses[:-1]:
        assert sign_in(bank, code).status_code in (401, 429)
    # One guess left: members signing in with right codes meanwhile take none of it.
    members = [bank.add_member(coins=1) for _ in range(5)]
    at = clock.now.timestamp()
    for member, secret in members:
        otp = pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30).at(at)
        assert sign_in(bank, f"tb1:{member}:{otp}").status_code == 201
    assert sign_in(bank, guesses[-1]).status_code == 429  # the last guess: its member locks

    r = sign_in(bank, f"tb1:{spare}:12345678")  # past the burst: refused before any check
    wait = int(1 / SIGNIN_GUESSES.per_second)
    assert (r.status_code, r.json()["error"], r.json()["retry_after"]) == (429, "locked_out", wait)
    assert "address" in r.json()["message"] and r.headers["Retry-After"] == str(wait)
    # The phone page from the same address is refused alike.
    page = Phone(start_pairing(bank)["url"])
    answer = page.sign_in(method="phone", member=spare, otp="12345678")
    assert answer.status_code == 429 and "Too many wrong tries" in answer.text

    # Another address is not affected; this one gets a guess back after `wait` seconds.
    status, body = sign_in_from(bank, "127.0.0.2", f"tb1:{spare}:12345678")
    assert (status, body["error"]) == (401, "invalid_code"), body
    clock.advance(seconds=wait)
    assert sign_in(bank, f"tb1:{other}:12345678").status_code == 401
    assert sign_in(bank, f"tb1:{other}:12345678").status_code == 429


def test_buckets_stay_bounded_and_keep_the_flooding_key() -> None:
    now = [datetime(2026, 12, 1, tzinfo=UTC).timestamp()]
    buckets = Buckets(Rate(burst=2, per_second=1), lambda: now[0], max_keys=3)
    assert buckets.take("flood", 2) == 0
    for key in ("a", "b", "c", "d"):
        assert buckets.take("flood") == 1.0  # still empty: its bucket is used most recently
        assert buckets.take(key) == 0
    assert len(buckets._buckets) == 3  # "a" and "b" were forgotten, the flood was not
    now[0] -= 100  # a clock set back refills nothing
    assert buckets.take("flood") == 1.0
