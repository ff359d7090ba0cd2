"""The settlement queue: visible to diagnostics, retried while the ledger is away, and a capture
the ledger refuses for good is flagged rather than retried forever."""

from contextlib import closing
from types import SimpleNamespace

import pytest

from kiosk.core.errors import LedgerError
from kiosk.core.journal import open_journal_db
from kiosk.core.steps import Settlement, SettleReason, VendStep
from kiosk.diag.checks import Limits, Status
from kiosk.diag.health import journal_checks


def held_vend(rig, who="王阿姨"):
    session = rig.open_session(who)
    rec = rig.journal.begin(session.session, session.member.id, "water", 20, "0:2")
    hold = rig.ledger.hold(session.session, "water", "0:2", 20, key=rec.key)
    rig.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
    return rec, hold


def test_a_capture_the_ledger_cannot_hear_stays_queued_with_its_age_and_error(rig):
    rec, _ = held_vend(rig)
    rig.journal.decide(rec.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    rig.site.ledger.stop()
    assert rig.settler.settle_all() == 1
    [pending] = rig.settler.status()["pending_captures"]
    assert pending["vend"] == rec.id and pending["attempts"] == 1
    assert pending["age_s"] >= 0 and "unreachable" in pending["last_error"]
    rig.site.ledger.start()
    assert rig.settler.settle_all() == 0
    assert rig.journal.get(rec.id).state is VendStep.CAPTURED


def test_a_capture_refused_for_good_is_flagged_and_leaves_the_retry_queue(rig):
    rec, hold = held_vend(rig)
    rig.ledger.void(hold.hold, "staff voided it", key="staff-void")  # the ledger closed it
    rig.journal.decide(rec.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    assert rig.settler.settle_all() == 0
    status = rig.settler.status()
    assert status["pending_captures"] == []
    [refused] = status["refused"]
    assert refused["vend"] == rec.id and refused["refused"]
    assert rig.journal.get(rec.id).state is VendStep.HELD  # kept for staff, never dropped


def test_a_void_the_ledger_can_never_accept_is_refused_once_and_diagnostics_say_so(rig):
    # A NUL in the reason was a 500 on PostgreSQL, retried for ever; now the ledger answers
    # 422 on both databases and the queue flags the void for staff after one try.
    rec, hold = held_vend(rig)
    rig.journal.decide(rec.id, Settlement.VOID, SettleReason.DOOR_NOT_OPENED)
    # Reasons are words of the kiosk's own now; a journal written before may hold any text.
    with closing(open_journal_db(rig.journal.path)) as db:
        db.execute("UPDATE vends SET reason = ? WHERE id = ?", ("door\x00stuck", rec.id))
    assert rig.settler.settle_all() == 0
    assert rig.settler.settle_all() == 0  # not tried again
    [refused] = rig.settler.status()["refused"]
    assert (refused["vend"], refused["refused"], refused["attempts"]) == (
        rec.id,
        "bad_request",
        1,
    )
    assert rig.ledger.get_hold(hold.hold).state == "held"  # nothing settled behind its back
    no_events = SimpleNamespace(pending=lambda: 0, last_error=None)  # not what is checked
    parts = SimpleNamespace(journal=rig.journal, events=no_events)
    [journal, *_] = journal_checks(parts, Limits())  # what `kiosk diag` shows
    assert journal.status is Status.FAIL and "1 refused" in journal.value


@pytest.mark.parametrize(
    ("status", "code", "final"),
    [
        (422, "bad_request", True),
        (404, "unknown_hold", True),
        (409, "request_in_progress", False),
        (408, "http_error", False),
        (429, "slow_down", False),
        (429, "too_many_requests", False),
        (500, "internal", False),
        (503, "unavailable", False),
    ],
)
def test_only_an_answer_a_repeat_cannot_change_is_final(status, code, final):
    assert LedgerError(code, "", status).final is final
