"""The audit log of staff actions: who, what, when, from where. Rows are only ever added here;
the database refuses to change or delete them (migration 0006's triggers)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import AuditEntry

# The street office's time zone: the audit's days are its days.
OFFICE_TZ = ZoneInfo("Asia/Shanghai")
CLI_ACTOR_ADDRESS = "cli"  # where a `timebank-ledger` command acted from


class AuditAction(enum.Enum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_locked"  # a try while the account or address was locked out
    CODE_FAILED = "code_failed"  # a wrong second-factor code
    LOGOUT = "logout"
    ACCESS_REFUSED = "access_refused"  # a page above the account's role
    STAFF_ADDED = "staff_added"
    STAFF_DISABLED = "staff_disabled"
    STAFF_PASSWORD = "staff_password"
    STAFF_TOTP = "staff_totp"
    MEMBER_ADDED = "member_added"
    MEMBER_EDITED = "member_edited"
    MEMBER_DEACTIVATED = "member_deactivated"
    MEMBER_UNLOCKED = "member_unlocked"
    CARD_ISSUED = "card_issued"  # the member's earlier cards revoked with it
    CARD_PIN_RESET = "card_pin_reset"
    PHONE_LINK_MADE = "phone_link_made"  # a one-time enrolment link for a member's phone
    PHONE_REVOKED = "phone_revoked"  # one phone of a member, lost or replaced
    CATALOG_SAVED = "catalog_saved"  # an item added or its names or price changed
    CATALOG_RETIRED = "catalog_retired"
    CATALOG_RESTORED = "catalog_restored"
    KIOSK_ADDED = "kiosk_added"  # its key shown once, never recorded
    KIOSK_RENAMED = "kiosk_renamed"
    KIOSK_REVOKED = "kiosk_revoked"
    RANKING_CONSENT = "ranking_consent"  # a member agreed to be named in the ranking, or not
    EXPORTED = "exported"  # the book's events downloaded as CSV or Excel
    POOL_COLLECTED = "pool_collected"  # a full pool's goods handed out (ledger.pools)
    PHONE_LIMITS_SET = "phone_limits_set"  # what members' phones may spend (ledger.phone_limits)
    # Coins (ledger.activities, ledger.grants, ledger.corrections), from the console or the CLI.
    HOURS_CREDITED = "hours_credited"
    ACTIVITY_CREDITED = "activity_credited"
    GRANT_PAID = "grant_paid"
    COINS_ADJUSTED = "coins_adjusted"
    TX_REVERSED = "tx_reversed"
    HOLD_REFUNDED = "hold_refunded"
    SETTING_CHANGED = "setting_changed"
    # Donated goods (ledger.lots), from the console or the CLI: movements, never deletions.
    LOT_TAKEN_IN = "lot_taken_in"
    LOT_MOVED = "lot_moved"  # from the store to a kiosk
    LOT_RETURNED = "lot_returned"  # from a kiosk back to the store
    LOT_WRITTEN_OFF = "lot_written_off"


def record(
    s: Session,
    action: AuditAction,
    staff: str | None,
    address: str | None,
    now: datetime,
    **detail: Any,
) -> None:
    s.add(
        AuditEntry(
            at=now,
            staff=staff,
            action=action.value,
            address=address[:64] if address else None,
            detail=detail,
        )
    )
    s.flush()


def local_time(moment: datetime) -> str:
    """`moment` as the office's clock shows it."""
    return moment.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M:%S")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The office's `day` as UTC instants [start, end)."""
    start = datetime.combine(day, time(), OFFICE_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


@dataclass(frozen=True)
class AuditQuery:
    staff: str | None = None
    day: date | None = None

    def where(self) -> list[Any]:
        clauses: list[Any] = []
        if self.staff:
            clauses.append(AuditEntry.staff == self.staff)
        if self.day is not None:
            start, end = day_bounds(self.day)
            clauses += [AuditEntry.at >= start, AuditEntry.at < end]
        return clauses


def count(s: Session, query: AuditQuery) -> int:
    return int(s.scalar(select(func.count(AuditEntry.id)).where(*query.where())) or 0)


def entries(s: Session, query: AuditQuery, offset: int, limit: int) -> list[dict[str, Any]]:
    """Newest first."""
    rows = s.scalars(
        select(AuditEntry)
        .where(*query.where())
        .order_by(AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        {
            "id": row.id,
            "at": row.at.isoformat(),
            "local_time": local_time(row.at),
            "staff": row.staff,
            "action": row.action,
            "address": row.address,
            "detail": row.detail,
        }
        for row in rows
    ]
