"""Reservations on the ledger (ledger.reservations, ledger.reservations_api), on SQLite and
PostgreSQL, over real HTTP for the kiosk's calls: reserve holds the coins at once, the kiosk
sets one aside or refuses (coins back), the member's tap claims the hold for the vend, and an
unclaimed reservation lapses with its hold."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ledger import expiry, reservations
from ledger.cli import with_book
from ledger.db import Kiosk
from ledger.errors import InsufficientFunds
from tests.ledger.conftest import WATER_PRICE, Bank, ManualClock

PRICE = WATER_PRICE


def kiosk_id(bank: Bank) -> str:
    return with_book(bank.db_url, lambda s: s.scalars(select(Kiosk.id)).first())


def report(bank: Bank, count: int, sku: str = "water", key: str | None = None) -> None:
    event = {
        "kind": "inventory",
        "at": datetime.now(UTC).isoformat(),
        "data": {"lockers": [{"locker": "0:1", "sku": sku, "count": count, "inspect": None}]},
    }
    r = bank.call("POST", "/v1/kiosks/me/events", {"events": [event]}, key=key)
    assert r.status_code == 202, r.text


def reserve(bank: Bank, member: str, clock: ManualClock, kiosk: str | None = None) -> str:
    where = kiosk or kiosk_id(bank)
    ttl = timedelta(seconds=reservations.DEFAULT_TTL_S)
    return with_book(
        bank.db_url, lambda s: reservations.reserve(s, member, where, "water", clock(), ttl).id
    )


def page(bank: Bank, member: str, clock: ManualClock) -> list[dict[str, Any]]:
    return with_book(bank.db_url, lambda s: reservations.of_member(s, member, clock()))


def post(bank: Bank, res: str, what: str, body: dict[str, Any], idem: str | None = None) -> Any:
    path = f"/v1/kiosks/me/reservations/{res}/{what}"
    return bank.call("POST", path, body, idem=idem or uuid.uuid4().hex)


def test_reserving_holds_the_coins_and_the_kiosk_sets_one_aside(
    shop: Bank, clock: ManualClock
) -> None:
    member, _secret = shop.add_member(100)
    report(shop, 1)
    res = reserve(shop, member, clock)
    assert shop.balance(member) == 100 - PRICE  # held at once
    waiting = shop.call("GET", "/v1/kiosks/me/reservations").json()["reservations"]
    assert [(w["reservation"], w["state"], w["price"]) for w in waiting] == [
        (res, "pending", PRICE)
    ]
    r = post(shop, res, "set-aside", {"locker": "0:1"}, idem="k1")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "set_aside" and r.json()["locker"] == "0:1"
    again = post(shop, res, "set-aside", {"locker": "0:1"}, idem="k1")
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert page(shop, member, clock)[0]["status"] == "set_aside"
    # The last one is reserved: nobody else may reserve it from the phone.
    other, _ = shop.add_member(100)
    with pytest.raises(reservations.NoneLeft):
        reserve(shop, other, clock)


def test_a_kiosk_that_sold_the_last_one_refuses_and_the_coins_come_back(
    shop: Bank, clock: ManualClock
) -> None:
    member, _secret = shop.add_member(100)
    report(shop, 1)
    res = reserve(shop, member, clock)
    r = post(shop, res, "refuse", {"reason": "sold_out"})
    assert r.status_code == 200, r.text
    assert shop.balance(member) == 100
    shown = page(shop, member, clock)[0]
    assert (shown["status"], shown["note"]) == ("failed", "sold_out")
    assert shop.call("GET", "/v1/kiosks/me/reservations").json()["reservations"] == []
    late = post(shop, res, "set-aside", {"locker": "0:1"})
    assert late.status_code == 409 and late.json()["error"] == "reservation_not_open"
    bad = post(shop, res, "refuse", {"reason": "because"})
    assert bad.status_code == 422


def test_the_member_claims_at_the_kiosk_and_the_capture_collects_it(
    shop: Bank, clock: ManualClock
) -> None:
    member, secret = shop.add_member(100)
    report(shop, 2)
    res = reserve(shop, member, clock)
    assert post(shop, res, "set-aside", {"locker": "0:1"}).status_code == 200
    session = shop.login(member, secret)
    r = post(shop, res, "claim", {"session": session}, idem="vend-key")
    assert r.status_code == 200, r.text
    hold = r.json()["hold"]
    assert r.json()["balance"] == 100 - PRICE  # the same coins, not held twice
    assert post(shop, res, "claim", {"session": session}, idem="vend-key").json()["hold"] == hold
    assert page(shop, member, clock)[0]["status"] == "collecting"
    # Being collected: the member can no longer cancel it.
    with pytest.raises(reservations.ReservationNotOpen):
        with_book(shop.db_url, lambda s: reservations.cancel(s, member, res, clock()))
    cap = shop.call("POST", f"/v1/holds/{hold}/capture", idem="vend-key:capture")
    assert cap.status_code == 200, cap.text
    assert shop.balance(member) == 100 - PRICE
    assert page(shop, member, clock)[0]["status"] == "collected"


def test_another_members_session_cannot_claim(shop: Bank, clock: ManualClock) -> None:
    member, _ = shop.add_member(100)
    thief, thief_secret = shop.add_member(100)
    report(shop, 1)
    res = reserve(shop, member, clock)
    r = post(shop, res, "claim", {"session": shop.login(thief, thief_secret)})
    assert r.status_code == 403
    assert post(shop, "r" + "0" * 16, "claim", {"session": "x"}).status_code in (401, 404)


def test_a_voided_pickup_returns_the_coins_and_says_not_collected(
    shop: Bank, clock: ManualClock
) -> None:
    member, secret = shop.add_member(100)
    report(shop, 1)
    res = reserve(shop, member, clock)
    hold = post(shop, res, "claim", {"session": shop.login(member, secret)}).json()["hold"]
    void = shop.call("POST", f"/v1/holds/{hold}/void", {"reason": "door_not_opened"}, idem="v")
    assert void.status_code == 200
    assert shop.balance(member) == 100
    assert page(shop, member, clock)[0]["status"] == "not_collected"


def test_an_unclaimed_reservation_expires_with_its_hold(shop: Bank, clock: ManualClock) -> None:
    member, secret = shop.add_member(100)
    report(shop, 1)
    ttl = timedelta(seconds=60)  # a short wait configured, so the session outlives it
    where = kiosk_id(shop)
    res = with_book(
        shop.db_url, lambda s: reservations.reserve(s, member, where, "water", clock(), ttl).id
    )
    session = shop.login(member, secret)
    clock.advance(seconds=61)
    with_book(shop.db_url, lambda s: expiry.expire_holds(s, clock()))
    assert shop.balance(member) == 100
    assert page(shop, member, clock)[0]["status"] == "expired"
    assert shop.call("GET", "/v1/kiosks/me/reservations").json()["reservations"] == []
    late = post(shop, res, "claim", {"session": session})
    assert late.status_code == 410 and late.json()["error"] == "hold_expired"


def test_cancel_voids_the_hold_and_frees_the_item(shop: Bank, clock: ManualClock) -> None:
    member, _ = shop.add_member(100)
    report(shop, 1)
    res = reserve(shop, member, clock)
    with_book(shop.db_url, lambda s: reservations.cancel(s, member, res, clock()))
    assert shop.balance(member) == 100
    assert page(shop, member, clock)[0]["status"] == "cancelled"
    other, _ = shop.add_member(100)
    assert reserve(shop, other, clock)  # the item is free again
    with pytest.raises(reservations.UnknownReservation):  # not someone else's to cancel
        with_book(shop.db_url, lambda s: reservations.cancel(s, other, res, clock()))


def test_refusals_cost_nothing(shop: Bank, clock: ManualClock) -> None:
    poor, _ = shop.add_member(PRICE - 1)
    member, _ = shop.add_member(1000)
    report(shop, 10)
    with pytest.raises(InsufficientFunds):
        reserve(shop, poor, clock)
    for _ in range(reservations.MAX_OPEN):
        reserve(shop, member, clock)
    with pytest.raises(reservations.TooManyReservations):
        reserve(shop, member, clock)
    assert shop.balance(member) == 1000 - reservations.MAX_OPEN * PRICE
    keyless = shop.call("POST", "/v1/kiosks/me/reservations/rx/claim", {"session": "s"})
    assert keyless.status_code == 400  # idempotency_key_required
