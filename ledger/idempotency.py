"""Idempotency-Key handling: a key is claimed before the work, and its first answer is replayed.

1. A read-only look: a finished record answers (or 422 for a different body).
2. A twin arriving while the first is still being processed in the same process finds it in
   the process's in-flight table and gets 409 request_in_progress (422 for another body).
3. The claim row, the effect and the answer are written in ONE transaction (one commit, one
   fsync; on SQLite shared with the other calls of its batch, each in its own savepoint:
   ledger.group_commit): a crash or a failure leaves neither an effect nor a claim behind.
   A twin in another worker process waits at the claim's row (PostgreSQL: the primary key of
   an uncommitted insert; SQLite: the write lock) and then replays the first answer when it
   commits.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import IdempotencyRecord, Kiosk, utcnow
from ledger.errors import IdempotencyMismatch, RequestInProgress
from ledger.group_commit import Writer

Answer = tuple[int, dict[str, Any]]

# A committed claim without an answer (left by the earlier two-commit version of this code)
# this old belongs to a request whose process died, so another request may take it over.
CLAIM_ABANDONED_AFTER = timedelta(minutes=5)

# Set on a replayed answer (as Stripe does), so logs and metrics do not count it twice.
REPLAYED_HEADER = "Idempotent-Replayed"

_records: Table = IdempotencyRecord.__table__  # type: ignore[assignment]
_kiosks: Table = Kiosk.__table__  # type: ignore[assignment]
# Built once (see ledger.book): they run on every money call.
_INSERT_CLAIM = insert(_records)
_STORE_ANSWER = (
    update(_records)
    .where(
        _records.c.kiosk_id == bindparam("kiosk"),
        _records.c.key == bindparam("k"),
        _records.c.claim == bindparam("token"),
    )
    .values(status=bindparam("st"), response=bindparam("body"), claim=None)
)
_KIOSK_AND_RECORD = (
    select(
        _kiosks.c.id,
        _kiosks.c.revoked_at,
        _records.c.request_hash,
        _records.c.status,
        _records.c.response,
        _records.c.claim,
        _records.c.created_at,
    )
    .select_from(
        _kiosks.outerjoin(
            _records, and_(_records.c.kiosk_id == _kiosks.c.id, _records.c.key == bindparam("k"))
        )
    )
    .where(_kiosks.c.key_hash == bindparam("key_hash"))
)

# Stands for "looked, and there is no record" in `run_once(known=...)`.
NOT_FOUND: Any = object()

# (kiosk id, key) -> request hash of the requests being processed by this process.
_flight: dict[tuple[str, str], str] = {}
_flight_lock = threading.Lock()


@dataclass(frozen=True)
class Outcome:
    status: int
    payload: dict[str, Any]
    replayed: bool  # True: this is the stored answer of an earlier request with the same key


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def mismatch(key: str) -> IdempotencyMismatch:
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
        raise mismatch(key)
    if row.status is not None:
        return Outcome(row.status, row.response, replayed=True)
    if now - row.created_at < CLAIM_ABANDONED_AFTER:
        raise RequestInProgress()
    return None


class _TwinFirst(Exception):  # noqa: N818 - control flow inside run_once, never raised out
    """A twin committed the key while we waited for its row: answer with what it stored."""


def _claim(
    s: Session | Connection, kiosk_id: str, key: str, req_hash: str, token: str, row: Any
) -> None:
    """Claim the key inside the effect's transaction (a new row, or an abandoned claim)."""
    now = utcnow()
    if row is None:
        try:
            # A twin's uncommitted claim of the same key (another process) makes this wait;
            # once the twin commits, the key is taken and this fails.
            s.execute(
                _INSERT_CLAIM,
                {
                    "kiosk_id": kiosk_id,
                    "key": key,
                    "request_hash": req_hash,
                    "claim": token,
                    "created_at": now,
                },
            )
        except IntegrityError:
            raise _TwinFirst() from None
        return
    taken = s.execute(  # take over an abandoned claim, unless someone just did
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.kiosk_id == kiosk_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.claim == row.claim,
            IdempotencyRecord.status.is_(None),
        )
        .values(claim=token, created_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise RequestInProgress()


@contextmanager
def _in_flight(kiosk_id: str, key: str, req_hash: str) -> Iterator[None]:
    """Mark the key as being processed in this process; a twin here gets 409 (or 422)."""
    with _flight_lock:
        running = _flight.get((kiosk_id, key))
        if running is not None:
            if running != req_hash:
                raise mismatch(key)
            raise RequestInProgress()
        _flight[(kiosk_id, key)] = req_hash
    try:
        yield
    finally:
        with _flight_lock:
            del _flight[(kiosk_id, key)]


def kiosk_and_record(engine: Engine, key_hash: str, key: str) -> tuple[str, Any, Any] | None:
    """(kiosk id, its revoked_at, the key's record or NOT_FOUND) of the kiosk whose API key
    hashes to `key_hash`, or None: the kiosk look-up and the record's look in one read."""
    with engine.connect().execution_options(ledger_read_only=True) as conn:
        found = kiosk_and_record_in(conn, key_hash, key)
        conn.rollback()
    return found


class _SessionWriter:
    """Runs a call in its own ORM Session's transaction (effects that use the ORM: events)."""

    def __init__(self, db: sessionmaker[Session]) -> None:
        self.db = db
        self.engine: Engine = db.kw["bind"]

    def run(self, work: Callable[[Session], Answer]) -> Answer:
        with self.db() as s, s.begin():
            return work(s)


def _claim_and_answer(
    s: Session | Connection,
    kiosk_id: str,
    key: str,
    req_hash: str,
    effect: Callable[[Any], Answer],
    row: Any,
) -> Answer:
    """In the effect's transaction: claim the key, run the effect, store its answer."""
    token = secrets.token_hex(16)
    _claim(s, kiosk_id, key, req_hash, token, row)
    status, payload = effect(s)
    done = s.execute(
        _STORE_ANSWER,
        {"kiosk": kiosk_id, "k": key, "token": token, "st": status, "body": payload},
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise RequestInProgress()  # the claim is no longer ours: roll back
    return status, payload


def kiosk_and_record_in(conn: Connection, key_hash: str, key: str) -> tuple[str, Any, Any] | None:
    """`kiosk_and_record`, read in the transaction of `conn` (a group-commit batch)."""
    row = conn.execute(_KIOSK_AND_RECORD, {"key_hash": key_hash, "k": key}).first()
    if row is None:
        return None
    return row.id, row.revoked_at, NOT_FOUND if row.request_hash is None else row


def once_in_batch(
    conn: Connection,
    kiosk_id: str,
    key: str,
    req_hash: str,
    effect: Callable[[Connection], Answer],
    row: Any,
) -> Outcome:
    """`run_once` inside a batch of ledger.group_commit, `row` read in the same transaction
    (`kiosk_and_record_in`): the stored answer is replayed, else the key is claimed, the
    effect run and its answer stored. One writer, one transaction: no twin can slip between
    the read and the claim, so there is nothing to wait for."""
    if row is not NOT_FOUND:
        answer = _answer_or_raise(row, key, req_hash, utcnow())
        if answer is not None:
            return answer
    else:
        row = None
    try:
        status, payload = _claim_and_answer(conn, kiosk_id, key, req_hash, effect, row)
    except _TwinFirst:  # cannot happen in one writer's transaction; a retry finds the answer
        raise RequestInProgress() from None
    return Outcome(status, payload, replayed=False)


def run_once(
    db: sessionmaker[Session] | Writer,
    kiosk_id: str,
    key: str,
    req_hash: str,
    effect: Callable[[Any], Answer],
    known: Any = None,
) -> Outcome:
    """Run `effect` once per (kiosk, key); a repeat gets the stored first answer.

    `known`: the record as the caller already read it (`kiosk_and_record`); None: read it.
    `db`: a writer (ledger.group_commit: `effect` gets a Core Connection) or a sessionmaker
    (one ORM Session's transaction per call: `effect` gets the Session).
    """
    writer = _SessionWriter(db) if isinstance(db, sessionmaker) else db
    engine = writer.engine
    row = known if known is not None else _look(engine, kiosk_id, key)
    if row is not None and row is not NOT_FOUND:
        answer = _answer_or_raise(row, key, req_hash, utcnow())
        if answer is not None:
            return answer
    else:
        row = None

    def once(s: Session | Connection) -> Answer:
        return _claim_and_answer(s, kiosk_id, key, req_hash, effect, row)

    with _in_flight(kiosk_id, key, req_hash):
        try:
            # Answered only once committed (group commit on SQLite: ledger.group_commit).
            status, payload = writer.run(once)
        except _TwinFirst:
            twin = _look(engine, kiosk_id, key)
            if twin is None:  # the twin rolled back after all: let the kiosk retry
                raise RequestInProgress() from None
            answer = _answer_or_raise(twin, key, req_hash, utcnow())
            if answer is None:
                raise RequestInProgress() from None
            return answer
    return Outcome(status, payload, replayed=False)
