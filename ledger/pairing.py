"""Pairing (RFC 8628 style): a kiosk shows a QR code, the member's phone signs in and confirms,
and the kiosk, polling at the interval it was given, collects the session once.

The member signs in through `ledger.signin` (the same check as POST /v1/sessions), which opens
the session at the pairing's kiosk; the kiosk only gets it after the member confirms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ledger import book, sessions, signin
from ledger.db import Kiosk, Member, Pairing, PairingState
from ledger.errors import (
    ApiError,
    Forbidden,
    PairingDeclined,
    PairingExpired,
    PairingGone,
    PairingUsed,
    SlowDown,
    TooManyAttempts,
    UnknownPairing,
)
from ledger.limits import well_formed_id

DEFAULT_TTL = timedelta(seconds=120)
DEFAULT_INTERVAL_S = 2
# A poll that comes a little early (network jitter, the kiosk's timer) is not "too fast".
POLL_GRACE = 0.8
MAX_SIGNIN_FAILURES = 5  # then the pairing is closed: the member starts again at the kiosk


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(s: Session, kiosk_id: str, now: datetime, ttl: timedelta = DEFAULT_TTL) -> Pairing:
    pairing = Pairing(
        id="p" + secrets.token_urlsafe(18),
        kiosk_id=kiosk_id,
        state=PairingState.PENDING,
        created_at=now,
        expires_at=now + ttl,
        interval=DEFAULT_INTERVAL_S,
        form_token=secrets.token_urlsafe(24),
        signin_failures=0,
    )
    s.add(pairing)
    s.flush()
    return pairing


def _locked(s: Session, pairing_id: str) -> Pairing:
    if not well_formed_id(pairing_id):
        raise UnknownPairing()  # not an id the ledger hands out; not echoed (it may be anything)
    pairing = s.scalar(select(Pairing).where(Pairing.id == pairing_id).with_for_update())
    if pairing is None:
        raise UnknownPairing(f"no pairing {pairing_id}")
    return pairing


def _close(s: Session, pairing: Pairing, state: PairingState, now: datetime) -> None:
    """End a pairing that will never be handed out, and the session it may have opened."""
    pairing.state = state
    if pairing.session_id is not None:
        sessions.end_session(s, pairing.session_id, pairing.kiosk_id, now)
    s.flush()


def _refusal(s: Session, pairing: Pairing, now: datetime) -> PairingGone | None:
    """Why the member can no longer sign in or decide, if so; a lapsed pairing is closed.

    Returned, not raised, so that the caller's transaction commits the closing first.
    """
    if pairing.state == PairingState.PENDING and now >= pairing.expires_at:
        _close(s, pairing, PairingState.EXPIRED, now)
    gone: dict[PairingState, type[PairingGone]] = {
        PairingState.EXPIRED: PairingExpired,
        PairingState.DECLINED: PairingDeclined,
        PairingState.CONFIRMED: PairingUsed,
        PairingState.HANDED_OUT: PairingUsed,
    }
    if pairing.state in gone:
        return gone[pairing.state]()
    if pairing.signin_failures >= MAX_SIGNIN_FAILURES:
        return TooManyAttempts()
    return None


def poll(s: Session, pairing_id: str, kiosk_id: str, now: datetime) -> dict[str, Any] | ApiError:
    """What GET /v1/pairings/{id} answers (a refusal is returned, to be raised after commit)."""
    pairing = _locked(s, pairing_id)
    if pairing.kiosk_id != kiosk_id:
        raise UnknownPairing(f"no pairing {pairing_id} for this kiosk")
    if pairing.last_polled_at is not None and pairing.state != PairingState.HANDED_OUT:
        waited = (now - pairing.last_polled_at).total_seconds()
        if waited < pairing.interval * POLL_GRACE:
            return SlowDown(
                f"poll at most every {pairing.interval} s",
                extra={"interval": pairing.interval},
                headers={"Retry-After": str(pairing.interval)},
            )
    pairing.last_polled_at = now
    if pairing.state == PairingState.CONFIRMED:
        return _hand_out(s, pairing, now)
    refusal = _refusal(s, pairing, now)
    if isinstance(refusal, TooManyAttempts):
        _close(s, pairing, PairingState.EXPIRED, now)
        return PairingExpired("too many failed sign-ins on the phone; start a new pairing")
    s.flush()
    return refusal or {"state": "pending"}


def _hand_out(s: Session, pairing: Pairing, now: datetime) -> dict[str, Any]:
    assert pairing.session_id is not None and pairing.member_id is not None
    session = sessions.live_session(s, pairing.session_id, pairing.kiosk_id, now)
    member = s.get_one(Member, pairing.member_id)
    pairing.state = PairingState.HANDED_OUT
    s.flush()
    return {
        "state": "confirmed",
        "session": session.id,
        "member": {"id": member.id, "name": member.name, "role": member.role.value},
        "balance": book.spendable_balance(s, member.id, now),
        "expires_at": session.expires_at.isoformat(),
    }


def page_pairing(s: Session, pairing_id: str, now: datetime) -> Pairing | PairingGone:
    """The pairing the member's phone shows while it is open, else why it is not."""
    pairing = _locked(s, pairing_id)
    return _refusal(s, pairing, now) or pairing


