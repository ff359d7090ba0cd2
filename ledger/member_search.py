"""Finding members for the staff console: by part of a name, member number or phone, a page at
a time, each with the balance `member show` gives."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ledger import members
from ledger.db import Member

MAX_QUERY = 100


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(text: str) -> list[Any]:
    text = text.strip()[:MAX_QUERY]
    if not text:
        return []
    pattern = _like(text)
    return [
        or_(
            Member.name.ilike(pattern, escape="\\"),
            Member.id.ilike(pattern, escape="\\"),
            # Phones are stored as digits: "138 0013" finds 13800138000.
            Member.phone.ilike(_like("".join(text.split())), escape="\\"),
        )
    ]


def count(s: Session, text: str) -> int:
    return int(s.scalar(select(func.count(Member.id)).where(*_where(text))) or 0)


def search(s: Session, text: str, offset: int, limit: int) -> list[dict[str, Any]]:
    """Members whose name, number or phone holds `text` (every member when empty), by number."""
    ids = s.scalars(
        select(Member.id).where(*_where(text)).order_by(Member.id).offset(offset).limit(limit)
    )
    return [members.member_summary(s, member_id) for member_id in ids]
