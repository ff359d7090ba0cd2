"""Finding members for the staff console: by part of a name, member number or phone (or only
the active members with no card in use yet), a page at a time, each with the balance `member
show` gives."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from ledger import members
from ledger.db import Card, Member

MAX_QUERY = 100


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(text: str, no_card: bool = False) -> list[Any]:
    text = text.strip()[:MAX_QUERY]
    clauses: list[Any] = []
    if no_card:  # who a batch of first cards is for
        in_use = exists().where(Card.member_id == Member.id, Card.revoked_at.is_(None))
        clauses += [Member.deactivated_at.is_(None), ~in_use]
    if not text:
        return clauses
    pattern = _like(text)
    return clauses + [
        or_(
            Member.name.ilike(pattern, escape="\\"),
            Member.id.ilike(pattern, escape="\\"),
            # Phones are stored as digits: "138 0013" finds 13800138000.
            Member.phone.ilike(_like("".join(text.split())), escape="\\"),
        )
    ]


def count(s: Session, text: str, no_card: bool = False) -> int:
    return int(s.scalar(select(func.count(Member.id)).where(*_where(text, no_card))) or 0)


def search(
    s: Session, text: str, offset: int, limit: int, no_card: bool = False
) -> list[dict[str, Any]]:
    """Members whose name, number or phone holds `text` (every member when empty), by number;
    `no_card`: only active members with no card in use."""
    where = _where(text, no_card)
    ids = s.scalars(select(Member.id).where(*where).order_by(Member.id).offset(offset).limit(limit))
    return [members.member_summary(s, member_id) for member_id in ids]