def _open_pairing(s: Session, pairing_id: str, now: datetime) -> Pairing:
    found = page_pairing(s, pairing_id, now)
    if isinstance(found, PairingGone):
        raise found
    return found


def check_form_token(pairing: Pairing, token: str) -> None:
    if not hmac.compare_digest(pairing.form_token.encode(), token.encode()):
        raise Forbidden("the form is stale; reload the page")


def sign_in(
    db: sessionmaker[Session],
    pairing_id: str,
    form_token: str,
    code: str,
    pin: str | None,
    now: datetime,
    wrong_guess: Callable[[], None] = lambda: None,
) -> str:
    """Check the member's code for this pairing (as POST /v1/sessions does, lock-outs and all);
    returns the one-use token of the confirm form."""
    with db() as s, s.begin():
        pairing = _open_pairing(s, pairing_id, now)
        check_form_token(pairing, form_token)
        if pairing.member_id is not None:
            raise Forbidden("someone already signed in on this pairing")
        kiosk_id = pairing.kiosk_id
    try:
        answer = signin.sign_in(db, kiosk_id, code, pin, now, wrong_guess)
    except ApiError:
        with db() as s, s.begin():
            _locked(s, pairing_id).signin_failures += 1
        raise
    token = secrets.token_urlsafe(24)
    with db() as s, s.begin():
        pairing = _locked(s, pairing_id)
        if pairing.state != PairingState.PENDING or pairing.member_id is not None:
            sessions.end_session(s, answer["session"], kiosk_id, now)
            raise PairingUsed("this pairing was settled meanwhile")
        pairing.member_id = answer["member"]["id"]
        pairing.session_id = answer["session"]
        pairing.confirm_token_hash = _hash(token)
    return token


def decide(s: Session, pairing_id: str, confirm_token: str, confirm: bool, now: datetime) -> None:
    """The member confirms (the kiosk may collect the session) or declines (it is ended)."""
    pairing = _open_pairing(s, pairing_id, now)
    stored = pairing.confirm_token_hash
    if stored is None or not hmac.compare_digest(stored, _hash(confirm_token)):
        raise Forbidden("the confirmation form is stale; sign in again")
    if confirm:
        pairing.state = PairingState.CONFIRMED
        s.flush()
    else:
        _close(s, pairing, PairingState.DECLINED, now)


def kiosk_of(s: Session, pairing: Pairing) -> Kiosk:
    return s.get_one(Kiosk, pairing.kiosk_id)


def member_of(s: Session, pairing: Pairing) -> Member | None:
    return s.get(Member, pairing.member_id) if pairing.member_id else None
