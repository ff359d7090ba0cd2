"""Reading the ledger's JSON answers into the core's value types; off-contract is an error."""

from __future__ import annotations

from typing import Any

from kiosk.core.errors import LedgerProtocolError
from kiosk.core.interfaces import Hold, Member, MemberSession


def whole_coins(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LedgerProtocolError(f"{name} must be a whole number of coins, not {value!r}")
    return value


def seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
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


def hold_answer(doc: dict[str, Any]) -> Hold:
    try:
        balance = doc.get("balance")
        return Hold(
            hold=str(doc["hold"]),
            state=str(doc["state"]),
            balance=None if balance is None else whole_coins(balance, "balance"),
            expires_at=doc.get("expires_at"),
        )
    except (KeyError, TypeError) as e:
        raise LedgerProtocolError(f"hold answer lacks {e}") from None
