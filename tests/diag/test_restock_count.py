"""A locker whose vend awaits a count is counted before it is filled: the count settles the vend,
from the restock command as from the technician's desk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.core.journal import VendJournal
from kiosk.core.steps import AwaitReason, VendStep
from kiosk.diag.errors import RestockError
from kiosk.diag.restock import Restock
from tests.diag.conftest import kiosk, ledger_events

LATER = (date.today() + timedelta(days=90)).isoformat()


def vend_awaiting_count(site, journal: VendJournal, ledger) -> int:
    """Water from locker 0:2 (two bottles), held on the ledger, that only a count can settle."""
    session = ledger.open_session(site.phone_code("王阿姨"))
    rec = journal.begin(session.session, session.member.id, "water", 20, "0:2")
    hold = ledger.hold(session.session, "water", "0:2", 20, key=rec.key)
    journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
    journal.advance(rec.id, VendStep.UNLOCKING)
    journal.await_count(rec.id, AwaitReason.DOOR_UNWATCHED)
    return rec.id


@pytest.fixture
def restock(parts):
    return Restock(parts, actor="tech-2", settle=0.1)


def test_filling_a_locker_awaiting_a_count_is_refused_until_it_is_counted(restock, parts, site):
    member = site.member("王阿姨")
    vend = vend_awaiting_count(site, parts.journal, parts.ledger)
    with pytest.raises(RestockError, match=f"vend {vend} awaits a count of this locker"):
        restock.fill("0:2", "water", 5, LATER)

    [counted] = restock.count("0:2", 1)  # one of two bottles is gone: the member took it
    assert (counted.id, counted.state, counted.settlement) == (vend, VendStep.CAPTURED, "capture")
    assert site.balance(member["member"]) == member["balance"] - 20
    restock.fill("0:2", "water", 5, LATER)
    assert [s.count for s in parts.journal.lockers() if s.locker == "0:2"] == [5]
    [action] = [
        e["data"]
        for e in ledger_events(site, "technician")
        if e["data"]["action"] == "locker_counted"
    ]
    assert (action["locker"], action["found"], action["vends"][0]["settlement"]) == (
        "0:2",
        1,
        "capture",
    )


def test_a_count_is_a_whole_number_within_a_lockers_size(restock, parts, site):
    vend_awaiting_count(site, parts.journal, parts.ledger)
    for bad, said in ((-1, "found -1 is outside 0..99"), ("2", "found must be a whole number")):
        with pytest.raises(RestockError, match=said):
            restock.count("0:2", bad)
    assert parts.journal.awaiting_count("0:2")  # nothing was lost


def test_the_restock_command_asks_for_the_count_then_settles_with_it(site, tmp_path):
    member = site.member("王阿姨")
    from kiosk.core.config import load_config
    from kiosk.wiring.parts import KioskParts

    with KioskParts.from_config(load_config(site.config_path)) as parts:
        vend = vend_awaiting_count(site, parts.journal, parts.ledger)
    base = ("diag", "--config", str(site.config_path), "restock", "0:2", "--sku", "water")
    run = kiosk(*base, "--count", "4")
    assert run.returncode == 2
    assert f"vend {vend} (water) awaits a count" in run.stderr and "--found N" in run.stderr

    run = kiosk(*base, "--count", "4", "--found", "2")  # both bottles still there
    assert run.returncode == 0, run.stderr
    assert f"vend {vend} (water, 20 coins): not taken: voided" in run.stdout
    assert site.balance(member["member"]) == member["balance"]
    journal = VendJournal(site.data_dir / "kiosk-data" / "journal.db")
    try:
        assert journal.get(vend).state is VendStep.VOIDED
        assert [s.count for s in journal.lockers() if s.locker == "0:2"] == [4]
    finally:
        journal.close()


def test_the_health_page_lists_the_lockers_to_count_until_they_are_counted(restock, parts, site):
    from kiosk.diag.health import run_checks

    vend = vend_awaiting_count(site, parts.journal, parts.ledger)
    counts = next(c for c in run_checks(parts) if c.name == "counts")
    assert (counts.status.value, counts.value) == ("warn", "1 locker(s) to count")
    assert counts.detail == f"0:2: vend {vend}, water, 2 expected if not taken"
    journal = next(c for c in run_checks(parts) if c.name == "journal")
    assert "1 awaiting a count" in journal.value and "awaiting a count at 0:2" in journal.detail
    restock.count("0:2", 2)
    counts = next(c for c in run_checks(parts) if c.name == "counts")
    assert (counts.status.value, counts.value) == ("ok", "none to count")
