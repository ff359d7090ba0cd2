"""A member's history told in plain words (the phone's history page): for each transaction,
what kind of thing happened, when, and the names it needs — the kiosk and the item of an
exchange, the hours credited, the month of a grant, the other member of a gift, the pool of a
pledge. The web layer turns these into Chinese or English sentences (ledger.web.phone_words)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import book
from ledger.db import Account, CatalogItem, Hold, Kiosk, LedgerTransaction, Member, Posting
from ledger.phone_tables import Pool, PoolPledge

HOURS_MEMO = re.compile(r"([0-9.]+) volunteer hours at ([0-9]+) coins an hour(?:: (.*))?", re.S)
MONTH_MEMO = re.compile(r"monthly grant ([0-9]{4})-([0-9]{2})")
PAGE = 30


@dataclass(frozen=True)
class Entry:
    """One line of the history: `what` names its sentence, `values` fill it in."""

    tx: int
    at: Any  # datetime (UTC)
    what: str
    coins: int  # + into the member's account, - out of it
    values: dict[str, Any] = field(default_factory=dict)


def _item(s: Session, sku: str | None) -> dict[str, str]:
    found = s.get(CatalogItem, sku) if sku else None
    if found is None:
        return {"item_zh": sku or "?", "item_en": sku or "?"}
    return {"item_zh": found.name_zh, "item_en": found.name_en}


def _hold_words(s: Session, hold_id: str | None) -> dict[str, Any]:
    hold = s.get(Hold, hold_id) if hold_id else None
    if hold is None:
        return {"kiosk": "?", **_item(s, None)}
    kiosk = s.get(Kiosk, hold.kiosk_id)
    return {"kiosk": kiosk.name if kiosk else hold.kiosk_id, **_item(s, hold.sku)}


def _other_member(s: Session, tx_id: int, account_id: str) -> dict[str, Any]:
    row = s.execute(
        select(Member.id, Member.name)
        .join(Account, Account.member_id == Member.id)
        .join(Posting, Posting.account_id == Account.id)
        .where(Posting.transaction_id == tx_id, Posting.account_id != account_id)
    ).first()
    return {"other": row.name, "other_id": row.id} if row else {"other": "?", "other_id": ""}


def _pool_words(s: Session, tx: LedgerTransaction) -> dict[str, Any]:
    column = PoolPledge.pledge_tx_id if tx.kind == "pool_pledge" else PoolPledge.refund_tx_id
    pool = s.scalar(
        select(Pool).join(PoolPledge, PoolPledge.pool_id == Pool.id).where(column == tx.id)
    )
    if pool is None:
        return {"pool": "?", "item_zh": "?", "item_en": "?", "quantity": 0, "why": ""}
    why = tx.memo.rpartition(" ")[2] if tx.kind == "pool_refund" else ""
    return {
        "pool": pool.id.removeprefix("p"),
        "item_zh": pool.item_zh,
        "item_en": pool.item_en,
        "quantity": pool.quantity,
        "why": why,
    }


def _describe(s: Session, tx: LedgerTransaction, account_id: str, coins: int) -> Entry:
    what = tx.kind
    values: dict[str, Any] = {"memo": tx.memo}
    if tx.kind in ("redemption", "refund"):
        values.update(_hold_words(s, tx.hold_id))
    elif tx.kind == "volunteer_hours":
        found = HOURS_MEMO.fullmatch(tx.memo)
        values.update(hours=found.group(1) if found else "?", note=found and found.group(3) or "")
    elif tx.kind == "grant":
        month = MONTH_MEMO.fullmatch(tx.memo)
        if month:
            what = "grant_month"
            values.update(year=month.group(1), month=str(int(month.group(2))))
        elif tx.memo == "opening grant":
            what = "grant_opening"
    elif tx.kind == "gift":
        what = "gift_out" if coins < 0 else "gift_in"
        values.update(_other_member(s, tx.id, account_id))
    elif tx.kind in ("pool_pledge", "pool_refund"):
        values.update(_pool_words(s, tx))
    return Entry(tx.id, tx.created_at, what, coins, values)


def event_entry(s: Session, tx_id: int) -> Entry | None:
    """One transaction told from a member's side, for the exports' note: the member whose
    coins went out (a gift's giver), else the one member it moved; None when it moved no
    member's coins (between the time bank's own accounts)."""
    tx = s.get(LedgerTransaction, tx_id)
    if tx is None:
        return None
    theirs = s.execute(
        select(Posting.account_id, Posting.amount)
        .join(Account, Account.id == Posting.account_id)
        .where(Posting.transaction_id == tx_id, Account.member_id.is_not(None))
        .order_by(Posting.amount, Posting.account_id)
    ).first()
    if theirs is None:
        return None
    return _describe(s, tx, theirs.account_id, theirs.amount)


def entries(
    s: Session, member_id: str, before: int | None = None, limit: int = PAGE
) -> list[Entry]:
    """The member's transactions, newest first; `before`: only those older than that one."""
    account_id = book.member_account_id(member_id)
    query = (
        select(LedgerTransaction, Posting.amount)
        .join(Posting, Posting.transaction_id == LedgerTransaction.id)
        .where(Posting.account_id == account_id)
        .order_by(LedgerTransaction.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(LedgerTransaction.id < before)
    return [_describe(s, tx, account_id, amount) for tx, amount in s.execute(query)]
