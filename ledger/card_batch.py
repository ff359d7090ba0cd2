"""Cards for several members at once, printed for members who are not at the office (the
console's 批量打印卡, `card issue M1 M2 ... --no-pin`): each card comes out with no PIN
(cards.NO_PIN), so it signs in nowhere until its member types a PIN on the console's pad.

Which of the chosen members get a card: not a deactivated member; and not one whose card is in
use unless the caller may replace cards (a manager, or the CLI), since a new card revokes the
old one and the member would then have to come to the office before using the kiosk again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import cards
from ledger.card_pdf import PrintedCard
from ledger.db import Card, Member

MAX_BATCH = 40  # five A4 pages; a bigger batch is a second print run


class Skipped(enum.Enum):
    UNKNOWN = "unknown"  # no such member number
    DEACTIVATED = "deactivated"
    HAS_CARD = "has_card"  # a card in use, and the caller may not replace it
    JUST_PRINTED = "just_printed"  # a card issued since the batch was shown: pressed twice


@dataclass(frozen=True)
class Chosen:
    member: str
    name: str
    replaces: bool  # the member's card in use is revoked when this one is issued


@dataclass
class Batch:
    """The members a batch prints for, in the order chosen, and those left out with why."""

    chosen: list[Chosen] = field(default_factory=list)
    skipped: list[tuple[str, str, Skipped]] = field(default_factory=list)  # member, name, why


def plan(
    s: Session, member_ids: list[str], may_replace: bool, shown_at: datetime | None = None
) -> Batch:
    """Sort the chosen members (repeats dropped, at most MAX_BATCH looked at) into those to print
    for and those skipped; `shown_at`: when the clerk saw the batch, so a card issued since (the
    button pressed twice) is not replaced by another."""
    batch = Batch()
    for member_id in list(dict.fromkeys(m.strip() for m in member_ids if m.strip()))[:MAX_BATCH]:
        member = s.get(Member, member_id[:16])
        if member is None:
            batch.skipped.append((member_id[:16], "", Skipped.UNKNOWN))
            continue
        card = cards.active_card(s, member.id)
        why = None
        if member.deactivated_at is not None:
            why = Skipped.DEACTIVATED
        elif card is not None and shown_at is not None and card.created_at >= shown_at:
            why = Skipped.JUST_PRINTED
        elif card is not None and not may_replace:
            why = Skipped.HAS_CARD
        if why is not None:
            batch.skipped.append((member.id, member.name, why))
        else:
            batch.chosen.append(Chosen(member.id, member.name, card is not None))
    return batch


def issue(s: Session, batch: Batch, now: datetime) -> list[tuple[Card, PrintedCard]]:
    """A card with no PIN for each chosen member, their cards in use revoked; the codes are
    in the answer only, never retrievable again."""
    issued = []
    for chosen in batch.chosen:
        member = s.get(Member, chosen.member)
        assert member is not None  # plan found it
        card, code = cards.replace_card(s, member, cards.NO_PIN, now)
        card.created_at = now  # on the caller's clock, as `plan`'s shown_at is
        issued.append((card, PrintedCard(code, member.name, member.id)))
    return issued


def cards_in_use(s: Session, member_ids: list[str]) -> set[str]:
    """Which of these members have a card in use (for the members list's 会员卡 column)."""
    if not member_ids:
        return set()
    query = select(Card.member_id).where(Card.member_id.in_(member_ids), Card.revoked_at.is_(None))
    return set(s.scalars(query))
