"""The session controller: one member at a time, from code to result to idle, never blocking."""

import threading

import pytest

from kiosk.core.errors import SessionExpired
from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.view import SessionState


class Views:
    """Records published views so a test can wait for one."""

    def __init__(self):
        self.cond = threading.Condition()
        self.seen = []

    def __call__(self, view):
        with self.cond:
            self.seen.append(view)
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=10.0):
        with self.cond:
            assert self.cond.wait_for(lambda: predicate(self.seen[-1]), timeout), self.seen[-1]
            return self.seen[-1]

    def wait(self, state, timeout=10.0):
        with self.cond:
            assert self.cond.wait_for(lambda: self.seen[-1].state is state, timeout), (
                f"never reached {state}; last {self.seen[-1]}"
            )
            return self.seen[-1]


@pytest.fixture
def kiosk(rig):
    timeouts = SessionTimeouts(idle=0.5, pin=0.5, pairing=1.0, technician=0.5)
    controller = SessionController(rig.ledger, rig.inventory, rig.vends, timeouts)
    views = Views()
    controller.subscribe(views)
    yield controller, views
    controller.close()


def test_a_phone_code_opens_the_catalog_with_balance_and_affordability(rig, kiosk):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code("李伯伯"))
    v = views.wait(SessionState.BROWSING)
    assert v.member_name == "李伯伯" and v.balance == 10
    assert {o.sku: o.affordable for o in v.offers}["water"] is False
    assert [s.state for s in views.seen[:3]] == [
        SessionState.IDLE,
        SessionState.IDENTIFYING,
        SessionState.BROWSING,
    ]


def test_a_bad_code_stays_on_the_attract_screen_with_a_notice(rig, kiosk):
    controller, views = kiosk
    controller.present_code("tb1:m000000:12345678")
    views.wait(SessionState.IDENTIFYING)
    v = views.wait(SessionState.IDLE)
    assert v.notice == "error.invalid_code"


def test_confirming_twice_vends_once(rig, kiosk):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code("王阿姨"))
    views.wait(SessionState.BROWSING)
    rig.visitor("0:1")
    controller.add("tissues")
    controller.checkout()
    views.wait(SessionState.CONFIRMING)
    controller.confirm()
    controller.confirm()
    v = views.wait(SessionState.RESULT)
    assert v.result.ok and v.balance == 120 - 15
    assert rig.site.cabinet.pulses(0, 1) == 1
    assert len(rig.journal.all_vends()) == 1


def test_a_scan_during_a_visit_is_ignored(rig, kiosk):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code("王阿姨"))
    views.wait(SessionState.BROWSING)
    controller.present_code(rig.site.phone_code("李伯伯"))
    controller.cancel()
    views.wait(SessionState.IDLE)
    assert all(v.member_name != "李伯伯" for v in views.seen)


def test_a_member_who_walks_away_is_signed_out_after_the_idle_timeout(rig, kiosk):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code("王阿姨"))
    views.wait(SessionState.BROWSING)
    session = controller.visit.session.session
    v = views.wait(SessionState.IDLE, timeout=5.0)
    assert v.member_name is None and v.balance is None
    # The ledger session is ended too: a hold on it is refused (the DELETE follows the view).
    controller.close()
    with pytest.raises(SessionExpired):
        rig.ledger.hold(session, "water", "0:2", 20, key="after-timeout")


def test_the_ledger_being_unreachable_is_said_plainly(rig, kiosk):
    controller, views = kiosk
    code = rig.site.phone_code("王阿姨")
    rig.site.ledger.stop()
    controller.present_code(code)
    views.wait(SessionState.IDENTIFYING)
    v = views.wait(SessionState.IDLE)
    assert v.notice == "error.ledger_unreachable"


def test_an_item_whose_locker_left_sale_after_the_catalog_was_drawn_is_not_vended(rig, kiosk):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code("王阿姨"))
    views.wait(SessionState.BROWSING)
    rig.journal.flag_for_inspection("0:2", "technician took it out")
    controller.add("water")
    controller.cancel()
    views.wait(SessionState.IDLE)
    notices = [v.notice for v in views.seen if v.state is SessionState.BROWSING]
    assert "error.sold_out" in notices and "error.insufficient_funds" not in notices
    assert rig.site.cabinet.pulses(0, 2) == 0 and rig.journal.all_vends() == []
