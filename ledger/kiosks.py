"""Kiosks: registration, their API keys (only a SHA-256 hash is stored) and their events."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request

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
    if len(name.strip()) > 200 or len(location) > 200:
        raise BadRequest("a kiosk's name and location are at most 200 characters")
    while True:
        kiosk_id = "k" + str(secrets.randbelow(10**6)).zfill(6)
        if s.get(Kiosk, kiosk_id) is None:
            break
    key = new_key()
    kiosk = Kiosk(id=kiosk_id, name=name.strip(), location=location, key_hash=hash_key(key))
    s.add(kiosk)
    s.flush()
    return kiosk, key


def rename_kiosk(s: Session, kiosk_id: str, name: str, location: str | None = None) -> Kiosk:
    """Give a kiosk a new name (and, when given, a new location); its key is unchanged."""
    kiosk = get_kiosk(s, kiosk_id)
    if not name.strip():
        raise BadRequest("a kiosk needs a name")
    if len(name.strip()) > 200 or (location is not None and len(location) > 200):
        raise BadRequest("a kiosk's name and location are at most 200 characters")
    kiosk.name = name.strip()
    if location is not None:
        kiosk.location = location.strip()
    s.flush()
    return kiosk


def rotate_key(s: Session, kiosk: Kiosk) -> str:
    key = new_key()
    kiosk.key_hash = hash_key(key)
    s.flush()
    return key


Found = TypeVar("Found")


def calling_kiosk(
    request: Request, find: Callable[[str], tuple[str, datetime | None, Found] | None]
) -> tuple[str, Found]:
    """The kiosk calling with `request`, admitted or refused here for every kiosk route: its
    `Authorization: Bearer <key>`, looked up by the key's hash with `find` (its id, when its key
    was revoked, and whatever else that read fetched), refused as missing, unknown or revoked.
    The kiosk's id is noted on the request for the access log (ledger.observability)."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    key = key.strip() if scheme.lower() == "bearer" else ""
    if not key:
        raise Unauthorized("missing kiosk key: send Authorization: Bearer <kiosk key>")
    found = find(hash_key(key))
    if found is None:
        raise Unauthorized("unknown kiosk key")
    kiosk_id, revoked_at, more = found
    if revoked_at is not None:
        raise Unauthorized(f"the key of kiosk {kiosk_id} was revoked")
    request.state.kiosk_id = kiosk_id
    return kiosk_id, more


def kiosk_by_key_hash(s: Session, key_hash: str) -> tuple[str, datetime | None, Kiosk] | None:
    """`calling_kiosk`'s look-up of the whole kiosk row."""
    kiosk = s.scalar(select(Kiosk).where(Kiosk.key_hash == key_hash))
    return None if kiosk is None else (kiosk.id, kiosk.revoked_at, kiosk)


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
