"""Lots at the kiosk (issue 18): the lot label's one parser, the locker's lot in the journal,
first-expired-first-out, withdrawal by the kiosk's own clock (offline), and the capture that
names the lot, durably through a restart. The vend runs on the real rig (ledger over HTTP)."""

from datetime import date, timedelta

import pytest

from kiosk.core.interfaces import LockerAddress
from kiosk.core.inventory import Inventory
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.lots import LotCodeError, parse_lot, withdrawn
from kiosk.core.settlement import Settler
from kiosk.core.steps import Settlement, SettleReason, VendStep
from tests.core.test_vend import RICE, vend

TODAY = date(2027, 1, 20)


@pytest.mark.parametrize(
    ("text", "code"),
    [("tblot:L3K9QX2A", "L3K9QX2A"), ("TBLOT:l3k9qx2a", "L3K9QX2A"), ("rice", None)],
)
def test_a_scanned_lot_label_gives_its_code_and_other_codes_are_not_lots(text, code):
    assert parse_lot(text) == code


@pytest.mark.parametrize("bad", ["tblot:", "tblot:L3K9QX2", "tblot:L3K9QX2AB", "tblot:LIK9QX2A"])
def test_a_malformed_lot_label_is_refused_in_words_a_technician_reads(bad):
    with pytest.raises(LotCodeError, match=r"not a lot code: .*e\.g\. tblot:L3K9QX2A"):
        parse_lot(bad)


def test_a_lot_leaves_sale_its_withdrawal_days_before_best_before():
    assert not withdrawn("2027-01-31", 2, date(2027, 1, 29))  # the last day it is sold
    assert withdrawn("2027-01-31", 2, date(2027, 1, 30))
    assert not withdrawn(None, 2, TODAY)  # undated stock never expires


def journal_with(tmp_path, *stock: LockerStock) -> VendJournal:
    journal = VendJournal(tmp_path / "journal.db")
    for s in stock:
        journal.restock(s)
    return journal


def test_first_expired_first_out_by_the_last_sale_day_not_the_date(tmp_path):
    # The lot's best-before is later, but it leaves sale 5 days before it: it goes first.
    journal = journal_with(
        tmp_path,
        LockerStock("0:1", "rice", 2, "2027-02-10", None),
        LockerStock("0:2", "rice", 3, "2027-02-12", None, "L3K9QX2A", 5),
        LockerStock("0:3", "rice", 1, None, None),
    )
    inventory = Inventory(journal, today=lambda: TODAY)
    assert [s.locker for s in inventory.sellable()] == ["0:2", "0:1", "0:3"]
    assert inventory.locker_for("rice") == (LockerAddress(0, 2), 3)
    journal.close()


def test_a_lot_past_its_last_sale_day_is_withdrawn_offline_and_listed_for_removal(tmp_path):
    """No ledger at all here: the kiosk's own clock takes the lot out of sale."""
    journal = journal_with(
        tmp_path,
        LockerStock("0:1", "rice", 2, "2027-01-31", None, "L3K9QX2A", 2),
        LockerStock("0:2", "water", 1, "2027-01-31", None),
    )
    day = [date(2027, 1, 29)]
    inventory = Inventory(journal, today=lambda: day[0])
    assert inventory.locker_for("rice") == (LockerAddress(0, 1), 2)
    assert inventory.for_removal() == []
    day[0] = date(2027, 1, 30)  # two days before best-before: out of sale
    assert inventory.locker_for("rice") is None
    assert [s.locker for s in inventory.for_removal()] == ["0:1"]
    assert inventory.status()["for_removal"] == ["0:1"]
    assert inventory.locker_for("water") == (LockerAddress(0, 2), 1)  # unlotted: to its date
    snapshot = {r["locker"]: r for r in inventory.snapshot()["lockers"]}
    assert snapshot["0:1"]["expired"] and snapshot["0:1"]["lot"] == "L3K9QX2A"
    journal.close()


