"""Idempotency-Key handling: the first answer to a key is stored with the effect, and replayed.

The record is written in the same database transaction as the effect, so a crash can never
leave an effect without its answer (or an answer without its effect).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import IdempotencyRecord
from ledger.errors import IdempotencyMismatch

Answer = tuple[int, dict[str, Any]]


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def stored_answer(s: Session, kiosk_id: str, key: str, req_hash: str) -> Answer | None:
    record = s.get(IdempotencyRecord, (kiosk_id, key))
    if record is None:
        return None
    if record.request_hash != req_hash:
        raise IdempotencyMismatch(
            f"Idempotency-Key {key!r} was first used for a different request; use a new key"
        )
    return record.status, record.response


def run_once(
    db: sessionmaker[Session],
    kiosk_id: str,
    key: str,
    req_hash: str,
    effect: Callable[[Session], Answer],
) -> Answer:
    """Run `effect` once per (kiosk, key); a repeat gets the stored first answer."""
    try:
        with db() as s, s.begin():
            stored = stored_answer(s, kiosk_id, key, req_hash)
            if stored is not None:
                return stored
            status, payload = effect(s)
            s.add(
                IdempotencyRecord(
                    kiosk_id=kiosk_id,
                    key=key,
                    request_hash=req_hash,
                    status=status,
                    response=payload,
                )
            )
            s.flush()
            return status, payload
    except IntegrityError:
        # A concurrent twin with the same key committed first (PostgreSQL); our effect was
        # rolled back with the failed insert, so answer what the twin stored.
        with db() as s, s.begin():
            stored = stored_answer(s, kiosk_id, key, req_hash)
            if stored is None:
                raise
            return stored
