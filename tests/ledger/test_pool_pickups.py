"""A full pool's goods collected at a kiosk (ledger.pool_pickups, ledger.pool_tally), on SQLite
and PostgreSQL, the kiosk's calls over real HTTP: the organiser's sign-in keeps what the kiosk
holds of the pool aside as 0-coin reservations; a captured one is collected there, a voided or
lapsed one is still to collect; the office hands out the rest; no coins move after the fill."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from ledger import pool_pickups, pool_views, pools, reservations
from ledger.cli import call, with_book
from ledger.db import LedgerTransaction
from ledger.phone_tables import PoolState
from tests.ledger.conftest import Bank, ManualClock
from tests.ledger.test_reservations import PRICE, report


def full_pool(bank: Bank, clock: ManualClock, quantity: int) -> tuple[str, str, str]:
    """A pool of `quantity` water filled by its organiser and two others; (pool, organiser,
    organiser's phone secret)."""
    organiser, secret = bank.add_member(100)
    givers = [organiser] + [bank.add_member(100)[0] for _ in range(2)]
    pool = with_book(
        bank.db_url, lambda s: pools.start(s, organiser, "water", quantity, clock()).id
    )
    share, left = divmod(quantity * PRICE, 3)
    for n, giver in enumerate(givers):
        coins = share + (left if n == 2 else 0)
        with_book(bank.db_url, lambda s, g=giver, c=coins: pools.pledge(s, pool, g, c, clock()))
    return pool, organiser, secret


def shown(bank: Bank, pool: str, clock: ManualClock) -> dict[str, Any]:
    return with_book(
        bank.db_url, lambda s: pool_views.describe(s, pools.locked(s, pool, clock()), clock())
    )


def waiting(bank: Bank) -> list[dict[str, Any]]:
    return bank.call("GET", "/v1/kiosks/me/reservations").json()["reservations"]


def post(bank: Bank, path: str, body: dict[str, Any]) -> Any:
    r = bank.call("POST", path, body, idem=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    return r.json()


def collect(bank: Bank, res: dict[str, Any], session: str, handed_out: bool) -> None:
    """The kiosk's pick-up of one unit: set aside, claimed, then captured or voided (a jam)."""
    base = f"/v1/kiosks/me/reservations/{res['reservation']}"
    post(bank, base + "/set-aside", {"locker": "0:1"})
    claimed = post(bank, base + "/claim", {"session": session})
    assert claimed["hold"] == res["hold"]
    end = "capture" if handed_out else "void"
    post(bank, f"/v1/holds/{res['hold']}/{end}", {} if handed_out else {"reason": "jammed"})


def transactions(bank: Bank) -> int:
    return int(with_book(bank.db_url, lambda s: s.scalar(select(func.count(LedgerTransaction.id)))))


def test_the_organiser_signing_in_gets_the_kiosks_units_and_collecting_moves_no_coins(
    shop: Bank, clock: ManualClock
) -> None:
    pool, organiser, secret = full_pool(shop, clock, 6)
    report(shop, 4)  # the kiosk holds 4 of the 6
    stranger, stranger_secret = shop.add_member(100)
    balance, books = shop.balance(organiser), transactions(shop)
    assert waiting(shop) == []  # nothing is kept before the organiser comes
    shop.login(stranger, stranger_secret)
    assert waiting(shop) == []  # another member's sign-in keeps nothing

    session = shop.login(organiser, secret)
    units = waiting(shop)
    assert [(u["member"], u["sku"], u["price"], u["state"]) for u in units] == [
        (organiser, "water", 0, "pending")
    ] * 4
    assert shown(shop, pool, clock)["kept"] == [{"kiosk": "Test kiosk", "count": 4}]
    card = shop.issue_card(organiser, "2468")
    shop.card_login(card, "2468")  # signing in again keeps no more than the kiosk holds
    assert len(waiting(shop)) == 4
    # The phone offers nobody the kept units.
    stock = with_book(shop.db_url, lambda s: reservations.available(s, clock()))
    assert [x.available for x in stock if x.sku == "water"] == [0]

    for unit in units[:3]:
        collect(shop, unit, session, handed_out=True)
    collect(shop, units[3], session, handed_out=False)  # jammed: nothing handed out
    view = shown(shop, pool, clock)
    assert view["at_kiosks"] == [{"kiosk": "Test kiosk", "count": 3}]
    assert (view["kept"], view["to_collect"], view["state"]) == ([], 3, "full")
    assert shop.balance(organiser) == balance and transactions(shop) == books  # paid at the fill

    # The jammed unit is still to collect: the next sign-in keeps it aside again.
    report(shop, 1)
    shop.card_login(card, "2468")
    assert len(waiting(shop)) == 1
    done = with_book(
        shop.db_url,
        lambda s: (
            pool_pickups.collect_at_office(s, pool, "cli:li", "街道办", clock()).office_quantity
        ),
    )
    assert done == 3  # the kept unit released, and handed out at the office with the other 2
    assert waiting(shop) == []  # the kiosk puts its unit back on sale
    view = shown(shop, pool, clock)
    assert (view["state"], view["at_office"], view["to_collect"]) == ("collected", 3, 0)
    assert view["at_kiosks"] == [{"kiosk": "Test kiosk", "count": 3}]


def test_a_pool_collected_wholly_at_a_kiosk_is_collected_and_the_office_is_refused(
    shop: Bank, clock: ManualClock
) -> None:
    pool, organiser, secret = full_pool(shop, clock, 2)
    report(shop, 5)
    session = shop.login(organiser, secret)
    units = waiting(shop)
    assert len(units) == 2  # only what the pool still needs
    for unit in units:
        collect(shop, unit, session, handed_out=True)
    view = shown(shop, pool, clock)
    assert (view["state"], view["to_collect"]) == ("collected", 0)
    with pytest.raises(pools.PoolRefused, match="collected, not full"):
        with_book(
            shop.db_url,
            lambda s: pool_pickups.collect_at_office(s, pool, "cli:li", "街道办", clock()),
        )
    groups = with_book(shop.db_url, pool_views.office_groups)
    assert [p["pool"] for p in groups["collected"]] == [pool] and groups["full"] == []


def test_units_left_behind_lapse_with_the_visit_and_are_still_to_collect(
    shop: Bank, clock: ManualClock
) -> None:
    pool, organiser, secret = full_pool(shop, clock, 3)
    report(shop, 3)
    shop.login(organiser, secret)
    assert shown(shop, pool, clock)["kept"] == [{"kiosk": "Test kiosk", "count": 3}]
    clock.advance(seconds=pool_pickups.PICKUP_TTL.total_seconds() + 1)
    view = shown(shop, pool, clock)
    assert (view["kept"], view["to_collect"], view["state"]) == ([], 3, "full")
    assert waiting(shop) == []  # the kiosk drops them at its next contact: back on sale


def test_the_office_is_refused_while_a_kiosk_hands_a_unit_out(
    shop: Bank, clock: ManualClock
) -> None:
    pool, organiser, secret = full_pool(shop, clock, 2)
    report(shop, 2)
    session = shop.login(organiser, secret)
    unit = waiting(shop)[0]
    base = f"/v1/kiosks/me/reservations/{unit['reservation']}"
    post(shop, base + "/set-aside", {"locker": "0:1"})
    post(shop, base + "/claim", {"session": session})  # the locker is opening
    with pytest.raises(pools.PoolRefused, match="handing a unit out"):
        with_book(
            shop.db_url,
            lambda s: pool_pickups.collect_at_office(s, pool, "cli:li", "街道办", clock()),
        )
    post(shop, f"/v1/holds/{unit['hold']}/capture", {})
    assert shown(shop, pool, clock)["to_collect"] == 1
    assert with_book(shop.db_url, lambda s: pools.locked(s, pool, clock()).state) == PoolState.FULL


def test_the_cli_records_the_rest_at_the_office_after_a_kiosk_took_some(
    shop: Bank, clock: ManualClock
) -> None:
    pool, organiser, secret = full_pool(shop, clock, 3)
    report(shop, 1)
    session = shop.login(organiser, secret)
    [unit] = waiting(shop)
    collect(shop, unit, session, handed_out=True)
    done = call(["--db", shop.db_url, "pool", "collect", pool, "--where", "街道办 李阿姨"])
    assert (done["state"], done["at_office"], done["to_collect"]) == ("collected", 2, 0)
    assert done["at_kiosks"] == [{"kiosk": "Test kiosk", "count": 1}]
    assert done["collected_where"] == "街道办 李阿姨"
