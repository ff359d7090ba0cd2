"""The office's settings, kept in the ledger (table ledger_meta, key "settings") so the console
and the `timebank-ledger` command read the same: the office's time zone (its months and days),
the amount above which a manager must approve, the monthly grant, the hourly rate, and how
many days before best-before a donated lot leaves sale and is warned of.

`timebank-ledger settings show|set KEY VALUE` reads and changes them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from ledger.db import Meta
from ledger.errors import BadRequest
from ledger.limits import MAX_COINS, MAX_COINS_PER_HOUR

KEY = "settings"
BOUNDS = {  # the whole-number settings and their ranges
    "manager_above_coins": (1, MAX_COINS),
    "monthly_grant_coins": (1, MAX_COINS),
    "coins_per_hour": (1, MAX_COINS_PER_HOUR),
    "lot_withdraw_days": (0, 30),
    "lot_warn_days": (1, 90),
}


@dataclass(frozen=True)
class Settings:
    office_tz: str = "Asia/Shanghai"
    # One member's credit, grant, adjustment, reversal or refund of more coins than this
    # needs a manager in the console, and a confirmation (or --yes) at the command line.
    manager_above_coins: int = 300
    monthly_grant_coins: int = 15
    coins_per_hour: int = 10
    # Donated goods (ledger.lots): a lot leaves sale at every kiosk this many days before its
    # best-before date; the console and the daily summary warn this many days before it.
    lot_withdraw_days: int = 2
    lot_warn_days: int = 7

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.office_tz)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


def load(s: Session) -> Settings:
    row = s.get(Meta, KEY)
    stored = row.value if row is not None and isinstance(row.value, dict) else {}
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in stored.items() if k in known})


def _checked(name: str, raw: str) -> Any:
    if name == "office_tz":
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadRequest(f"office_tz {raw!r} is not a time zone, e.g. Asia/Shanghai") from None
        if raw not in available_timezones():
            raise BadRequest(f"office_tz {raw!r} is not a time zone name, e.g. Asia/Shanghai")
        return raw
    low, high = BOUNDS[name]
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be {low} to {high}, got {value}")
    return value


def change(s: Session, name: str, raw: str) -> Settings:
    """Set one setting (checked); returns all of them."""
    if name not in {f.name for f in fields(Settings)}:
        names = ", ".join(f.name for f in fields(Settings))
        raise BadRequest(f"no setting {name!r}; the settings are {names}")
    updated = replace(load(s), **{name: _checked(name, raw.strip())})
    row = s.get(Meta, KEY)
    if row is None:
        s.add(Meta(key=KEY, value=asdict(updated)))
    else:
        row.value = asdict(updated)
    s.flush()
    return updated
