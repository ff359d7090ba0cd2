"""The book is double-entry: every transaction's postings sum to zero, and history only grows."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from ledger import book
from ledger.cli import with_book
from ledger.demo import seed_demo
from ledger.errors import UnbalancedTransaction
from tests.ledger.conftest import Bank


def test_every_transaction_sums_to_zero_after_grants_captures_and_voids(bank: Bank) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    session = bank.login(member, secret)
    for n, action in enumerate(["capture", "void", "capture"]):
        hold = bank.hold(session, "soap", 25).json()["hold"]
        assert bank.call("POST", f"/v1/holds/{hold}/{action}", idem=str(n)).status_code == 200

    engine = create_engine(bank.db_url)
    with engine.connect() as conn:
        sums = conn.execute(
            text("SELECT transaction_id, sum(amount) FROM postings GROUP BY transaction_id")
        ).all()
        kinds = conn.execute(text("SELECT kind FROM transactions ORDER BY id")).scalars().all()
        redeemed = conn.execute(
            text("SELECT sum(amount) FROM postings WHERE account_id = 'sys:redemptions'")
        ).scalar()
    engine.dispose()
    assert kinds == ["grant", "redemption", "redemption"]
    assert len(sums) == 3
    assert all(total == 0 for _, total in sums)
    assert redeemed == 50
    assert bank.balance(member) == 50


def test_an_unbalanced_transaction_is_refused(db_url: str) -> None:
    def work(s: object) -> None:
        book.post(s, "adjustment", [("sys:adjustments", -5), ("sys:grant_pool", 4)])  # type: ignore[arg-type]

    with pytest.raises(UnbalancedTransaction):
        with_book(db_url, work)


def test_demo_members_are_funded_by_grants_and_reseeding_keeps_them(db_url: str) -> None:
    first = seed_demo(db_url)
    second = seed_demo(db_url)
    balances = {m["name"]: m["balance"] for m in first["members"]}
    assert balances == {"王阿姨": 120, "李伯伯": 10, "张师傅": 0}
    assert [m["member"] for m in second["members"]] == [m["member"] for m in first["members"]]
    assert [m["balance"] for m in second["members"]] == [120, 10, 0]
    assert {i["sku"]: i["price"] for i in first["catalog"]} == {
        "tissues": 15,
        "water": 20,
        "rice": 50,
        "soap": 25,
        "noodles": 30,
        "oil": 80,
    }
    engine = create_engine(db_url)
    with engine.connect() as conn:
        grants = conn.execute(
            text("SELECT count(*) FROM transactions WHERE kind = 'grant'")
        ).scalar()
    engine.dispose()
    assert grants == 2  # 王阿姨 and 李伯伯, once each despite seeding twice
