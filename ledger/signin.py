"""Signing a member in at a kiosk: a phone code, or a card with its PIN, becomes a session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ledger import book, cards, pool_pickups, sessions, totp
from ledger.db import Member, Role
from ledger.errors import ApiError, MemberDeactivated


def session_payload(s: Session, kiosk_id: str, member: Member, now: datetime) -> dict[str, Any]:
    """Open a session for `member` and answer as POST /v1/sessions does."""
    session = sessions.open_session(s, kiosk_id, member.id, now)
    if member.role == Role.MEMBER:  # staff sign in for the technician screens, not goods
        # An organiser's full pools: what this kiosk holds of them is kept aside for this visit.
        pool_pickups.set_aside_at_sign_in(s, kiosk_id, member.id, now)
    return {
        "session": session.id,
        "member": {"id": member.id, "name": member.name, "role": member.role.value},
        "balance": book.spendable_balance(s, member.id, now),
        "expires_at": session.expires_at.isoformat(),
    }


def sign_in(
    db: sessionmaker[Session],
    kiosk_id: str,
    code: str,
    pin: str | None,
    now: datetime,
    wrong_guess: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """A session for whoever `code` (and `pin`, for a card) names; raises the refusal.

    `wrong_guess` is told of each wrong PIN or phone code (after it is counted against its
    credential), for the caller's limit per client address (ledger.rate_limits)."""
    refusal: ApiError | None = None
    with db() as s, s.begin():
        if code.strip().startswith(cards.CARD_PREFIX + ":"):
            accepted = cards.accept_card(s, code, pin, now)
        else:
            accepted = totp.accept_phone_code(s, code, now)
        if isinstance(accepted, ApiError):
            refusal = accepted  # committed with the wrong-try count, raised below
        elif accepted.deactivated_at is not None:
            # Deactivation revokes the cards and phone codes too; this guards anything missed.
            raise MemberDeactivated("this member was deactivated; please ask the staff")
        else:
            return session_payload(s, kiosk_id, accepted, now)
    wrong_guess()
    raise refusal
