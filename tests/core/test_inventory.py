"""Inventory: expired items are never offered, items near their date are marked."""

from datetime import date

from kiosk.core.interfaces import CatalogItem
from kiosk.core.inventory import Inventory
from kiosk.core.journal import LockerStock, VendJournal

CATALOG = [CatalogItem("milk", "牛奶", "Milk", 10), CatalogItem("tea", "茶", "Tea", 10)]


def test_expired_lockers_are_not_offered_and_soon_ones_are_marked(tmp_path):
    journal = VendJournal(tmp_path / "j.db")
    journal.seed_lockers(
        [
            LockerStock("0:1", "milk", 1, "2030-01-09", None),  # expired on the 10th
            LockerStock("0:2", "milk", 2, "2030-01-14", None),  # 4 days left: soon
            LockerStock("0:3", "tea", 1, "2030-03-01", None),
        ]
    )
    inventory = Inventory(journal, today=lambda: date(2030, 1, 10), warning_days=7)
    offers = {o.sku: o for o in inventory.offers(CATALOG, 100)}
    assert (offers["milk"].locker, offers["milk"].stock) == ("0:2", 2)
    assert offers["milk"].best_before_soon and not offers["tea"].best_before_soon
    snapshot = {x["locker"]: x for x in inventory.snapshot()["lockers"]}
    assert snapshot["0:1"]["expired"] and not snapshot["0:2"]["expired"]
    journal.close()
