"""Signing in: staff badges, printed cards with a PIN, and the kiosk's own QR code; every screen
times out back to idle, and a failure in the engine still ends the ledger session."""

import pytest

from kiosk.core.errors import SessionExpired
from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.view import SessionState
from ledger.cards import NO_PIN, issue_card, replace_card
from ledger.db import Member, make_engine, session_factory, utcnow
from tests.core.test_session import Views


@pytest.fixture
def kiosk(rig):
    timeouts = SessionTimeouts(idle=30, pin=0.5, pairing=1.0, technician=30)
    controller = SessionController(rig.ledger, rig.inventory, rig.vends, timeouts)
    views = Views()
    controller.subscribe(views)
    yield controller, views
    controller.close()


def card_for(rig, name, pin):
    """A printed card with `pin`; None: one printed in a batch, its PIN not yet set."""
    engine = make_engine(rig.site.ledger.db_url)
    try:
        with session_factory(engine)() as s, s.begin():
            member = s.get(Member, rig.site.member(name)["member"])
            if pin is None:
                return replace_card(s, member, NO_PIN, utcnow())[1]
            _, code = issue_card(s, member, pin)
            return code
    finally:
        engine.dispose()


def test_a_staff_badge_opens_technician_mode_and_cancel_leaves_it(rig, kiosk):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code("张师傅"))
    v = views.wait(SessionState.TECHNICIAN)
    assert (v.member_name, v.member_role) == ("张师傅", "technician")
    controller.cancel()
    assert views.wait(SessionState.IDLE).member_role is None


def test_a_printed_card_asks_for_the_pin_and_a_wrong_pin_says_how_many_tries_are_left(rig, kiosk):
    controller, views = kiosk
    code = card_for(rig, "王阿姨", "4321")
    controller.present_code(code)
    views.wait(SessionState.PIN_ENTRY)
    controller.enter_pin("0000")
    v = views.wait_for(lambda v: v.notice == "error.wrong_pin")
    assert v.state is SessionState.PIN_ENTRY and v.attempts_left == 4
    controller.enter_pin("4321")
    v = views.wait(SessionState.BROWSING)
    assert v.member_name == "王阿姨" and v.balance == 120


def test_a_card_printed_in_a_batch_before_its_pin_is_set_says_to_set_it_at_the_office(rig, kiosk):
    controller, views = kiosk
    controller.present_code(card_for(rig, "王阿姨", None))
    views.wait(SessionState.PIN_ENTRY)
    controller.enter_pin("1234")
    v = views.wait_for(lambda v: v.notice == "error.pin_not_set")
    assert v.state is SessionState.IDLE and v.member_name is None


def test_the_pin_pad_times_out_back_to_idle(rig, kiosk):
    controller, views = kiosk
    controller.present_code(card_for(rig, "李伯伯", "2468"))
    views.wait(SessionState.PIN_ENTRY)
    views.wait(SessionState.IDLE, timeout=5)


def test_back_on_the_pin_pad_returns_to_idle(rig, kiosk):
    controller, views = kiosk
    controller.present_code(card_for(rig, "李伯伯", "2468"))
    views.wait(SessionState.PIN_ENTRY)
    controller.back()
    views.wait(SessionState.IDLE)


def test_pairing_shows_the_ledgers_url_and_times_out_when_nobody_confirms(rig, kiosk):
    controller, views = kiosk
    controller.pair()
    v = views.wait(SessionState.PAIRING)
    assert v.pairing.url.startswith("http") and v.pairing.expires_in > 0
    views.wait(SessionState.IDLE, timeout=5)


def test_back_from_pairing_returns_to_idle(rig, kiosk):
    controller, views = kiosk
    controller.pair()
    views.wait(SessionState.PAIRING)
    controller.back()
    views.wait(SessionState.IDLE)


def test_a_failure_inside_the_engine_still_ends_the_ledger_session(rig, kiosk, monkeypatch):
    controller, views = kiosk
    controller.present_code(rig.site.phone_code("王阿姨"))
    views.wait(SessionState.BROWSING)
    session = controller.visit.session.session

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(rig.inventory, "offers", broken)
    controller.add("water")
    v = views.wait(SessionState.IDLE)
    assert v.notice == "error.unknown"
    controller.close()  # the ledger DELETE follows the view on the worker
    with pytest.raises(SessionExpired):
        rig.ledger.hold(session, "water", "0:2", 20, key="after-failure")
