"""Members' phones: one-time enrolment links, the devices they make (each with its own TOTP
secret and cookie), and their revocation. Only hashes of link tokens and cookies are kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import members
from ledger.db import Enrolment, Member, MemberDevice
from ledger.errors import BadRequest, NotFound

LINK_DAYS = 7  # a link not opened within a week must be made again
MAX_LINK_DAYS = 30
ENROL_PATH = "/m/enrol/"
_TOKEN_CHARS = 64  # token_urlsafe(32) is 43; anything longer is not ours


class UnknownDevice(NotFound):
    """No device with this id."""

    code, default_message = "unknown_device", "no such device"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    s: Session, member_id: str, now: datetime, days: int = LINK_DAYS
) -> tuple[str, datetime]:
    """(token, expires_at) of a new one-time enrolment link for `member_id`."""
    if not 1 <= days <= MAX_LINK_DAYS:
        raise BadRequest(f"--days must be 1 to {MAX_LINK_DAYS}, not {days}")
    member = members.get_member(s, member_id)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=days)
    s.add(
        Enrolment(
            token_hash=digest(token), member_id=member.id, created_at=now, expires_at=expires_at
        )
    )
    s.flush()
    return token, expires_at


@dataclass(frozen=True)
class Enrolled:
    """What opening a link gives the phone: its device, its secret and its cookie."""

    device: str
    member_id: str
    secret: str
    cookie: str


def redeem_link(s: Session, token: str, now: datetime) -> Enrolled | None:
    """A new device for the link's member, the link marked used; None for a link that is
    unknown, used or expired (all alike: the phone is told to ask staff for a new one)."""
    if not token or len(token) > _TOKEN_CHARS:
        return None
    # FOR UPDATE: two phones opening one link at once make one device, not two.
    link = s.scalar(
        select(Enrolment).where(Enrolment.token_hash == digest(token)).with_for_update()
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    member = s.get(Member, link.member_id)
    if member is None or getattr(member, "deactivated_at", None) is not None:
        return None
    cookie = secrets.token_urlsafe(32)
    device = MemberDevice(
        id=_new_device_id(s),
        member_id=member.id,
        totp_secret=pyotp.random_base32(),
        cookie_hash=digest(cookie),
        created_at=now,
        last_seen_at=now,
    )
    s.add(device)
    s.flush()
    link.used_at, link.device_id = now, device.id
    return Enrolled(device.id, member.id, device.totp_secret, cookie)


def _new_device_id(s: Session) -> str:
    while True:
        candidate = "d" + secrets.token_hex(4)
        if s.get(MemberDevice, candidate) is None:
            return candidate


def device_by_cookie(s: Session, cookie: str) -> MemberDevice | None:
    """The live (not revoked) device whose cookie this is."""
    if not cookie or len(cookie) > _TOKEN_CHARS:
        return None
    device = s.scalar(select(MemberDevice).where(MemberDevice.cookie_hash == digest(cookie)))
    if device is None or device.revoked_at is not None:
        return None
    return device


def live_secrets(s: Session, member_id: str) -> list[str]:
    """The TOTP secrets of the member's devices not revoked."""
    return list(
        s.scalars(
            select(MemberDevice.totp_secret)
            .where(MemberDevice.member_id == member_id, MemberDevice.revoked_at.is_(None))
            .order_by(MemberDevice.created_at)
        )
    )


def list_devices(s: Session, member_id: str) -> list[dict[str, Any]]:
    members.get_member(s, member_id)
    rows = s.scalars(
        select(MemberDevice)
        .where(MemberDevice.member_id == member_id)
        .order_by(MemberDevice.created_at, MemberDevice.id)
    )
    return [describe(d) for d in rows]


def describe(d: MemberDevice) -> dict[str, Any]:
    return {
        "device": d.id,
        "member": d.member_id,
        "created_at": d.created_at.isoformat(),
        "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None,
        "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None,
    }


def revoke_device(s: Session, device_id: str, now: datetime) -> MemberDevice:
    """Revoke a device (again is harmless): its codes and its cookie stop working at once."""
    device = s.get(MemberDevice, device_id.strip())
    if device is None:
        raise UnknownDevice(f"no device {device_id!r}")
    if device.revoked_at is None:
        device.revoked_at = now
    s.flush()
    return device
