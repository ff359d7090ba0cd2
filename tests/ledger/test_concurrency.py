"""Concurrent calls from several kiosks never overdraw a member or charge twice (SQLite and PG)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.ledger.conftest import Bank, phone_code

THREADS = 20
KIOSKS = 4
PRICE = 15
COINS = 100  # 100 // 15 = 6 holds fit, 10 coins are left


def test_twenty_concurrent_holds_from_four_kiosks_never_overdraw(bank: Bank) -> None:
    member, _ = bank.add_member(coins=COINS)
    bank.set_item("tissues", PRICE)
    keys = [bank.key] + [bank.add_kiosk(f"Kiosk {n}") for n in range(1, KIOSKS)]
    # A phone code is accepted once per 30 s step, a card with its PIN every time: the same
    # member signs in with their card at every kiosk.
    card = bank.issue_card(member, "2468")
    sessions = [(key, bank.card_login(card, "2468", key)) for key in keys]

    def hold(n: int) -> tuple[int, dict]:
        key, session = sessions[n % KIOSKS]
        body = {"session": session, "sku": "tissues", "locker": f"0:{n}", "price": PRICE}
        r = bank.call("POST", "/v1/holds", body, key=key, idem=uuid.uuid4().hex)
        return r.status_code, r.json()

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(hold, range(THREADS)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] * 6 + [402] * 14, answers
    balances = sorted(body["balance"] for status, body in answers if status == 201)
    assert balances == [10, 25, 40, 55, 70, 85]
    assert bank.balance(member) == COINS - 6 * PRICE


def test_a_code_scanned_at_once_by_five_calls_opens_one_session(bank: Bank) -> None:
    member, secret = bank.add_member(coins=5)
    code = phone_code(member, secret)
    with ThreadPoolExecutor(5) as pool:
        answers = list(
            pool.map(lambda _: bank.call("POST", "/v1/sessions", {"code": code}), range(5))
        )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409]


def test_one_idempotency_key_sent_at_once_charges_once(bank: Bank) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("tissues", PRICE)
    session = bank.login(member, secret)
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: bank.hold(session, "tissues", PRICE, idem="one"), range(8))
        )
    created = [a for a in answers if a.status_code == 201]
    # Twins either get the stored first answer or, while it is in flight, 409 request_in_progress.
    assert {a.text for a in created} == {created[0].text}
    assert all(a.status_code == 201 or a.json()["error"] == "request_in_progress" for a in answers)
    assert bank.balance(member) == COINS - PRICE
