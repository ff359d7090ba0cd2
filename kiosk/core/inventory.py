"""Which locker holds what: offers for the catalog screen, never an expired or flagged locker.

Stock lives in the journal so a capture and its stock change are in one durable file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from kiosk.core.interfaces import CatalogItem, LockerAddress
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.lots import last_sale_day, withdrawn
from kiosk.core.view import CartLine, Offer


class Inventory:
    def __init__(
        self,
        journal: VendJournal,
        today: Callable[[], date] = date.today,
        warning_days: int = 7,
        item_sensor: Callable[[str], bool] = lambda _locker: True,
    ) -> None:
        """`item_sensor(locker)`: whether that locker has an item sensor (from the config: the
        board family, or a relay cabinet's item_sensor pin)."""
        self.journal = journal
        self._today = today
        self.warning_days = warning_days
        self.item_sensor = item_sensor

    def today(self) -> date:
        """The office's date by the kiosk's own clock (the config's office_tz), by which stock
        leaves sale, online or not."""
        return self._today()

    def charges_on_open(self, locker: str, count: int) -> bool:
        """Whether opening this locker's door is the hand-out: its sensor cannot tell one item
        taken from none (several items behind the door, or no sensor), so the vend is charged
        once the door has opened. Elsewhere only an item taken is charged."""
        return count > 1 or not self.item_sensor(locker)

    def plan(self, cart: Sequence[CartLine]) -> list[CartLine]:
        """The cart's lines, each marked with whether its locker charges at the door, as
        locker_for will pick them one after another (each vend takes one from its locker)."""
        taken: Counter[str] = Counter()
        reserved = self.journal.reserved_counts()
        planned = []
        for line in cart:
            charge = False
            for s in self.sellable():
                if s.sku == line.sku and s.count - reserved[s.locker] - taken[s.locker] > 0:
                    charge = self.charges_on_open(s.locker, s.count - taken[s.locker])
                    taken[s.locker] += 1
                    break
            planned.append(replace(line, charge_on_open=charge))
        return planned

    def sellable(self) -> list[LockerStock]:
        """Lockers holding something in date for general sale (beyond the units kept for
        reservations) and needing no inspection, first to expire first. Counts are what the
        lockers hold: the sensors' rules need them (kiosk/core/vend.py)."""
        today = self._today()
        reserved = self.journal.reserved_counts()
        lockers = [
            s
            for s in self.journal.lockers()
            if s.count - reserved[s.locker] > 0
            and s.inspect is None
            and not withdrawn(s.best_before, s.withdraw_days, today)
        ]
        # First expired, first out: by the last day each may be sold (a lot's withdrawal).
        return sorted(
            lockers,
            key=lambda s: (last_sale_day(s.best_before, s.withdraw_days) or "9999-12-31", s.locker),
        )

    def for_removal(self) -> list[LockerStock]:
        """Lockers still holding items past their last sale day (expired, or a lot within its
        withdrawal days of best-before), by the kiosk's own clock: the technician takes them
        out. They are never offered (`sellable`)."""
        today = self._today()
        return [
            s
            for s in self.journal.lockers()
            if s.count > 0 and withdrawn(s.best_before, s.withdraw_days, today)
        ]

    def offers(
        self, catalog: list[CatalogItem], balance: int, cart: Sequence[CartLine] = ()
    ) -> tuple[Offer, ...]:
        """What the catalog screen shows, with the cart's items taken out of stock and balance."""
        by_sku: dict[str, list[LockerStock]] = {}
        reserved = self.journal.reserved_counts()
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
                    stock=max(
                        sum(s.count - reserved[s.locker] for s in lockers) - in_cart[item.sku], 0
                    ),
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
        today = self._today()
        return {
            "lockers": [
                {
                    "locker": s.locker,
                    "sku": s.sku,
                    "count": s.count,
                    "best_before": s.best_before,
                    "expired": withdrawn(s.best_before, s.withdraw_days, today),
                    "inspect": s.inspect,
                    "lot": s.lot,
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
            "for_removal": [s.locker for s in self.for_removal()],
        }
