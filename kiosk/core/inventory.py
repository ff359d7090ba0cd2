"""Which locker holds what: offers for the catalog screen, never an expired or flagged locker.

Stock lives in the journal so a capture and its stock change are in one durable file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from kiosk.core.interfaces import CatalogItem, LockerAddress
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.view import CartLine, Offer


class Inventory:
    def __init__(
        self,
        journal: VendJournal,
        today: Callable[[], date] = date.today,
        warning_days: int = 7,
    ) -> None:
        self.journal = journal
        self._today = today
        self.warning_days = warning_days

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

    def offers(
        self, catalog: list[CatalogItem], balance: int, cart: Sequence[CartLine] = ()
    ) -> tuple[Offer, ...]:
        """What the catalog screen shows, with the cart's items taken out of stock and balance."""
        by_sku: dict[str, list[LockerStock]] = {}
        for s in self.sellable():
            by_sku.setdefault(s.sku, []).append(s)
        in_cart = Counter(line.sku for line in cart)
        left = balance - sum(line.price for line in cart)
        soon = (self._today() + timedelta(days=self.warning_days)).isoformat()
        offers = []
        for item in catalog:
            lockers = by_sku.get(item.sku)
            if not lockers:
                continue
            first = lockers[0]
            offers.append(
                Offer(
                    sku=item.sku,
                    name_zh=item.name_zh,
                    name_en=item.name_en,
                    price=item.price,
                    stock=max(sum(s.count for s in lockers) - in_cart[item.sku], 0),
                    locker=first.locker,
                    affordable=item.price <= left,
                    best_before=first.best_before,
                    best_before_soon=first.best_before is not None and first.best_before <= soon,
                    in_cart=in_cart[item.sku],
                )
            )
        return tuple(offers)

    def locker_for(self, sku: str) -> tuple[LockerAddress, int] | None:
        """The locker to open for `sku` (first to expire) and how many items it holds."""
        for s in self.sellable():
            if s.sku == sku:
                return LockerAddress.parse(s.locker), s.count
        return None

    def snapshot(self) -> dict[str, Any]:
        """Every locker's stock, date and inspection flag, for the ledger's inventory events."""
        today = self._today().isoformat()
        return {
            "lockers": [
                {
                    "locker": s.locker,
                    "sku": s.sku,
                    "count": s.count,
                    "best_before": s.best_before,
                    "expired": s.best_before is not None and s.best_before < today,
                    "inspect": s.inspect,
                }
                for s in self.journal.lockers()
            ]
        }

    def status(self) -> dict[str, Any]:
        sellable = self.sellable()
        return {
            "sellable_lockers": len(sellable),
            "sellable_items": sum(s.count for s in sellable),
            "flagged": [s.locker for s in self.journal.lockers() if s.inspect is not None],
        }
