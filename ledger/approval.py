"""What needs a manager: an amount of coins over the office's threshold (ledger.settings), and
the monthly grant of a month already past. Checked by the money services themselves, so the
console and the command line cannot differ; the caller says whether a manager is acting."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import LedgerTransaction, Posting
from ledger.errors import ApiError
from ledger.settings import Settings


class NeedsManager(ApiError, PermissionError):
    """The action is above what a clerk may do alone."""

    code, status, default_message = "needs_manager", 403, "this needs a manager"


def large(settings: Settings, coins: int) -> bool:
    """More coins than a clerk may move alone."""
    return abs(coins) > settings.manager_above_coins


def check_amount(settings: Settings, coins: int, manager: bool, what: str) -> None:
    if large(settings, coins) and not manager:
        raise NeedsManager(
            f"{what} of {abs(coins)} coins is more than {settings.manager_above_coins}: "
            "a manager must do it",
            extra={"coins": abs(coins), "threshold": settings.manager_above_coins},
        )


def transaction_coins(s: Session, tx_id: int) -> int:
    """How many coins transaction `tx_id` moved (0 if there is none): what reversing it moves."""
    moved = s.scalar(
        select(func.sum(Posting.amount)).where(Posting.transaction_id == tx_id, Posting.amount > 0)
    )
    return int(moved or 0)


def hold_coins(s: Session, hold_id: str) -> int:
    """The coins a refund of hold `hold_id` would give back (its redemption's)."""
    tx_id = s.scalar(
        select(LedgerTransaction.id).where(
            LedgerTransaction.hold_id == hold_id, LedgerTransaction.kind == "redemption"
        )
    )
    return transaction_coins(s, tx_id) if tx_id is not None else 0
