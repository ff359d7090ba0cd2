"""The exports' 备注 (note) column in the clerk's words: each event's sentence as the member
page says it (staff_sentence), in the export's language, instead of the book's English memo."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ledger import member_history
from ledger.web.phone_money import staff_sentence


def put_notes(s: Session, rows: list[dict[str, Any]], lang: str) -> None:
    """Replace each row's memo (ledger.statement.events) with its sentence in `lang`; an event
    that moved no member's coins keeps the book's memo."""
    for row in rows:
        entry = member_history.event_entry(s, row["event"])
        if entry is not None:
            row["memo"] = staff_sentence(lang, entry)
