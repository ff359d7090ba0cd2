"""The restock page with lot labels (issue 18): the technician scans a lot's label and enters
only the count; SKU and best-before come from the lot at the real ledger. Run by the session
controller on its worker against the rig (ledger over HTTP, pty board, real journal)."""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.core.technician import TechPage
from tests.core import test_technician
from tests.core.lot_rig import new_lot
from tests.core.test_technician import badge_in, settled

tech = test_technician.tech  # the technician screens' rig (a fixture)


def restock_page(rig, controller, views):
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.RESTOCK)
    return settled(views, lambda tv: tv.page is TechPage.RESTOCK and tv.draft.locker == "0:1")


def test_a_malformed_lot_label_says_what_a_lot_code_looks_like_and_changes_nothing(rig, tech):
    controller, views = tech
    before = restock_page(rig, controller, views).draft
    controller.present_code("tblot:L3K9QX")
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.message == "tech.lot_malformed" and not tv.ok
    assert "not a lot code" in tv.detail and "tblot:L3K9QX2A" in tv.detail
    assert tv.draft == before


def test_a_scanned_lot_fills_sku_and_date_and_the_count_is_all_the_technician_enters(rig, tech):
    day = (date.today() + timedelta(days=40)).isoformat()
    code = new_lot(rig.site, "rice", day)
    controller, views = tech
    restock_page(rig, controller, views)
    controller.tech_draft(locker="0:4")
    settled(views, lambda tv: tv.draft.locker == "0:4")
    controller.present_code(f"tblot:{code}")
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.message == "tech.lot_scanned" and tv.detail == code
    assert (tv.draft.sku, tv.draft.best_before, tv.draft.lot) == ("rice", day, code)
    assert tv.draft.lot_name  # the ledger's name of the item, shown on the page
    controller.tech_draft(count=4)
    settled(views, lambda tv: tv.draft.count == 4)
    controller.tech_restock()
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.message == "tech.restocked" and tv.detail == "0:4"
    stock = {s.locker: s for s in rig.journal.lockers()}["0:4"]
    assert (stock.sku, stock.count, stock.best_before, stock.lot) == ("rice", 4, day, code)
    assert rig.inventory.locker_for("rice") is not None


def test_an_unknown_lot_is_refused_in_words(rig, tech):
    new_lot(rig.site, "rice", (date.today() + timedelta(days=40)).isoformat())
    controller, views = tech
    restock_page(rig, controller, views)
    controller.present_code("tblot:LZZZZZZZ")
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.message == "tech.failed" and "LZZZZZZZ is not known to the ledger" in tv.detail
