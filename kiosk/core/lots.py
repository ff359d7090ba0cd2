"""Lots at the kiosk (issue 18): the one parser of a scanned lot label (`tblot:<CODE>`), what
the ledger says of a lot, and the kiosk's own rule for when a lot leaves sale.

A lot's code is `L` and 7 characters of Crockford base32 (0-9, A-Z without I L O U). A locker
holds one lot at a time (set by the technician's restock scan); the lot leaves sale
`withdraw_days` before its best-before date by the kiosk's own clock, online or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

LOT_PREFIX = "tblot:"
_CODE = re.compile(r"L[0-9A-HJKMNP-TV-Z]{7}")


class LotCodeError(ValueError):
    """A scanned `tblot:` label whose code is not a lot code; the message is for the technician."""


def parse_lot(text: str) -> str | None:
    """The lot code in a scanned text, None when the text is not a lot label at all (a SKU or a
    member code), LotCodeError when it is a `tblot:` label with a malformed code."""
    if not text.lower().startswith(LOT_PREFIX):
        return None
    code = text[len(LOT_PREFIX) :].strip().upper()
    if not _CODE.fullmatch(code):
        raise LotCodeError(
            f"not a lot code: {code[:20]!r} (a lot code is L and 7 letters or digits,"
            " e.g. tblot:L3K9QX2A)"
        )
    return code


@dataclass(frozen=True)
class LotInfo:
    """What the ledger says of a lot (GET /v1/kiosks/me/lots/{code})."""

    lot: str
    sku: str
    name: str
    best_before: str  # YYYY-MM-DD
    withdraw_days: int
    at_kiosk: int


def last_sale_day(best_before: str | None, withdraw_days: int) -> str | None:
    """The last day a lot (or unlotted stock, withdraw_days 0) may be sold: best-before minus
    the withdrawal days. None for stock with no date."""
    if best_before is None:
        return None
    return (date.fromisoformat(best_before) - timedelta(days=withdraw_days)).isoformat()


def withdrawn(best_before: str | None, withdraw_days: int, today: date) -> bool:
    """Whether stock dated `best_before` is out of sale on `today` (the kiosk's clock)."""
    last = last_sale_day(best_before, withdraw_days)
    return last is not None and last < today.isoformat()


class LotLedger(Protocol):
    """The ledger's lot routes as the kiosk uses them (docs/protocols.md, "Lots")."""

    def lot(self, code: str) -> LotInfo:
        """What the ledger says of a lot; LedgerError unknown_lot when it knows none."""
        ...

    def restock_lot(self, code: str, locker: str, count: int, key: str) -> None:
        """Record that `locker` now holds `count` units of the lot; LedgerError lot_expired when
        the lot is past its withdrawal, unknown_lot when the ledger knows none."""
        ...
