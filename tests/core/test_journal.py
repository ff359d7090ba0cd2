"""The vend journal keeps every step durably and never moves a finished vend."""

import sqlite3

import pytest

from kiosk.core.errors import JournalError
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.steps import Settlement, SettleReason, VendStep


@pytest.fixture
def journal(tmp_path):
    j = VendJournal(tmp_path / "journal.db")
    yield j
    j.close()


def test_the_journal_is_durable_sqlite_in_wal_mode(journal):
    db = sqlite3.connect(journal.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # synchronous is per connection: the journal's own connection says FULL (2).
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_a_vend_starts_at_intent_with_a_fresh_idempotency_key(journal):
    a = journal.begin("s1", "m1", "water", 20, "0:2")
    b = journal.begin("s1", "m1", "water", 20, "0:2")
    assert a.state is VendStep.INTENT
    assert a.key != b.key
    assert a.capture_key == f"{a.key}:capture" and a.void_key == f"{a.key}:void"


def test_each_step_is_recorded_in_order_and_survives_reopening(tmp_path):
    j = VendJournal(tmp_path / "j.db")
    v = j.begin("s1", "m1", "water", 20, "0:2")
    j.advance(v.id, VendStep.HELD, hold="h1")
    j.advance(v.id, VendStep.UNLOCKING)
    j.close()
    again = VendJournal(tmp_path / "j.db")
    rec = again.get(v.id)
    assert rec.state is VendStep.UNLOCKING and rec.hold == "h1"
    assert again.steps(v.id) == ["intent", "held", "unlocking"]
    assert [r.id for r in again.unfinished()] == [v.id]
    again.close()


def test_a_finished_vend_never_moves_again(journal):
    v = journal.begin("s1", "m1", "water", 20, "0:2")
    journal.advance(v.id, VendStep.VOIDED)
    with pytest.raises(JournalError, match="already voided"):
        journal.advance(v.id, VendStep.CAPTURED)
    assert journal.unfinished() == []


def test_a_decision_is_queued_until_acknowledged_and_is_made_once(journal):
    v = journal.begin("s1", "m1", "water", 20, "0:2")
    journal.decide(v.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    journal.decide(
        v.id, Settlement.VOID, SettleReason.ITEM_NOT_TAKEN
    )  # ignored: the first decision stands
    [queued] = journal.pending_settlements()
    assert queued.settlement == "capture" and queued.reason == "handed_out"
    journal.advance(v.id, VendStep.CAPTURED)
    assert journal.pending_settlements() == []


def test_an_unknown_settlement_is_refused(journal):
    v = journal.begin("s1", "m1", "water", 20, "0:2")
    with pytest.raises(JournalError, match="capture or void"):
        journal.decide(v.id, "refund", "x")


def test_a_capture_takes_one_item_from_the_locker_stock(journal):
    journal.seed_lockers([LockerStock("0:2", "water", 2, None, None)])
    v = journal.begin("s1", "m1", "water", 20, "0:2")
    journal.advance(v.id, VendStep.CAPTURED)
    assert journal.lockers()[0].count == 1


def test_a_decided_capture_takes_the_item_off_the_stock_before_the_ledger_answers(journal):
    # The item is out of the locker once the capture is decided; while the capture waits in
    # the queue the locker's last item must not be offered again, nor counted off twice.
    journal.seed_lockers([LockerStock("0:3", "rice", 1, None, None)])
    v = journal.begin("s1", "m1", "rice", 30, "0:3")
    journal.decide(v.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    assert journal.lockers()[0].count == 0
    journal.decide(
        v.id, Settlement.CAPTURE, SettleReason.HANDED_OUT
    )  # made once: nothing more comes off
    assert journal.lockers()[0].count == 0
    journal.restock(LockerStock("0:3", "rice", 1, None, None))  # a technician refills it
    journal.advance(v.id, VendStep.CAPTURED)  # the ledger's yes takes nothing more off
    assert journal.lockers()[0].count == 1


def test_seeding_again_keeps_the_counted_stock(journal):
    journal.seed_lockers([LockerStock("0:2", "water", 2, None, None)])
    v = journal.begin("s1", "m1", "water", 20, "0:2")
    journal.advance(v.id, VendStep.CAPTURED)
    journal.seed_lockers([LockerStock("0:2", "water", 2, None, None)])
    assert journal.lockers()[0].count == 1


def test_an_unknown_reason_to_settle_or_to_await_a_count_is_refused(journal):
    rec = journal.begin("s", "m", "water", 20, "0:2")
    with pytest.raises(JournalError, match="'lunch' is not a reason to settle a vend"):
        journal.decide(rec.id, Settlement.VOID, "lunch")
    with pytest.raises(JournalError, match="'lunch' is not a reason to await a count"):
        journal.await_count(rec.id, "lunch")
    assert journal.get(rec.id).settlement is None and not journal.get(rec.id).awaiting_count
