"""The book read back for staff, on both databases: one row per business event in local time
(ledger.statement), the reports' figures (ledger.reports), retiring an item, and the fleet's
stock and alerts from what a kiosk reported over HTTP (ledger.fleet)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ledger import catalog, corrections, fleet, income, kiosks, reports, statement
from ledger.cli import with_book
from ledger.db import Role, utcnow
from ledger.errors import BadRequest
from tests.ledger.conftest import Bank

SHANGHAI = ZoneInfo("Asia/Shanghai")


def exchange(bank: Bank, session: str, sku: str, price: int, key: str | None = None) -> str:
    r = bank.call(
        "POST",
        "/v1/holds",
        {"session": session, "sku": sku, "locker": "0:1", "price": price},
        key=key,
        idem=uuid.uuid4().hex,
    )
    assert r.status_code == 201, r.text
    hold = r.json()["hold"]
    r = bank.call("POST", f"/v1/holds/{hold}/capture", key=key, idem=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    return str(hold)


def this_month() -> statement.Period:
    month = utcnow().astimezone(SHANGHAI).strftime("%Y-%m")
    return statement.months_period(month, month)


def test_one_row_per_event_in_local_time_with_names_and_the_reports_figures(bank: Bank) -> None:
    bank.set_item("tea", 5)
    bank.set_item("rice", 20)
    wang, secret = bank.add_member(100)
    li, _ = bank.add_member(0)
    bank.add_member(0, Role.TECHNICIAN)  # never exchanges, never listed as idle
    session = bank.login(wang, secret)
    exchange(bank, session, "tea", 5)
    rice = exchange(bank, session, "rice", 20)

    def more(s: Any) -> None:
        corrections.refund(s, rice, "wrong item", "li")
        income.credit_hours(s, li, "2.5")
        income.credit_hours(s, wang, "1")
        reports.set_ranking_opt_in(s, li, True)

    with_book(bank.db_url, more)
    rows = with_book(bank.db_url, lambda s: statement.events(s, this_month()))
    # grant of 100, two exchanges, the refund, two hour credits: six events, not twelve postings
    assert [r["kind"] for r in rows] == [
        "grant",
        "redemption",
        "redemption",
        "refund",
        "volunteer_hours",
        "volunteer_hours",
    ]
    assert [(r["member"], r["coins"], r["balance_after"]) for r in rows] == [
        (wang, 100, 100),
        (wang, -5, 95),
        (wang, -20, 75),
        (wang, 20, 95),
        (li, 25, 25),
        (wang, 10, 105),
    ]
    tea = rows[1]
    assert tea["item"] == {"zh": "tea中", "en": "tea"} and tea["kiosk_name"] == "Test kiosk"
    assert rows[3]["item"]["zh"] == "rice中" and rows[3]["actor"] == "li"
    assert [r["hours"] for r in rows[4:]] == [Decimal("2.5"), Decimal("1")]
    for row in rows:  # the office's clock: UTC+8
        shown = datetime.strptime(row["local_time"], "%Y-%m-%d %H:%M:%S")
        assert shown == row["at"].astimezone(UTC).replace(tzinfo=None, microsecond=0) + timedelta(
            hours=8
        )
    only_li = with_book(bank.db_url, lambda s: statement.events(s, this_month(), li))
    assert [(r["kind"], r["coins"]) for r in only_li] == [("volunteer_hours", 25)]

    data = with_book(bank.db_url, lambda s: reports.summary(s, this_month()))
    (month,) = data["exchanges"]
    assert (month["count"], month["coins"]) == (1, 5)  # the rice came back: one exchange left
    assert [(e["key"], e["count"], e["coins"]) for e in data["by_item"]] == [
        ("tea", 1, 5),
        ("rice", 0, 0),
    ]
    assert data["by_kiosk"][0]["label"]["zh"] == "Test kiosk"
    (coins,) = data["coins"]
    assert coins == {"month": month["month"], "issued": 135, "redeemed": 5, "outstanding": 130}
    assert bank.balance(wang) + bank.balance(li) == 130
    assert data["hours"][0]["hours"] == Decimal("3.5")
    # Only li agreed to be named; wang is counted for staff to ask, never listed.
    assert data["ranking"]["listed"] == [
        {"member": li, "name": "测试 Test", "hours": Decimal("2.5"), "place": 1}
    ]
    assert [v["member"] for v in data["ranking"]["not_opted_in"]] == [wang]

    idle = with_book(
        bank.db_url,
        lambda s: reports.idle_members(s, 3, utcnow(), statement.Period()),
    )
    assert [r["member"] for r in idle] == [li]  # wang exchanged this month; no technician
    assert idle[0]["last_exchange"] == "" and idle[0]["balance"] == 25


def test_a_reversal_of_hours_takes_them_back_and_an_earlier_month_is_the_opening(
    bank: Bank,
) -> None:
    member, _ = bank.add_member(40)

    def credit(s: Any) -> int:
        return int(income.credit_hours(s, member, "3").id)

    tx = with_book(bank.db_url, credit)
    with_book(bank.db_url, lambda s: corrections.reverse(s, tx, "typed twice", "li"))
    data = with_book(bank.db_url, lambda s: reports.summary(s, this_month()))
    assert data["hours"][0]["hours"] == Decimal("0")
    assert data["coins"][0]["issued"] == 40
    # A period after all of it: nothing happens in it, the coins are still out.
    later = statement.months_period("2099-01", "2099-02")
    data = with_book(bank.db_url, lambda s: reports.summary(s, later))
    assert [c["outstanding"] for c in data["coins"]] == [40, 40]
    assert [c["issued"] for c in data["coins"]] == [0, 0]


def test_a_retired_item_leaves_the_kiosks_catalog_and_takes_no_hold(bank: Bank) -> None:
    bank.set_item("soap", 4)
    member, secret = bank.add_member(50)
    with_book(bank.db_url, lambda s: catalog.set_retired(s, "soap", True))
    assert bank.call("GET", "/v1/catalog").json()["items"] == []
    body = {"session": bank.login(member, secret), "sku": "soap", "locker": "0:1", "price": 4}
    r = bank.call("POST", "/v1/holds", body, idem="h1")
    assert (r.status_code, r.json()["error"]) == (404, "unknown_sku")
    listed = with_book(bank.db_url, catalog.list_all)
    assert [(i["sku"], i["retired"]) for i in listed] == [("soap", True)]
    with_book(bank.db_url, lambda s: catalog.set_retired(s, "soap", False))
    assert [i["sku"] for i in bank.call("GET", "/v1/catalog").json()["items"]] == ["soap"]
    assert bank.call("POST", "/v1/holds", body, idem="h2").status_code == 201


def test_the_fleet_shows_what_a_kiosk_reported_and_flags_near_and_past_dates(bank: Bank) -> None:
    bank.set_item("milk", 6)
    other = bank.add_kiosk("二号机")
    today = utcnow().astimezone(SHANGHAI).date()
    lockers = [
        {"locker": "0:1", "sku": "milk", "count": 2, "best_before": str(today - timedelta(1))},
        {"locker": "0:2", "sku": "milk", "count": 1, "best_before": str(today + timedelta(3))},
        {"locker": "0:3", "sku": "milk", "count": 4, "best_before": str(today + timedelta(30))},
        {"locker": "0:4", "sku": "milk", "count": 0, "best_before": str(today - timedelta(9))},
    ]
    at = datetime.now(UTC).isoformat()
    batch = [
        {"kind": "inventory", "at": at, "data": {"lockers": lockers}},
        {"kind": "alarm", "at": at, "data": {"what": "service_door", "open": True}},
        {"kind": "service", "at": at, "data": {"mode": "out_of_service", "reason": "cleaning"}},
        {"kind": "fault", "at": at, "data": {"what": "board 0 silent"}},
    ]
    r = bank.call("POST", "/v1/kiosks/me/events", {"events": batch})
    assert r.status_code == 202, r.text
    query = fleet.FleetQuery(utcnow())
    data = with_book(bank.db_url, lambda s: fleet.fleet(s, query))
    first, second = sorted(data["kiosks"], key=lambda k: k["name"] != "Test kiosk")
    assert [x["state"] for x in first["stock"]] == ["expired", "near_expiry", "ok", "ok"]
    assert first["stock"][0]["name"] == {"zh": "milk中", "en": "milk"}
    assert first["service"]["in_service"] is False and first["service"]["reason"] == "cleaning"
    assert first["door"]["open"] is True and first["faults"][0]["what"] == "board 0 silent"
    assert first["last_contact"] is not None and not first["silent"]
    assert second["stock"] == [] and second["silent"] and second["service"]["in_service"]
    assert [(a["locker"], a["state"]) for a in data["alerts"]] == [
        ("0:1", "expired"),
        ("0:2", "near_expiry"),
    ]
    # The door shut again: no more alarm. The other kiosk revoked: listed, no alert.
    shut = {"kind": "alarm", "at": at, "data": {"what": "service_door", "open": False}}
    assert bank.call("POST", "/v1/kiosks/me/events", {"events": [shut]}).status_code == 202

    def revoke(s: Any) -> None:
        found = [k for k in kiosks.list_kiosks(s) if k["name"] == "二号机"]
        kiosks.revoke_kiosk(s, found[0]["kiosk"])

    with_book(bank.db_url, revoke)
    data = with_book(bank.db_url, lambda s: fleet.fleet(s, fleet.FleetQuery(utcnow())))
    first, second = sorted(data["kiosks"], key=lambda k: k["name"] != "Test kiosk")
    assert first["door"]["open"] is False and second["revoked"] and not second["silent"]
    assert other and len(data["alerts"]) == 2


def test_a_months_period_is_checked(bank: Bank) -> None:
    for first, last in (("2026-13", None), ("2026-1", None), ("2026-05", "2026-04")):
        with pytest.raises(BadRequest):
            statement.months_period(first, last)
    with pytest.raises(BadRequest, match="at most 120"):
        reports.months_of(statement.months_period("2000-01", "2026-01"))
    with pytest.raises(BadRequest):
        with_book(bank.db_url, lambda s: reports.idle_members(s, 0, utcnow(), statement.Period()))
