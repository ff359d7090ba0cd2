"""The settlement queue: visible to diagnostics, retried while the ledger is away, and a capture
the ledger refuses for good is flagged rather than retried forever."""

from kiosk.core.view import VendStep


def held_vend(rig, who="王阿姨"):
    session = rig.open_session(who)
    rec = rig.journal.begin(session.session, session.member.id, "water", 20, "0:2")
    hold = rig.ledger.hold(session.session, "water", "0:2", 20, key=rec.key)
    rig.journal.advance(rec.id, VendStep.HELD, hold=hold.hold)
    return rec, hold


def test_a_capture_the_ledger_cannot_hear_stays_queued_with_its_age_and_error(rig):
    rec, _ = held_vend(rig)
    rig.journal.decide(rec.id, "capture", "handed_out")
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
    rig.journal.decide(rec.id, "capture", "handed_out")
    assert rig.settler.settle_all() == 0
    status = rig.settler.status()
    assert status["pending_captures"] == []
    [refused] = status["refused"]
    assert refused["vend"] == rec.id and refused["refused"]
    assert rig.journal.get(rec.id).state is VendStep.HELD  # kept for staff, never dropped
