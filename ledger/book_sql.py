"""The book's hot-path SQL: Core statements on the tables, built once with bound parameters.

Holds and captures run on every redemption, under the write lock; built once, SQLAlchemy finds
their compiled form in its cache without rebuilding each statement and its cache key.
"""

from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update

from ledger.db import Account, CatalogItem, Hold, HoldState, LedgerTransaction, Posting

accounts: Table = Account.__table__  # type: ignore[assignment]
catalog: Table = CatalogItem.__table__  # type: ignore[assignment]
holds: Table = Hold.__table__  # type: ignore[assignment]
transactions: Table = LedgerTransaction.__table__  # type: ignore[assignment]
postings: Table = Posting.__table__  # type: ignore[assignment]


def posted_sum(account_id: Any) -> Any:
    # Index-only on ix_postings_account_amount: no table row is read per posting.
    total = select(func.sum(postings.c.amount)).where(postings.c.account_id == account_id)
    return func.coalesce(total.scalar_subquery(), 0)


def open_holds_sum(member_id: Any, now: Any) -> Any:
    # ix_holds_member_state narrows this to the member's held holds, not their whole history.
    total = select(func.sum(holds.c.price)).where(
        holds.c.member_id == member_id,
        holds.c.state == HoldState.HELD,
        holds.c.expires_at > now,
    )
    return func.coalesce(total.scalar_subquery(), 0)


_SPENDABLE = posted_sum(bindparam("account")) - open_holds_sum(
    bindparam("member"), bindparam("now")
)
SPENDABLE = select(_SPENDABLE)
PRICE_AND_SPENDABLE = select(
    # A retired item has no price: the hold is refused as unknown_sku (ledger.catalog).
    select(catalog.c.price)
    .where(catalog.c.sku == bindparam("sku"), catalog.c.retired_at.is_(None))
    .scalar_subquery(),
    _SPENDABLE,
)
LOCK_MEMBER = (
    select(accounts.c.id).where(accounts.c.member_id == bindparam("member")).with_for_update()
)
INSERT_HOLD = insert(holds)
LOCK_HOLD = (
    select(
        holds.c.id,
        holds.c.member_id,
        holds.c.kiosk_id,
        holds.c.sku,
        holds.c.price,
        holds.c.state,
        holds.c.expires_at,
    )
    .where(holds.c.id == bindparam("hold"))
    .with_for_update()
)
INSERT_TRANSACTION = insert(transactions)
INSERT_POSTINGS = insert(postings)


SETTLE_HOLD = (
    update(holds)
    .where(holds.c.id == bindparam("hold"))
    .values(state=bindparam("new_state"), settled_at=bindparam("when"))
)
SETTLE_HOLD_WITH_REASON = SETTLE_HOLD.values(void_reason=bindparam("reason"))
