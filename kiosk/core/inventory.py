"""Which locker holds what: offers for the catalog screen, never an expired or flagged locker.

Stock lives in the journal so a capture and its stock change are in one durable file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kiosk.core.interfaces import CatalogItem, LockerAddress
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.view import Offer


class Inventory:
    def __init__(self, journal: VendJournal, today: Callable[[], date] = date.today) -> None:
        self.journal = journal
        self._today = today

    def sellable(self) -> list[LockerStock]:
        """Lockers holding something in date and needing no inspection, first to expire first."""
        today = self._today().isoformat()
        lockers = [
            s
            for s in self.journal.lockers()
            if s.count > 0
            and s.inspect is None
            and (s.best_before is None or s.best_before >= today)
        ]
        return sorted(lockers, key=lambda s: (s.best_before or "9999-12-31", s.locker))

    def offers(self, catalog: list[CatalogItem], balance: int) -> tuple[Offer, ...]:
        by_sku: dict[str, list[LockerStock]] = {}
        for s in self.sellable():
            by_sku.setdefault(s.sku, []).append(s)
        offers = []
        for item in catalog:
            lockers = by_sku.get(item.sku)
            if not lockers:
                continue
            offers.append(
                Offer(
                    sku=item.sku,
                    name_zh=item.name_zh,
                    name_en=item.name_en,
                    price=item.price,
                    stock=sum(s.count for s in lockers),
                    locker=lockers[0].locker,
                    affordable=item.price <= balance,
                )
            )
        return tuple(offers)

    def locker_for(self, sku: str) -> tuple[LockerAddress, int] | None:
        """The locker to open for `sku` (first to expire) and how many items it holds."""
        for s in self.sellable():
            if s.sku == sku:
                return LockerAddress.parse(s.locker), s.count
        return None
