"""The goods pages' form fields read and checked (ledger.web.lot_pages): what a clerk typed is
kept to show again with the error, and each error says which field and why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ledger import lots
from ledger.lot_tables import MAX_LOT_QTY, DonorKind

MAX_DONATION = 60  # lots in one donation (one receipt)


@dataclass(frozen=True)
class Intake:
    donor: str = ""
    donor_kind: str = "person"
    sku: str = ""
    qty: str = ""
    best_before: str = ""
    donation: tuple[str, ...] = ()  # the lots of this donation taken in before this one

    def with_donor(self, name: str, kind: str) -> Intake:
        return replace(self, donor=name, donor_kind=kind)


def donation_codes(text: str) -> tuple[str, ...]:
    """The lot codes of a donation as passed between its pages (comma-separated)."""
    codes = tuple(dict.fromkeys(lots.parse_code(c) for c in text.split(",") if c.strip()))
    if len(codes) > MAX_DONATION:
        raise lots.LotError(f"one donation holds at most {MAX_DONATION} lots")
    return codes


def quantity(text: str) -> int:
    raw = text.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise lots.LotError(
            f"the quantity must be a whole number of units, not {text[:20]!r}",
            "lots.err_qty",
            max=MAX_LOT_QTY,
        )
    return int(raw)


def parse_intake(form: Intake) -> tuple[str, int, date, str, DonorKind]:
    """(sku, qty, best_before, donor, kind) for ledger.lots.add_lot."""
    if not form.donor.strip():
        raise lots.LotError("the donor's name is missing", "lots.err_donor")
    if not form.sku.strip():
        raise lots.LotError("choose the item", "lots.err_item")
    try:
        best = date.fromisoformat(form.best_before.strip())
    except ValueError:
        raise lots.LotError(
            f"the best-before date must be a date like 2027-03-31, not {form.best_before[:20]!r}",
            "lots.err_date",
        ) from None
    kinds = {k.value for k in DonorKind}
    kind = DonorKind(form.donor_kind) if form.donor_kind in kinds else DonorKind.PERSON
    return form.sku.strip(), quantity(form.qty), best, form.donor, kind
