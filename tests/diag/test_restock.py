"""Restocking changes the stock and sends the inventory snapshot; bad input loses nothing."""

from datetime import date, timedelta

import pytest

from kiosk.core.inventory import Inventory
from kiosk.diag.errors import RestockError
from kiosk.diag.restock import Restock
from tests.diag.conftest import ledger_events

LATER = (date.today() + timedelta(days=90)).isoformat()


@pytest.fixture
def restock(parts):
    return Restock(parts, actor="tech-2", settle=0.1)


def test_a_restock_changes_stock_and_sends_the_snapshot(restock, parts, site):
    opened = restock.open("0:1")
    assert opened.opened and site.cabinet.pulses(0, 1) == 1
    site.cabinet.restock(0, 1, 5)
    restock.fill("0:1", "tissues", 5, LATER)
    site.cabinet.close_door(0, 1)
    summary = restock.finish()

    stock = {s.locker: s for s in parts.journal.lockers()}
    assert (stock["0:1"].sku, stock["0:1"].count, stock["0:1"].best_before) == (
        "tissues",
        5,
        LATER,
    )
    assert summary.still_open == [] and summary.reported
    snapshot = ledger_events(site, "inventory")[-1]["data"]
    assert snapshot["by"] == "tech-2" and snapshot["reason"] == "restock"
    row = next(r for r in snapshot["lockers"] if r["locker"] == "0:1")
    assert (row["sku"], row["count"], row["best_before"]) == ("tissues", 5, LATER)
    actions = [e["data"]["action"] for e in ledger_events(site, "technician")]
    assert actions == ["restock_open", "restock_fill", "restock_done"]


def test_a_locker_left_open_after_restocking_is_named(restock, site):
    restock.open("0:2")
    restock.fill("0:2", "water", 4, None)
    assert restock.finish().still_open == ["0:2"]


def test_restocking_a_flagged_locker_puts_it_back_on_sale(restock, parts):
    parts.journal.flag_for_inspection("0:6", "unlock not confirmed")
    assert all(s.locker != "0:6" for s in Inventory(parts.journal).sellable())
    restock.fill("0:6", "oil", 2, LATER)
    assert any(s.locker == "0:6" for s in Inventory(parts.journal).sellable())


@pytest.mark.parametrize(
    ("locker", "sku", "count", "best_before", "message"),
    [
        ("0:9", "tissues", 1, None, "0:9 is not one of this kiosk's lockers"),
        ("zero", "tissues", 1, None, "BOARD:LOCK"),
        ("0:1", "caviar", 1, None, "sku 'caviar' is not in the ledger's catalog"),
        ("0:1", "tis sues", 1, None, "sku 'tis sues' is not a SKU"),
        ("0:1", "tissues", -1, None, "locker 0:1: count -1 is outside 0..99"),
        ("0:1", "tissues", 100, None, "count 100 is outside"),
        ("0:1", "tissues", 1, "31/12/2030", "best_before '31/12/2030' is not a date"),
        ("0:1", "tissues", 1, "2020-01-01", "best_before 2020-01-01 is already past"),
    ],
)
def test_bad_restock_input_is_refused_naming_what_was_wrong(
    restock, parts, locker, sku, count, best_before, message
):
    before = parts.journal.lockers()
    with pytest.raises(RestockError, match=message):
        restock.fill(locker, sku, count, best_before)
    assert parts.journal.lockers() == before
