"""Lock tests on the simulated cabinet: one locker, a walk with the technician's answers, live
sensors; every opening reported to the ledger with the technician's member id."""

import pytest

from kiosk.diag.errors import LockTestError
from kiosk.diag.locktest import LockTester, Verdict
from tests.diag.conftest import ledger_events


@pytest.fixture
def tester(parts):
    return LockTester(parts, actor="tech-1", settle=0.1)


def test_opening_one_locker_shows_hook_and_item_before_and_after(tester, site):
    result = tester.open_one("0:2")
    assert result.accepted and result.opened
    assert (result.before.hook_open, result.before.item_present) == (False, True)
    assert (result.after.hook_open, result.after.item_present) == (True, True)
    assert site.cabinet.pulses(0, 2) == 1
    action = ledger_events(site, "technician")[-1]["data"]
    assert action["member"] == "tech-1" and action["action"] == "lock_test"
    assert action["locker"] == "0:2" and action["opened"] is True


def test_a_locker_that_is_not_this_kiosks_is_refused_without_a_pulse(tester, site):
    with pytest.raises(LockTestError, match="0:9 is not one of this kiosk's lockers"):
        tester.open_one("0:9")
    with pytest.raises(LockTestError, match="BOARD:LOCK"):
        tester.open_one("nine")
    assert sum(site.cabinet.pulses(0, n) for n in range(1, 7)) == 0


def test_a_walk_opens_each_locker_once_and_flags_the_one_that_stayed_shut(tester, site, parts):
    site.cabinet.jam(0, 3)
    seen = []

    def technician(result):
        seen.append(result.locker)
        board, lock = (int(x) for x in result.locker.split(":"))
        site.cabinet.close_door(board, lock)
        return Verdict.OPENED if result.opened else Verdict.NOT_OPENED

    results = tester.walk(technician)
    assert seen == ["0:1", "0:2", "0:3", "0:4", "0:5", "0:6"]
    assert [r.opened for r in results] == [True, True, False, True, True, True]
    assert all(site.cabinet.pulses(0, n) == 1 for n in range(1, 7))
    flagged = {s.locker: s.inspect for s in parts.journal.lockers() if s.inspect}
    assert list(flagged) == ["0:3"] and "tech-1" in flagged["0:3"]
    walk = ledger_events(site, "technician")[-1]["data"]
    assert walk["action"] == "lock_walk" and walk["member"] == "tech-1"
    assert [r["verdict"] for r in walk["results"]].count("not_opened") == 1


def test_a_walk_stops_when_the_technician_says_so(tester, site):
    results = tester.walk(lambda r: Verdict.STOP if r.locker == "0:2" else Verdict.OPENED)
    assert [r.locker for r in results] == ["0:1", "0:2"]
    assert site.cabinet.pulses(0, 3) == 0


def test_the_live_view_follows_a_door_as_it_opens(tester, site):
    reads = tester.live(interval=0.05)
    first = {r.locker: r.state for r in next(reads)}
    assert first["0:5"].hook_open is False
    site.cabinet.release(0, 5)
    later = {r.locker: r.state for r in next(reads)}
    assert later["0:5"].hook_open is True and later["0:1"].hook_open is False
    reads.close()


def test_the_live_view_says_which_lockers_cannot_be_read(tester, site):
    site.board.silent = True
    snapshot = next(tester.live(reads=1))
    assert len(snapshot) == 6
    assert all(r.state is None and "board 0" in r.error for r in snapshot)
