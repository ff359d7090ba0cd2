"""The health probe takes the kiosk out of service when the ledger or the lock board is gone,
or a technician says so, and brings it back by itself; a visit in progress finishes first."""

import pytest

from kiosk.core.health import HealthMonitor, Reason
from kiosk.core.interfaces import LockerAddress
from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.view import SessionState
from tests.core.test_session import Views


@pytest.fixture
def kiosk(rig):
    controller = SessionController(rig.ledger, rig.inventory, rig.vends, SessionTimeouts(idle=30))
    views = Views()
    controller.subscribe(views)
    switch = {"in_service": True}
    monitor = HealthMonitor(
        rig.ledger,
        rig.board,
        LockerAddress(0, 1),
        controller.set_out_of_service,
        interval=60,
        in_service=lambda: switch["in_service"],
    )
    yield controller, views, monitor, switch
    controller.close()


def test_a_ledger_that_goes_away_takes_the_kiosk_out_of_service_and_back(rig, kiosk):
    controller, views, monitor, _ = kiosk
    assert monitor.check() is None
    assert monitor.status()["clock_offset_s"] is not None
    rig.site.ledger.stop()
    assert monitor.check() is Reason.LEDGER
    v = views.wait(SessionState.OUT_OF_SERVICE)
    assert v.out_of_service == "oos.ledger"
    rig.site.ledger.start()
    assert monitor.check() is None
    assert views.wait(SessionState.IDLE).out_of_service is None


def test_a_silent_lock_board_takes_the_kiosk_out_of_service_and_back(rig, kiosk):
    controller, views, monitor, _ = kiosk
    rig.site.board.silent = True
    assert monitor.check() is Reason.LOCKBOARD
    assert views.wait(SessionState.OUT_OF_SERVICE).out_of_service == "oos.lockboard"
    assert "lockboard" in monitor.status()["errors"]
    rig.site.board.silent = False
    monitor.check()
    views.wait(SessionState.IDLE)


def test_a_technicians_switch_puts_the_kiosk_out_of_service(rig, kiosk):
    controller, views, monitor, switch = kiosk
    switch["in_service"] = False
    assert monitor.check() is Reason.SERVICE
    assert views.wait(SessionState.OUT_OF_SERVICE).out_of_service == "oos.service"


def test_a_visit_in_progress_is_not_cut_off_and_ends_out_of_service(rig, kiosk):
    controller, views, monitor, _ = kiosk
    controller.present_code(rig.site.phone_code("王阿姨"))
    views.wait(SessionState.BROWSING)
    rig.site.board.silent = True
    monitor.check()
    controller.touched()
    controller.add("tissues")
    v = views.wait(SessionState.BROWSING)
    assert v.state is SessionState.BROWSING
    controller.cancel()
    assert views.wait(SessionState.OUT_OF_SERVICE).out_of_service == "oos.lockboard"


def test_a_member_code_out_of_service_is_refused_but_a_staff_badge_opens_technician_mode(
    rig, kiosk
):
    controller, views, monitor, _ = kiosk
    rig.site.board.silent = True
    monitor.check()
    views.wait(SessionState.OUT_OF_SERVICE)
    controller.present_code(rig.site.phone_code("王阿姨"))
    controller.present_code(rig.site.phone_code("张师傅"))
    v = views.wait(SessionState.TECHNICIAN)
    assert v.member_role == "technician" and v.member_name == "张师傅"
    assert all(x.state is not SessionState.BROWSING for x in views.seen)
