"""Kiosks: registration, their API keys (only a SHA-256 hash is stored) and their events."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.db import Kiosk, utcnow
from ledger.errors import BadRequest, Unauthorized, UnknownKiosk


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
    if kiosk.revoked_at is not None:
        raise Unauthorized(f"the key of kiosk {kiosk.id} was revoked")
    return kiosk


def get_kiosk(s: Session, kiosk_id: str) -> Kiosk:
    kiosk = s.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise UnknownKiosk(f"no kiosk {kiosk_id!r}")
    return kiosk


def revoke_kiosk(s: Session, kiosk_id: str) -> Kiosk:
    """Revoke a kiosk's key (stolen or retired kiosk): every call with it then gets 401."""
    kiosk = get_kiosk(s, kiosk_id)
    if kiosk.revoked_at is None:
        kiosk.revoked_at = utcnow()
        s.flush()
    return kiosk


def kiosk_json(kiosk: Kiosk) -> dict[str, Any]:
    return {
        "kiosk": kiosk.id,
        "name": kiosk.name,
        "location": kiosk.location,
        "state": "revoked" if kiosk.revoked_at else "active",
        "created_at": kiosk.created_at.isoformat(),
        "revoked_at": kiosk.revoked_at.isoformat() if kiosk.revoked_at else None,
    }


def list_kiosks(s: Session) -> list[dict[str, Any]]:
    return [kiosk_json(k) for k in s.scalars(select(Kiosk).order_by(Kiosk.id))]
