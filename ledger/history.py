"""Reading the book back: postings of a member (or of all) in order, for show and export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import book
from ledger.db import Account, LedgerTransaction, Posting

HISTORY_FIELDS = [
    "tx",
    "at",
    "kind",
    "account",
    "member",
    "coins",
    "balance_after",
    "memo",
    "actor",
    "hold",
    "reverses",
]


def postings(s: Session, member_id: str | None = None) -> list[dict[str, Any]]:
    """Every posting (of one member, or all), oldest first, with each account's running balance."""
    query = (
        select(Posting, LedgerTransaction, Account)
        .join(LedgerTransaction, Posting.transaction_id == LedgerTransaction.id)
        .join(Account, Posting.account_id == Account.id)
        .order_by(LedgerTransaction.id, Posting.id)
    )
    if member_id is not None:
        query = query.where(Posting.account_id == book.member_account_id(member_id))
    running: dict[str, int] = {}
    rows = []
    for posting, tx, account in s.execute(query):
        running[account.id] = running.get(account.id, 0) + posting.amount
        rows.append(
            {
                "tx": tx.id,
                "at": tx.created_at.isoformat(),
                "kind": tx.kind,
                "account": account.id,
                "member": account.member_id,
                "coins": posting.amount,
                "balance_after": running[account.id],
                "memo": tx.memo,
                "actor": tx.actor,
                "hold": tx.hold_id,
                "reverses": tx.reverses_id,
            }
        )
    return rows
