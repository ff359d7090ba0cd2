"""`kiosk diag restock LOCKER --lot CODE --count N` (issue 18): the lot gives SKU and
best-before; a malformed code is refused before anything changes. The lot tests that need a
real lot at the ledger skip until the ledger has `lot add` (tests/core/lot_rig.py)."""

from datetime import date, timedelta

from tests.core.lot_rig import new_lot
from tests.diag.conftest import kiosk


def stock_of(parts, locker):
    return {s.locker: s for s in parts.journal.lockers()}.get(locker)


def test_a_malformed_lot_code_is_refused_in_words_and_nothing_changes(site, parts):
    before = stock_of(parts, "0:3")
    base = ("diag", "--config", str(site.config_path), "restock", "0:3")
    run = kiosk(*base, "--lot", "tblot:L3K9QX", "--count", "4")
    assert run.returncode == 2
    assert "not a lot code" in run.stderr and "tblot:L3K9QX2A" in run.stderr
    assert stock_of(parts, "0:3") == before
    run = kiosk(*base, "--lot", "L3K9QX2A", "--best-before", "2027-01-01", "--count", "4")
    assert run.returncode == 2 and "--best-before comes from the lot" in run.stderr


def test_restocking_by_lot_takes_sku_and_date_from_the_ledger(site, parts):
    day = (date.today() + timedelta(days=40)).isoformat()
    code = new_lot(site, "rice", day)
    base = ("diag", "--config", str(site.config_path), "restock", "0:3")
    run = kiosk(*base, "--lot", f"tblot:{code}", "--count", "4")
    assert run.returncode == 0, run.stderr
    assert f"locker 0:3: 4 x rice, best before {day}, lot {code}" in run.stdout
    s = stock_of(parts, "0:3")
    assert (s.sku, s.count, s.best_before, s.lot) == ("rice", 4, day, code)


def test_kiosk_diag_lists_a_lot_past_its_sale_day_for_removal_by_its_own_clock(parts):
    from kiosk.core.stock import LockerStock
    from kiosk.diag.checks import Status
    from kiosk.diag.health import removal_check

    parts.journal.restock(LockerStock("0:3", "rice", 2, "2027-01-31", None, "L3K9QX2A", 2))
    # The demo cabinet's other dated lockers may be due too: only 0:3 is looked at here.
    assert "0:3" not in removal_check(parts, today=lambda: date(2027, 1, 29)).detail
    check = removal_check(parts, today=lambda: date(2027, 1, 30))
    assert check.status is Status.WARN and check.value.endswith(" to remove")
    assert "0:3: 2 x rice lot L3K9QX2A, best before 2027-01-31" in check.detail
