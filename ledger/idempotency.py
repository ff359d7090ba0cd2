"""Idempotency-Key handling: a key is claimed before the work, and its first answer is replayed.

1. A read-only look: a finished record answers (or 422 for a different body); a claimed one
   that is still being processed answers 409 request_in_progress.
2. A claim row (status NULL) is committed, so a twin arriving during the work sees it.
3. The effect and the answer are written in ONE transaction, guarded by the claim token, so
   a crash never leaves an effect without its answer. On failure the claim is released.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import IdempotencyRecord, utcnow
from ledger.errors import IdempotencyMismatch, RequestInProgress

Answer = tuple[int, dict[str, Any]]

# A claim this old belongs to a request whose process died: its effect never committed (the
# effect and the answer commit together), so another request may take the key over.
CLAIM_ABANDONED_AFTER = timedelta(minutes=5)

# Set on a replayed answer (as Stripe does), so logs and metrics do not count it twice.
REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class Outcome:
    status: int
    payload: dict[str, Any]
    replayed: bool  # True: this is the stored answer of an earlier request with the same key


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def _mismatch(key: str) -> IdempotencyMismatch:
    return IdempotencyMismatch(
        f"Idempotency-Key {key!r} was first used for a different request; use a new key"
    )


def _look(engine: Engine, kiosk_id: str, key: str) -> Any:
    """The record's committed row, read without waiting for a writer (see ledger.db)."""
    with engine.connect().execution_options(ledger_read_only=True) as conn:
        row = conn.execute(
            select(
                IdempotencyRecord.request_hash,
                IdempotencyRecord.status,
                IdempotencyRecord.response,
                IdempotencyRecord.claim,
                IdempotencyRecord.created_at,
            ).where(IdempotencyRecord.kiosk_id == kiosk_id, IdempotencyRecord.key == key)
        ).first()
        conn.rollback()
    return row


def _answer_or_raise(row: Any, key: str, req_hash: str, now: datetime) -> Outcome | None:
    """The stored answer of `row`; None if its claim was abandoned and may be taken over."""
    if row.request_hash != req_hash:
        raise _mismatch(key)
    if row.status is not None:
        return Outcome(row.status, row.response, replayed=True)
    if now - row.created_at < CLAIM_ABANDONED_AFTER:
        raise RequestInProgress()
    return None


def _fast_commit(s: Session) -> None:
    # A claim need not survive a power cut (the effect it guards commits durably later and
    # flushes the log up to and including the claim), so skip its own fsync.
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SET LOCAL synchronous_commit = off"))


def _claim(db: sessionmaker[Session], kiosk_id: str, key: str, req_hash: str) -> Outcome | str:
    """A new claim token for the key, or the answer a twin already stored."""
    engine: Engine = db.kw["bind"]
    now = utcnow()
    row = _look(engine, kiosk_id, key)
    token = secrets.token_hex(16)
    if row is not None:
        answer = _answer_or_raise(row, key, req_hash, now)
        if answer is not None:
            return answer
        with db() as s, s.begin():  # take over an abandoned claim, unless someone just did
            taken = s.execute(
                update(IdempotencyRecord)
                .where(
                    IdempotencyRecord.kiosk_id == kiosk_id,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.claim == row.claim,
                    IdempotencyRecord.status.is_(None),
                )
                .values(claim=token, created_at=now)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise RequestInProgress()
        return token
    try:
        with db() as s, s.begin():
            _fast_commit(s)
            s.execute(  # a plain INSERT: no ORM object to track, this runs on every call
                insert(IdempotencyRecord).values(
                    kiosk_id=kiosk_id, key=key, request_hash=req_hash, claim=token, created_at=now
                )
            )
    except IntegrityError:
        # A twin claimed the key between our look and our insert.
        row = _look(engine, kiosk_id, key)
        if row is None:
            raise
        answer = _answer_or_raise(row, key, req_hash, utcnow())
        if answer is None:
            raise RequestInProgress() from None
        return answer
    return token


def _release(db: sessionmaker[Session], kiosk_id: str, key: str, token: str) -> None:
    with db() as s, s.begin():
        s.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.kiosk_id == kiosk_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.claim == token,
            )
        )


def run_once(
    db: sessionmaker[Session],
    kiosk_id: str,
    key: str,
    req_hash: str,
    effect: Callable[[Session], Answer],
) -> Outcome:
    """Run `effect` once per (kiosk, key); a repeat gets the stored first answer."""
    claimed = _claim(db, kiosk_id, key, req_hash)
    if isinstance(claimed, Outcome):
        return claimed
    try:
        with db() as s, s.begin():
            status, payload = effect(s)
            done = s.execute(
                update(IdempotencyRecord)
                .where(
                    IdempotencyRecord.kiosk_id == kiosk_id,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.claim == claimed,
                )
                .values(status=status, response=payload, claim=None)
                # No record object is loaded in this session, so none needs refreshing.
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                # Our claim was taken over as abandoned: roll our effect back, theirs stands.
                raise RequestInProgress()
    except BaseException:
        _release(db, kiosk_id, key, claimed)
        raise
    return Outcome(status, payload, replayed=False)
