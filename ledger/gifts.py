"""A member gives coins to another member from the phone: one transaction, two postings
(giver -1, receiver +1), never more than the giver may spend nor past the day's phone limit."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.orm import Session

from ledger import book, members, phone_limits
from ledger.db import LedgerTransaction, Member, Role
from ledger.errors import BadRequest, InsufficientFunds, UnknownMember
from ledger.limits import MAX_COINS
from ledger.totp import MEMBER_ID_PATTERN, PHONE_PREFIX

GIFT_KIND = "gift"
_DIGITS = re.compile(r"m?0*([0-9]{1,6})")


def member_number(typed: str) -> str:
    """The member id in what the giver typed or scanned: `m000002`, `000002`, `2`, a member
    code `tb1:m000002:...`, or the receive link `.../m/give?to=m000002`."""
    text = typed.strip().lower()
    if text.startswith(PHONE_PREFIX + ":"):
        text = text.split(":")[1] if text.count(":") >= 2 else ""
    elif "?" in text:
        text = (parse_qs(urlsplit(text).query).get("to") or [""])[0]
    found = _DIGITS.fullmatch(text)
    member_id = f"m{int(found.group(1)):06d}" if found else ""
    if not MEMBER_ID_PATTERN.fullmatch(member_id):
        raise BadRequest("not a member number: type the digits on their card, e.g. 000002")
    return member_id


def recipient(s: Session, giver_id: str, typed: str) -> Member:
    """The member coins may be given to: active, a member (not a staff or technician
    account), and not the giver."""
    member_id = member_number(typed)
    if member_id == giver_id:
        raise BadRequest("coins cannot be given to oneself")
    member = members.active_member(s, member_id)
    if member.role != Role.MEMBER:
        raise UnknownMember(f"no member {member_id!r} to give to")
    return member


def give(
    s: Session, giver_id: str, typed: str, coins: int, now: datetime, device_id: str = ""
) -> LedgerTransaction:
    """Move `coins` from the giver to the member `typed` names, in one transaction; the
    transaction's actor names the phone (`device:<id>`) that gave them."""
    if isinstance(coins, bool) or not 0 < coins <= MAX_COINS:
        raise BadRequest(f"give 1 to {MAX_COINS} coins, not {coins}")
    members.active_member(s, giver_id)
    to = recipient(s, giver_id, typed)
    # As a hold does: the giver's row locked, then the balance and the day's limit read.
    phone_limits.lock_spender(s, giver_id)
    spendable = book.spendable_balance(s, giver_id, now)
    if spendable < coins:
        raise InsufficientFunds(
            f"balance {spendable} is less than {coins}", extra={"balance": spendable}
        )
    phone_limits.check_spend(s, giver_id, coins, now)
    return book.transfer(
        s,
        GIFT_KIND,
        book.member_account_id(giver_id),
        book.member_account_id(to.id),
        coins,
        memo=f"gift from {giver_id} to {to.id}",
        actor=f"device:{device_id}" if device_id else "",
    )
