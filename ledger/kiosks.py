"""Kiosks: registration, their API keys (only a SHA-256 hash is stored) and their events."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.db import Kiosk, KioskEvent
from ledger.errors import BadRequest, Unauthorized


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "tbk_" + secrets.token_urlsafe(32)


def add_kiosk(s: Session, name: str, location: str = "") -> tuple[Kiosk, str]:
    """Register a kiosk; returns it and its key, which is never retrievable again."""
    if not name.strip():
        raise BadRequest("a kiosk needs a name")
    while True:
        kiosk_id = "k" + str(secrets.randbelow(10**6)).zfill(6)
        if s.get(Kiosk, kiosk_id) is None:
            break
    key = new_key()
    kiosk = Kiosk(id=kiosk_id, name=name.strip(), location=location, key_hash=hash_key(key))
    s.add(kiosk)
    s.flush()
    return kiosk, key


def rotate_key(s: Session, kiosk: Kiosk) -> str:
    key = new_key()
    kiosk.key_hash = hash_key(key)
    s.flush()
    return key


def kiosk_by_key(s: Session, key: str | None) -> Kiosk:
    if not key:
        raise Unauthorized("missing kiosk key: send Authorization: Bearer <kiosk key>")
    kiosk = s.scalar(select(Kiosk).where(Kiosk.key_hash == hash_key(key)))
    if kiosk is None:
        raise Unauthorized("unknown kiosk key")
    return kiosk


def record_events(s: Session, kiosk_id: str, events: list[dict[str, Any]]) -> int:
    s.add_all(KioskEvent(kiosk_id=kiosk_id, payload=event) for event in events)
    s.flush()
    return len(events)
