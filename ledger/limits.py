"""Every bound the ledger puts on its input, in one place: coins, prices, hours, text and ids.

The API (pydantic types below), the CLI (`Bounded`) and the database (CHECK constraints of
revision 0004_amount_bounds) all read these numbers, so SQLite and PostgreSQL accept the same.
"""

from __future__ import annotations

import argparse
import math
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, Strict

# A time bank pays about 10 coins an hour: a million coins is 100,000 hours of work, far more
# than any one grant, price, adjustment or refund. Every posting's amount (so every
# transaction) stays within it; the database refuses a posting outside it.
MAX_COINS = 1_000_000
MAX_PRICE = MAX_COINS
# A member's posted balance never exceeds this (nor goes below 0: spending checks the balance).
# With postings of at most MAX_COINS, sums stay far below 2**63 (SQLite's and PostgreSQL's
# bigint SUM), so a balance is always readable.
MAX_BALANCE = 1_000_000_000
MAX_HOURS_PER_CREDIT = 1000  # more in one go is surely a typing error
MAX_COINS_PER_HOUR = 10_000
# Row ids (transactions) are PostgreSQL's int4: anything above cannot name a row.
MAX_ROW_ID = 2**31 - 1

# Locker addresses as the kiosk writes them: `BOARD:LOCK`, e.g. `0:3`. The format is the
# kiosk's (kiosk/core/interfaces.py, LockerAddress); the ledger checks it itself, without
# importing the kiosk, and keeps it as sent.
LOCKER_PATTERN = re.compile(r"[0-9]{1,4}:[0-9]{1,4}")
MAX_LOCKER_LENGTH = 9
# Ids the ledger hands out (holds h+hex, pairings p+urlsafe, sessions urlsafe): anything else in
# a path cannot name one, and answers as an unknown id does without reaching the database.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def well_formed_id(value: str) -> bool:
    return ID_PATTERN.fullmatch(value) is not None


def _no_nul(text: str) -> str:
    # PostgreSQL cannot store NUL in text (SQLite can): refused on both, so both agree.
    if "\x00" in text:
        raise ValueError("must not contain NUL (\\u0000)")
    return text


def _locker(text: str) -> str:
    if len(text) > MAX_LOCKER_LENGTH or not LOCKER_PATTERN.fullmatch(text):
        raise ValueError("must be BOARD:LOCK, e.g. 0:3")
    return text


# A string field: exactly a JSON string (no number or bool coerced), never holding NUL.
Text = Annotated[str, Strict(), AfterValidator(_no_nul)]
# Whole coins: a JSON integer (not "20", 20.0 or true) within 0..MAX_PRICE.
Price = Annotated[int, Strict(), Field(ge=0, le=MAX_PRICE)]
Locker = Annotated[str, Strict(), AfterValidator(_locker)]


def finite_json(value: Any, where: str = "data") -> Any:
    """`value` when it holds no NaN or Infinity and no string with NUL, else a ValueError
    naming where (JSON has no NaN; PostgreSQL refuses NUL and NaN in a JSON column)."""
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:  # not recursive: the body may be as deep as json.loads allows
        at, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{at}: {item} is not a JSON number")
        if isinstance(item, str) and "\x00" in item:
            raise ValueError(f"{at}: must not contain NUL (\\u0000)")
        if isinstance(item, dict):
            for key, inner in item.items():
                if "\x00" in key:
                    raise ValueError(f"{at}: a key must not contain NUL (\\u0000)")
                stack.append((f"{at}.{key}", inner))
        elif isinstance(item, list):
            stack.extend((f"{at}.{i}", inner) for i, inner in enumerate(item))
    return value


_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_DECIMAL = re.compile(r"[+-]?([0-9]{1,30}(\.[0-9]{0,30})?|\.[0-9]{1,30})")


class Bounded:
    """An argparse `type`: a number within lo..hi, written in ASCII digits (no "1_000", "1e9",
    "nan" or "٣"); outside, argparse prints the bound and exits 2, with no traceback."""

    def __init__(self, lo: float, hi: float, kind: type = int) -> None:
        self.lo, self.hi, self.kind = lo, hi, kind
        self.__name__ = "whole number" if kind is int else "number"  # argparse names the type

    def __call__(self, text: str) -> Any:
        pattern = _INTEGER if self.kind is int else _DECIMAL
        if not pattern.fullmatch(text.strip()):
            raise argparse.ArgumentTypeError(f"{text!r} is not a {self.__name__}")
        value = self.kind(Decimal(text.strip())) if self.kind is not Decimal else Decimal(text)
        if not self.lo <= value <= self.hi:
            raise argparse.ArgumentTypeError(f"{text.strip()} is outside {self.lo}..{self.hi}")
        return value

    def __repr__(self) -> str:
        return f"Bounded({self.lo}, {self.hi}, {self.kind.__name__})"
