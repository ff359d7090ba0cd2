"""Reading the ledger's JSON answers into the core's value types; off-contract is an error."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.core.errors import LedgerProtocolError
from kiosk.core.interfaces import Hold, Member, MemberSession
from kiosk.core.lots import LotCodeError, LotInfo, parse_lot
from kiosk.core.reserved import Reservation

HOLD_STATES = ("held", "captured", "voided", "expired", "refunded")
# Longer than any pairing lives; a longer wait (or inf, nan) would overflow a threading.Timer.
MAX_SECONDS = 24 * 3600


def whole_coins(value: Any, name: str) -> int:
    # Balances and prices are never below zero in the ledger (docs/protocols.md, "Ledger HTTP
    # contract").
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LedgerProtocolError(f"{name} must be a whole number of coins, not {value!r}")
    return value


def seconds(value: Any) -> float:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not 0 < value <= MAX_SECONDS:  # also refuses nan
        raise LedgerProtocolError(f"{value!r} is not a positive number of seconds")
    return float(value)


def member_session(doc: dict[str, Any]) -> MemberSession:
    try:
        m = doc["member"]
        return MemberSession(
            session=str(doc["session"]),
            member=Member(str(m["id"]), str(m["name"]), str(m["role"])),
            balance=whole_coins(doc["balance"], "balance"),
            expires_at=str(doc["expires_at"]),
        )
    except (KeyError, TypeError) as e:
        raise LedgerProtocolError(f"session answer lacks {e}") from None


def hold_answer(doc: dict[str, Any], expect: str | None = None) -> Hold:
    """The hold in `doc`; with `expect`, a hold in any other state is an error, not a success."""
    try:
        hold, state, balance = doc["hold"], doc["state"], doc.get("balance")
    except KeyError as e:
        raise LedgerProtocolError(f"hold answer lacks {e}") from None
    if not isinstance(hold, str) or not hold.strip():
        raise LedgerProtocolError(f"hold id {hold!r} is not a hold id")
    if state not in HOLD_STATES or (expect is not None and state != expect):
        raise LedgerProtocolError(
            f"hold {hold} is in state {state!r}, expected {expect or 'a known one'}"
        )
    return Hold(
        hold=hold,
        state=state,
        balance=None if balance is None else whole_coins(balance, "balance"),
        expires_at=doc.get("expires_at"),
    )


def reservation_answer(doc: Any) -> Reservation:
    """One reservation of GET /v1/kiosks/me/reservations."""
    try:
        state = doc["state"]
        if state not in ("pending", "set_aside"):
            raise LedgerProtocolError(f"reservation state {state!r} is not one a kiosk is sent")
        locker = doc.get("locker")
        return Reservation(
            reservation=str(doc["reservation"]),
            member=str(doc["member"]),
            sku=str(doc["sku"]),
            price=whole_coins(doc["price"], "price"),
            hold=str(doc["hold"]),
            expires_at=str(doc["expires_at"]),
            locker=None if locker is None else str(locker),
            state=state,
        )
    except (KeyError, TypeError) as e:
        raise LedgerProtocolError(f"reservation answer lacks {e}") from None


def lot_answer(doc: dict[str, Any]) -> LotInfo:
    """GET /v1/kiosks/me/lots/{code}: a lot with its SKU, name, best-before date (YYYY-MM-DD)
    and the ledger's withdrawal days."""
    try:
        code = str(doc["lot"])
        if parse_lot(f"tblot:{code}") != code:
            raise LotCodeError(code)
        best_before = str(doc["best_before"])
        date.fromisoformat(best_before)
        if len(best_before) != 10:
            raise ValueError(best_before)
        return LotInfo(
            lot=code,
            sku=str(doc["sku"]),
            name=str(doc["name"]),
            best_before=best_before,
            withdraw_days=whole_coins(doc["withdraw_days"], "withdraw_days"),
            at_kiosk=whole_coins(doc["at_kiosk"], "at_kiosk"),
        )
    except (KeyError, TypeError) as e:
        raise LedgerProtocolError(f"lot answer lacks {e}") from None
    except ValueError as e:
        raise LedgerProtocolError(f"lot answer off the contract: {e}") from None
