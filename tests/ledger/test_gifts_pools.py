"""Gifts and pools from the phone, on SQLite and PostgreSQL: one double-entry transaction per
step, no overdraft under concurrent taps, the per-day phone limit, a pool that fills into one
redemption, and drop-outs that leave nothing half-done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import (
    book,
    catalog,
    gifts,
    members,
    phone_actions,
    phone_limits,
    pool_pickups,
    pool_views,
    pools,
)
from ledger.cli import with_book
from ledger.db import LedgerTransaction, Posting, Role, make_engine, session_factory, utcnow
from ledger.errors import BadRequest, InsufficientFunds, MemberDeactivated, UnknownMember
from ledger.phone_tables import PoolState


def run(db_url: str, work: Callable[[Session], Any]) -> Any:
    return with_book(db_url, work)


def member(db_url: str, coins: int, name: str = "测试") -> str:
    return str(run(db_url, lambda s: members.add_member(s, name, coins=coins).id))


def balance(db_url: str, member_id: str) -> int:
    return int(run(db_url, lambda s: book.spendable_balance(s, member_id)))


def postings_of(s: Session, tx_id: int) -> list[tuple[str, int]]:
    rows = s.scalars(select(Posting).where(Posting.transaction_id == tx_id).order_by(Posting.id))
    return [(p.account_id, p.amount) for p in rows]


def test_a_gift_is_one_transaction_of_two_postings_and_refuses_what_it_must(db_url: str) -> None:
    giver, taker = member(db_url, 100, "李伯伯"), member(db_url, 0, "王秀英")

    def give(s: Session) -> list[tuple[str, int]]:
        tx = gifts.give(s, giver, taker.removeprefix("m"), 30, utcnow(), device_id="d1234abcd")
        assert tx.kind == "gift" and tx.actor == "device:d1234abcd"
        return postings_of(s, tx.id)

    assert run(db_url, give) == [(f"mem:{giver}", -30), (f"mem:{taker}", 30)]
    assert (balance(db_url, giver), balance(db_url, taker)) == (70, 30)
    with pytest.raises(InsufficientFunds):
        run(db_url, lambda s: gifts.give(s, giver, taker, 71, utcnow()))
    with pytest.raises(BadRequest, match="oneself"):
        run(db_url, lambda s: gifts.give(s, giver, giver, 1, utcnow()))
    with pytest.raises(BadRequest, match="1 to"):
        run(db_url, lambda s: gifts.give(s, giver, taker, 0, utcnow()))
    with pytest.raises(UnknownMember):
        run(db_url, lambda s: gifts.give(s, giver, "m999999", 1, utcnow()))
    staff = run(db_url, lambda s: members.add_member(s, "站长", Role.STAFF).id)
    with pytest.raises(UnknownMember):
        run(db_url, lambda s: gifts.give(s, giver, staff, 1, utcnow()))
    run(db_url, lambda s: members.deactivate_member(s, taker, utcnow()))
    with pytest.raises(MemberDeactivated):
        run(db_url, lambda s: gifts.give(s, giver, taker, 1, utcnow()))
    assert (balance(db_url, giver), balance(db_url, taker)) == (70, 30)  # refusals moved nothing


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("m000002", "m000002"),
        ("000002", "m000002"),
        (" 2 ", "m000002"),
        ("tb1:m000002:12345678", "m000002"),
        ("https://ledger.example/m/give?to=m000002", "m000002"),
    ],
)
def test_a_member_number_is_read_as_typed_scanned_or_linked(typed: str, expected: str) -> None:
    assert gifts.member_number(typed) == expected


@pytest.mark.parametrize("typed", ["", "m", "abc", "m1234567", "tb1:x", "１２"])
def test_what_is_not_a_member_number_is_refused(typed: str) -> None:
    with pytest.raises(BadRequest, match="member number"):
        gifts.member_number(typed)


def test_concurrent_gifts_never_overdraw_and_crossed_gifts_do_not_deadlock(db_url: str) -> None:
    a, b = member(db_url, 100), member(db_url, 100)
    engine = make_engine(db_url)
    db = session_factory(engine)

    def give(n: int) -> str:
        giver, taker = (a, b) if n % 2 else (b, a)
        try:
            with db() as s, s.begin():
                gifts.give(s, giver, taker, 30, utcnow())
            return "ok"
        except InsufficientFunds:
            return "refused"

    try:
        with ThreadPoolExecutor(8) as workers:
            outcomes = list(workers.map(give, range(16)))
    finally:
        engine.dispose()
    assert outcomes.count("ok") >= 6, outcomes
    assert balance(db_url, a) >= 0 and balance(db_url, b) >= 0
    assert balance(db_url, a) + balance(db_url, b) == 200  # only moved between them

    c = member(db_url, 100)
    engine = make_engine(db_url)
    db = session_factory(engine)

    def drain(_: int) -> str:
        try:
            with db() as s, s.begin():
                gifts.give(s, c, a, 30, utcnow())
            return "ok"
        except InsufficientFunds:
            return "refused"

    try:
        with ThreadPoolExecutor(8) as workers:
            drained = list(workers.map(drain, range(8)))
    finally:
        engine.dispose()
    assert drained.count("ok") == 3 and balance(db_url, c) == 10


def test_the_per_day_limit_counts_gifts_and_pledges_in_the_office_day(db_url: str) -> None:
    giver, taker = member(db_url, 500), member(db_url, 0)
    run(db_url, lambda s: phone_limits.change(s, "daily_spend", "100"))
    run(db_url, lambda s: catalog.set_item(s, "water", 10, "矿泉水", "Water"))
    run(db_url, lambda s: gifts.give(s, giver, taker, 60, utcnow()))
    pool = run(db_url, lambda s: pools.start(s, taker, "water", 10, utcnow()).id)
    run(db_url, lambda s: pools.pledge(s, pool, giver, 30, utcnow()))
    with pytest.raises(phone_limits.SpendLimitReached) as refused:
        run(db_url, lambda s: gifts.give(s, giver, taker, 11, utcnow()))
    assert refused.value.extra == {"limit": 100, "spent": 90, "left": 10}
    run(db_url, lambda s: gifts.give(s, giver, taker, 10, utcnow()))  # exactly the limit
    assert run(db_url, lambda s: phone_limits.spent_today(s, giver, utcnow())) == 100
    # The day is the office's: midnight in Shanghai is 16:00 UTC the day before.
    start = run(db_url, lambda s: phone_limits.day_start(s, datetime(2026, 12, 6, 1, tzinfo=UTC)))
    assert start == datetime(2026, 12, 5, 16, tzinfo=UTC)
    tomorrow = utcnow() + timedelta(days=1)
    assert run(db_url, lambda s: phone_limits.spent_today(s, giver, tomorrow)) == 0
    with pytest.raises(BadRequest, match="daily_spend must be 1 to"):
        run(db_url, lambda s: phone_limits.change(s, "daily_spend", "0"))
    with pytest.raises(BadRequest, match="whole number"):
        run(db_url, lambda s: phone_limits.change(s, "daily_spend", "1e3"))


def _pool_account(db_url: str, pool_id: str) -> int:
    return int(run(db_url, lambda s: book.posted_balance(s, pools.pool_account_id(pool_id))))


def test_a_pool_of_three_fills_into_one_redemption_after_a_drop_out(db_url: str) -> None:
    run(db_url, lambda s: catalog.set_item(s, "water", 20, "矿泉水", "Water"))
    org, b, c = member(db_url, 100, "组织者"), member(db_url, 100, "乙"), member(db_url, 100, "丙")
    pool = run(db_url, lambda s: pools.start(s, org, "water", 6, utcnow()).id)  # 120 coins
    run(db_url, lambda s: pools.pledge(s, pool, org, 40, utcnow()))
    run(db_url, lambda s: pools.pledge(s, pool, b, 40, utcnow()))
    with pytest.raises(pools.PoolRefused, match="already gives"):
        run(db_url, lambda s: pools.pledge(s, pool, b, 10, utcnow()))
    run(db_url, lambda s: pools.withdraw(s, pool, b, utcnow()))  # b drops out: given back
    assert balance(db_url, b) == 100 and _pool_account(db_url, pool) == 40
    with pytest.raises(pools.PoolRefused) as more:
        run(db_url, lambda s: pools.pledge(s, pool, c, 81, utcnow()))
    assert more.value.extra["needed"] == 80
    run(db_url, lambda s: pools.pledge(s, pool, c, 50, utcnow()))
    filled = run(db_url, lambda s: pools.pledge(s, pool, b, 30, utcnow()).filled)
    assert filled
    seen = run(db_url, lambda s: pool_views.describe(s, pools.locked(s, pool, utcnow())))
    assert seen["state"] == "full" and seen["gathered"] == 120 and seen["needed"] == 0
    assert [(p["member"], p["coins"], p["given_back"]) for p in seen["pledges"]] == [
        (org, 40, False),
        (b, 40, True),
        (c, 50, False),
        (b, 30, False),
    ]
    assert _pool_account(db_url, pool) == 0  # all of it went to the one redemption
    assert (balance(db_url, org), balance(db_url, b), balance(db_url, c)) == (60, 70, 50)

    def kinds(s: Session) -> list[tuple[str, list[tuple[str, int]]]]:
        txs = s.scalars(select(LedgerTransaction).where(LedgerTransaction.memo.contains(pool)))
        return [(tx.kind, postings_of(s, tx.id)) for tx in txs.all()]

    steps = run(db_url, kinds)
    assert [k for k, _ in steps] == [
        "pool_pledge",
        "pool_pledge",
        "pool_refund",
        "pool_pledge",
        "pool_pledge",
        "pool_redemption",
    ]
    assert all(len(lines) == 2 and sum(a for _, a in lines) == 0 for _, lines in steps)
    assert steps[-1][1] == [(f"pool:{pool}", -120), ("sys:redemptions", 120)]
    late = member(db_url, 10)
    with pytest.raises(pools.PoolClosed):
        run(db_url, lambda s: pools.pledge(s, pool, late, 1, utcnow()))
    with pytest.raises(pools.PoolClosed):
        run(db_url, lambda s: pools.cancel(s, pool, org, utcnow()))
    done = run(
        db_url,
        lambda s: pool_pickups.collect_at_office(s, pool, "cli:li", "街道办", utcnow()).state,
    )
    assert done == PoolState.COLLECTED


def test_a_cancelled_or_expired_pool_gives_every_pledge_back(db_url: str) -> None:
    run(db_url, lambda s: catalog.set_item(s, "rice", 50, "大米", "Rice"))
    org, b = member(db_url, 100), member(db_url, 100)
    pool = run(db_url, lambda s: pools.start(s, org, "rice", 3, utcnow()).id)
    run(db_url, lambda s: pools.pledge(s, pool, org, 50, utcnow()))
    run(db_url, lambda s: pools.pledge(s, pool, b, 60, utcnow()))
    with pytest.raises(pools.PoolRefused, match="only the organiser"):
        run(db_url, lambda s: pools.cancel(s, pool, b, utcnow()))
    run(db_url, lambda s: pools.cancel(s, pool, org, utcnow()))
    assert (balance(db_url, org), balance(db_url, b), _pool_account(db_url, pool)) == (100, 100, 0)

    late = run(db_url, lambda s: pools.start(s, org, "rice", 3, utcnow()).id)
    run(db_url, lambda s: pools.pledge(s, late, b, 70, utcnow()))
    assert run(db_url, lambda s: pools.expire_due(s, utcnow())) == []
    after = utcnow() + timedelta(days=8)
    assert run(db_url, lambda s: pools.expire_due(s, after)) == [late]
    assert balance(db_url, b) == 100 and _pool_account(db_url, late) == 0
    state = run(db_url, lambda s: pools.locked(s, late, after).state)
    assert state == PoolState.EXPIRED


def test_concurrent_pledges_never_overfill_a_pool_nor_overdraw(db_url: str) -> None:
    run(db_url, lambda s: catalog.set_item(s, "water", 10, "矿泉水", "Water"))
    givers = [member(db_url, 40) for _ in range(8)]
    pool = run(db_url, lambda s: pools.start(s, givers[0], "water", 10, utcnow()).id)  # 100
    engine = make_engine(db_url)
    db = session_factory(engine)
    barrier = threading.Barrier(8)

    def pledge(giver: str) -> str:
        barrier.wait()
        try:
            with db() as s, s.begin():
                pools.pledge(s, pool, giver, 30, utcnow())
            return "ok"
        except (pools.PoolRefused, pools.PoolClosed) as exc:
            return exc.code

    try:
        with ThreadPoolExecutor(8) as workers:
            outcomes = list(workers.map(pledge, givers))
    finally:
        engine.dispose()
    assert outcomes.count("ok") == 3, outcomes  # 90 of 100; a fourth 30 is more than needed
    assert _pool_account(db_url, pool) == 90
    assert sorted(balance(db_url, g) for g in givers) == [10, 10, 10] + [40] * 5


def test_a_one_use_token_acts_once_even_when_sent_twice_at_once(db_url: str) -> None:
    giver, taker = member(db_url, 100), member(db_url, 0)
    enrolled = run(db_url, lambda s: _device(s, giver))
    token = phone_actions.new_token()
    engine = make_engine(db_url)
    db = session_factory(engine)
    barrier = threading.Barrier(4)

    def tap(_: int) -> tuple[str, bool] | str:
        barrier.wait()
        try:
            with db() as s, s.begin():
                return phone_actions.act_once(
                    s,
                    token,
                    enrolled,
                    "gift",
                    utcnow(),
                    lambda: str(gifts.give(s, giver, taker, 25, utcnow()).id),
                )
        except IntegrityError:
            return "twin"  # the caller then shows the first one's result

    try:
        with ThreadPoolExecutor(4) as workers:
            taps = list(workers.map(tap, range(4)))
    finally:
        engine.dispose()
    acted = [t for t in taps if isinstance(t, tuple) and t[1]]
    assert len(acted) == 1, taps
    assert all(t == "twin" or t[0] == acted[0][0] for t in taps)
    assert balance(db_url, giver) == 75 and balance(db_url, taker) == 25
    with pytest.raises(BadRequest, match="another phone"):
        run(db_url, lambda s: phone_actions.done_before(s, token, "dffffffff", "gift"))
    with pytest.raises(BadRequest, match="another phone or form"):
        run(db_url, lambda s: phone_actions.done_before(s, token, enrolled, "pledge"))


def _device(s: Session, member_id: str) -> str:
    from ledger import devices

    token, _ = devices.create_link(s, member_id, utcnow())
    made = devices.redeem_link(s, token, utcnow())
    assert made is not None
    return made.device


def test_reservations_made_on_the_phone_count_in_the_day_limit(db_url: str) -> None:
    from tests.ledger.conftest import start_bank

    for bank in start_bank(db_url):
        _limit_counts_a_reservation(db_url, bank)


def _limit_counts_a_reservation(db_url: str, bank: Any) -> None:
    from ledger import reservations
    from tests.ledger.test_reservations import kiosk_id, report

    bank.set_item("water", 30)
    report(bank, 5)
    giver, _ = bank.add_member(200)
    taker, _ = bank.add_member(0)
    where = kiosk_id(bank)
    run(db_url, lambda s: phone_limits.change(s, "daily_spend", "70"))

    def reserve(s: Session) -> str:
        return reservations.reserve(s, giver, where, "water", utcnow(), timedelta(hours=24)).id

    run(db_url, reserve)
    run(db_url, lambda s: gifts.give(s, giver, taker, 30, utcnow()))
    assert run(db_url, lambda s: phone_limits.spent_today(s, giver, utcnow())) == 60
    with pytest.raises(phone_limits.SpendLimitReached):
        run(db_url, reserve)  # 60 + 30 > 70: refused, and no hold is left behind
    assert bank.balance(giver) == 200 - 30 - 30


def test_the_ledgers_sweeper_expires_an_unfilled_pool_and_gives_the_pledges_back(
    db_url: str,
) -> None:
    from ledger.expiry import HoldSweeper

    run(db_url, lambda s: catalog.set_item(s, "rice", 50, "大米", "Rice"))
    giver = member(db_url, 100)
    pool = run(db_url, lambda s: pools.start(s, giver, "rice", 2, utcnow()).id)
    run(db_url, lambda s: pools.pledge(s, pool, giver, 40, utcnow()))
    engine = make_engine(db_url)
    try:
        later = utcnow() + timedelta(days=8)
        HoldSweeper(session_factory(engine), clock=lambda: later).sweep()
    finally:
        engine.dispose()
    assert balance(db_url, giver) == 100 and _pool_account(db_url, pool) == 0
    assert run(db_url, lambda s: pools.locked(s, pool, utcnow()).state) == PoolState.EXPIRED