def test_a_restock_without_a_lot_forgets_the_lot_the_locker_held(tmp_path):
    journal = journal_with(tmp_path, LockerStock("0:1", "rice", 2, "2027-03-01", None, "L3K9QX2A"))
    journal.restock(LockerStock("0:1", "rice", 4, "2027-04-01", None))
    (s,) = journal.lockers()
    assert (s.lot, s.count, s.withdraw_days) == (None, 4, 0)
    journal.close()


def test_a_journal_from_before_lots_gains_the_columns_and_keeps_its_stock(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE lockers (locker TEXT PRIMARY KEY, sku TEXT NOT NULL, count INTEGER NOT NULL,"
        " best_before TEXT, inspect TEXT);"
        "INSERT INTO lockers VALUES ('0:1', 'rice', 3, '2027-03-01', NULL);"
    )
    db.close()
    journal = VendJournal(path)
    assert journal.lockers() == [LockerStock("0:1", "rice", 3, "2027-03-01", None, None, 0)]
    journal.close()


def test_a_vend_from_a_lotted_locker_sends_its_lot_with_the_capture(rig):
    later = (date.today() + timedelta(days=60)).isoformat()
    rig.journal.restock(LockerStock(str(RICE), "rice", 1, later, None, "L3K9QX2A", 2))
    sent: list[object] = []
    real = rig.ledger._idempotent.request

    def spy(method, url, **kw):  # the real request, its body noted
        if url.endswith("/capture"):
            sent.append(kw.get("json"))
        return real(method, url, **kw)

    rig.ledger._idempotent.request = spy
    _session, outcome, _steps = vend(rig, "王阿姨", "rice", 50, RICE)
    assert outcome.record.state is VendStep.CAPTURED
    assert rig.journal.get(outcome.record.id).lot == "L3K9QX2A"
    assert sent == [{"lot": "L3K9QX2A"}]


def test_an_unlotted_vend_captures_with_an_empty_body_as_before(rig):
    sent: list[object] = []
    real = rig.ledger._idempotent.request

    def spy(method, url, **kw):
        if url.endswith("/capture"):
            sent.append(kw.get("json"))
        return real(method, url, **kw)

    rig.ledger._idempotent.request = spy
    _session, outcome, _steps = vend(rig, "王阿姨", "rice", 50, RICE)
    assert outcome.record.state is VendStep.CAPTURED and outcome.record.lot is None
    assert sent == [{}]


def test_a_capture_queued_over_a_restart_still_names_its_lot(rig, tmp_path):
    """The lot is kept with the vend in the journal: a kiosk restarted before the ledger heard
    of the capture sends it with the lot from the reopened journal."""
    later = (date.today() + timedelta(days=60)).isoformat()
    rig.journal.restock(LockerStock(str(RICE), "rice", 1, later, None, "L3K9QX2A", 2))
    session = rig.open_session("王阿姨")
    rec = rig.journal.begin(session.session, session.member.id, "rice", 50, str(RICE))
    hold = rig.ledger.hold(session.session, "rice", str(RICE), 50, key=rec.key)
    rig.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
    # The technician refills the locker with unlotted stock before the capture is sent: the
    # vend keeps the lot its item came from.
    rig.journal.decide(rec.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    rig.journal.restock(LockerStock(str(RICE), "rice", 3, later, None))
    rig.journal.close()

    reopened = VendJournal(rig.journal.path)
    (pending,) = reopened.pending_settlements()
    assert pending.lot == "L3K9QX2A"
    sent: list[object] = []
    real = rig.ledger._idempotent.request

    def spy(method, url, **kw):
        if url.endswith("/capture"):
            sent.append(kw.get("json"))
        return real(method, url, **kw)

    rig.ledger._idempotent.request = spy
    try:
        assert Settler(reopened, rig.ledger).settle_all() == 0
        assert reopened.get(rec.id).state is VendStep.CAPTURED
    finally:
        reopened.close()
    assert sent == [{"lot": "L3K9QX2A"}]
