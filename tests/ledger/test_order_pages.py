"""The console's reservations and pools page (/staff/orders) over real HTTP on SQLite and
PostgreSQL: a clerk reads what members reserved and pooled, grouped open / collected / failed /
expired, in the office's time; the page has no form; without a login it is the login page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from ledger import pools, reservations
from ledger.cli import call, with_book
from ledger.db import Kiosk
from tests.ledger.conftest import Bank, ManualClock, start_bank

PASSWORD = "correct horse 1"


@pytest.fixture
def office(db_url: str, clock: ManualClock) -> Iterator[Bank]:
    for bank in start_bank(db_url, clock=clock):
        bank.set_item("water", 30)
        lockers = [{"locker": "0:1", "sku": "water", "count": 3, "inspect": None}]
        event = {"kind": "inventory", "at": clock().isoformat(), "data": {"lockers": lockers}}
        assert bank.call("POST", "/v1/kiosks/me/events", {"events": [event]}).status_code == 202
        call(["--db", db_url, "staff", "add", "lin", "--role", "clerk"], stdin=PASSWORD)
        yield bank


def clerk(url: str) -> requests.Session:
    http = requests.Session()
    page = http.get(url + "/staff/login", timeout=30).text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    form = {"csrf": token.group(1), "username": "lin", "password": PASSWORD}
    assert http.post(url + "/staff/login", data=form, timeout=30).url == url + "/staff/"
    return http


def rows(page: str, table: str) -> dict[str, str]:
    """Row id -> the row's text (tags dropped), of one table on the page."""
    body = re.search(rf'<table class="list" id="{table}">(.*?)</table>', page, re.S)
    if body is None:
        return {}
    found = re.findall(r'<tr id="([^"]+)"[^>]*>(.*?)</tr>', body.group(1), re.S)
    return {i: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for i, text in found}


def test_a_clerk_reads_reservations_and_pools_by_what_became_of_them(
    office: Bank, clock: ManualClock
) -> None:
    db = office.db_url
    kiosk = with_book(db, lambda s: s.scalar(select(Kiosk.id).where(Kiosk.name == "Test kiosk")))
    wang, _ = office.add_member(200)
    li, _ = office.add_member(200)
    zhou, _ = office.add_member(200)
    day = timedelta(hours=24)
    made = datetime(2026, 12, 6, 1, 5, tzinfo=UTC)  # 09:05 at the office (Asia/Shanghai)
    clock.now = made

    def reserve(member: str, ttl: timedelta = day) -> str:
        return with_book(
            db, lambda s: reservations.reserve(s, member, kiosk, "water", clock(), ttl).id
        )

    waiting = reserve(wang)
    lapsed = reserve(li, ttl=timedelta(hours=1))
    refused = reserve(zhou)
    answer = office.call(
        "POST",
        f"/v1/kiosks/me/reservations/{refused}/refuse",
        {"reason": "not_stocked"},
        idem="refuse-1",
    )
    assert answer.status_code == 200, answer.text
    gathering = with_book(db, lambda s: pools.start(s, wang, "water", 2, clock()).id)
    with_book(db, lambda s: pools.pledge(s, gathering, li, 20, clock()))
    full = with_book(db, lambda s: pools.start(s, zhou, "water", 1, clock()).id)
    with_book(db, lambda s: pools.pledge(s, full, zhou, 30, clock()))
    given_up = with_book(db, lambda s: pools.start(s, li, "water", 3, clock()).id)
    with_book(db, lambda s: pools.cancel(s, given_up, li, clock()))
    clock.advance(hours=2)  # `lapsed` was not collected in its hour

    http = clerk(office.url)
    page = http.get(office.url + "/staff/orders", timeout=30)
    assert page.status_code == 200
    shown = rows(page.text, "reservations")
    assert set(shown) == {f"res-{waiting}"}  # open first: what still needs someone
    assert "2026-12-06 09:05" in shown[f"res-{waiting}"]  # the office's time, not UTC
    assert "等待自助机留货" in shown[f"res-{waiting}"] and "30" in shown[f"res-{waiting}"]
    assert set(rows(page.text, "pools")) == {f"pool-{gathering}", f"pool-{full}"}
    assert "20 / 60" in rows(page.text, "pools")[f"pool-{gathering}"]
    assert "已凑满，待领取" in rows(page.text, "pools")[f"pool-{full}"]
    assert "<form" not in page.text.split("<main>")[1]  # read only: no form but the logout's

    failed = http.get(office.url + "/staff/orders?show=failed", timeout=30).text
    assert set(rows(failed, "reservations")) == {f"res-{refused}"}
    assert "留的物品被取出，币已退回" in rows(failed, "reservations")[f"res-{refused}"]
    assert set(rows(failed, "pools")) == {f"pool-{given_up}"}

    expired = http.get(office.url + "/staff/orders?show=expired", timeout=30).text
    assert set(rows(expired, "reservations")) == {f"res-{lapsed}"}
    assert 'id="no-pools"' in expired

    everything = http.get(office.url + "/staff/orders?show=all", timeout=30).text
    assert len(rows(everything, "reservations")) == 3 and len(rows(everything, "pools")) == 3
    collected = http.get(office.url + "/staff/orders?show=collected", timeout=30).text
    assert 'id="no-reservations"' in collected and 'id="no-pools"' in collected
    english = http.get(office.url + "/lang/en?next=/staff/orders", timeout=30).text
    assert "Reservations and pools" in english and "Waiting for the kiosk" in english

    stranger = requests.get(office.url + "/staff/orders", timeout=30, allow_redirects=False)
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/staff/login")
