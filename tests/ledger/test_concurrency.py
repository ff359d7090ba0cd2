"""Concurrent holds from many threads never overdraw a member, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.ledger.conftest import Bank, phone_code, start_bank

THREADS = 20
PRICE = 15
COINS = 100  # 100 // 15 = 6 holds fit, 10 coins are left


def place_holds_at_once(bank: Bank) -> None:
    member, secret = bank.add_member(coins=COINS)
    bank.set_item("tissues", PRICE)
    session = bank.login(member, secret)
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(
            pool.map(
                lambda _: bank.hold(session, "tissues", PRICE, idem=uuid.uuid4().hex),
                range(THREADS),
            )
        )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 6 + [402] * 14, [a.text for a in answers]
    assert all(a.json()["balance"] >= 0 for a in answers if a.status_code == 201)
    assert sorted(a.json()["balance"] for a in answers if a.status_code == 201) == [
        10,
        25,
        40,
        55,
        70,
        85,
    ]
    assert bank.balance(member) == COINS - 6 * PRICE


def test_twenty_concurrent_holds_on_sqlite_never_overdraw(bank: Bank) -> None:
    place_holds_at_once(bank)


@pytest.fixture
def pg_bank(pg_url: str) -> Iterator[Bank]:
    yield from start_bank(pg_url)


@pytest.mark.postgres
def test_twenty_concurrent_holds_on_postgresql_never_overdraw(pg_bank: Bank) -> None:
    place_holds_at_once(pg_bank)


@pytest.mark.postgres
def test_a_code_scanned_at_once_by_five_calls_opens_one_session_on_postgresql(
    pg_bank: Bank,
) -> None:
    member, secret = pg_bank.add_member(coins=5)
    code = phone_code(member, secret)
    with ThreadPoolExecutor(5) as pool:
        answers = list(
            pool.map(lambda _: pg_bank.call("POST", "/v1/sessions", {"code": code}), range(5))
        )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409]


@pytest.mark.postgres
def test_one_idempotency_key_sent_at_once_charges_once_on_postgresql(pg_bank: Bank) -> None:
    member, secret = pg_bank.add_member(coins=100)
    pg_bank.set_item("tissues", PRICE)
    session = pg_bank.login(member, secret)
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: pg_bank.hold(session, "tissues", PRICE, idem="one"), range(8))
        )
    assert {(a.status_code, a.text) for a in answers} == {(201, answers[0].text)}
    assert pg_bank.balance(member) == COINS - PRICE
