"""The technician screens' intents, run by the session controller on its worker thread against
the real ledger, the pty lock board and the diagnostics desk; no Kivy."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest

from kiosk.core.config import load_config
from kiosk.core.health import HealthMonitor
from kiosk.core.interfaces import LockerAddress
from kiosk.core.outbox import EventOutbox
from kiosk.core.service import ServiceSwitch
from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.technician import TechPage
from kiosk.core.view import SessionState
from kiosk.diag.desk import DiagDesk
from kiosk.wiring.parts import KioskParts
from tests.core.test_session import Views
from tests.diag.conftest import ledger_events


@pytest.fixture
def tech(rig, tmp_path):
    """A kiosk whose desk works on the rig's own ledger client, board and journal."""
    config = load_config(rig.site.config_path)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    service = ServiceSwitch(tmp_path / "journal.db")
    parts = KioskParts(
        config=config,
        ledger=rig.ledger,
        board=rig.board,
        journal=rig.journal,
        service=service,
        events=EventOutbox(rig.ledger, tmp_path / "journal.db"),
        owned=False,
    )
    timeouts = SessionTimeouts(idle=30, pin=30, pairing=30, technician=30)
    # Built as kiosk/app.py builds them: the desk wakes the health monitor, which tells the
    # controller.
    service_changed = threading.Event()
    desk = DiagDesk(parts, on_service_change=service_changed.set, settle=0.05)
    controller = SessionController(
        rig.ledger, rig.inventory, rig.vends, timeouts, desk=desk, sensor_interval=0.1
    )
    health = HealthMonitor(
        rig.ledger,
        rig.board,
        LockerAddress(0, 1),
        controller.set_out_of_service,
        interval=60,
        in_service=lambda: service.state().in_service,
        wake=service_changed,
    )
    health.start()
    views = Views()
    controller.subscribe(views)
    yield controller, views
    health.stop()
    controller.close()
    parts.close()
    service.close()


def badge_in(rig, controller, views, steps_ahead=0):
    # Each TOTP step signs in once; a second badge soon after shows the next step's code.
    controller.present_code(rig.site.phone_code("张师傅", at=time.time() + 30 * steps_ahead))
    return views.wait_for(
        lambda v: v.state is SessionState.TECHNICIAN and v.technician is not None and not v.busy
    )


def settled(views, test=lambda tv: True):
    return views.wait_for(
        lambda v: v.technician is not None and not v.busy and test(v.technician)
    ).technician


def test_a_technician_badge_shows_the_health_checks_and_the_service_state(rig, tech):
    controller, views = tech
    v = badge_in(rig, controller, views)
    checks = {c.name: c.status for c in v.technician.checks}
    assert checks["ledger"] == "ok" and checks["lock board 0"] == "ok"
    assert v.technician.service.in_service is True
    assert "water" in v.technician.skus
    assert v.technician.page is TechPage.HEALTH


def test_opening_one_locker_pulses_it_once_and_shows_its_bits_before_and_after(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.LOCKS)
    settled(views, lambda tv: tv.page is TechPage.LOCKS and tv.lockers)
    before = rig.site.cabinet.pulses(0, 3)
    controller.tech_open("0:3")
    tv = settled(views, lambda tv: tv.last_open is not None)
    assert rig.site.cabinet.pulses(0, 3) == before + 1
    assert tv.last_open.locker == "0:3" and tv.last_open.before.hook_open is False
    assert tv.last_open.after.hook_open is True and tv.message == "tech.opened"
    actions = [e["data"]["action"] for e in ledger_events(rig.site, "technician")]
    assert actions[:2] == ["enter", "lock_test"] or "lock_test" in actions


def test_a_locker_that_does_not_open_says_so_and_names_it(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    rig.site.cabinet.jam(0, 2)
    controller.tech_open("0:2")
    tv = settled(views, lambda tv: tv.last_open is not None)
    assert tv.message == "tech.not_opened" and tv.detail == "0:2" and tv.ok is False


def test_an_unknown_locker_is_refused_with_its_name(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_open("3:9")
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.message == "tech.failed" and "3:9" in tv.detail


def test_the_lock_walk_opens_each_locker_and_takes_one_seen_shut_out_of_sale(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_walk()
    tv = settled(views, lambda tv: tv.walk is not None)
    assert tv.walk.current.locker == "0:1" and rig.site.cabinet.pulses(0, 1) == 1
    controller.tech_walk_verdict("opened")
    tv = settled(views, lambda tv: tv.walk is not None and tv.walk.current.locker == "0:2")
    controller.tech_walk_verdict("not_opened")
    settled(views, lambda tv: tv.walk is not None and tv.walk.current.locker == "0:3")
    controller.tech_walk_verdict("stop")
    tv = settled(views, lambda tv: tv.walk is None)
    assert tv.message == "tech.walk_failed" and tv.detail == "0:2"
    flagged = {s.locker: s.inspect for s in rig.journal.lockers()}
    assert flagged["0:2"] and not flagged["0:1"]
    assert rig.site.cabinet.pulses(0, 4) == 0  # stopped before it
    walks = [
        e["data"]
        for e in ledger_events(rig.site, "technician")
        if e["data"]["action"] == "lock_walk"
    ]
    assert walks[-1]["results"] == [
        {"locker": "0:1", "verdict": "opened"},
        {"locker": "0:2", "verdict": "not_opened"},
    ]


def test_restocking_stores_the_entry_and_sends_the_inventory_to_the_ledger(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.RESTOCK)
    settled(views, lambda tv: tv.page is TechPage.RESTOCK and tv.draft.locker == "0:1")
    day = (date.today() + timedelta(days=60)).isoformat()
    controller.tech_draft(locker="0:4")
    settled(views, lambda tv: tv.draft.locker == "0:4" and tv.draft.sku == "soap")
    controller.tech_draft(sku="water", count=7, best_before=day)
    settled(views, lambda tv: tv.draft.count == 7)
    controller.tech_restock()
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.message == "tech.restocked" and tv.detail == "0:4"
    stock = {s.locker: s for s in rig.journal.lockers()}["0:4"]
    assert (stock.sku, stock.count, stock.best_before) == ("water", 7, day)
    snapshot = ledger_events(rig.site, "inventory")[-1]["data"]
    assert any(
        line.get("locker") == "0:4" and line.get("count") == 7 for line in snapshot["lockers"]
    )


def test_a_past_best_before_date_is_refused_naming_the_locker_and_nothing_changes(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.RESTOCK)
    settled(views, lambda tv: tv.draft.locker == "0:1")
    controller.tech_draft(count=5, best_before="2020-01-01")
    settled(views, lambda tv: tv.draft.count == 5)
    controller.tech_restock()
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.message == "tech.failed" and "0:1" in tv.detail and "best_before" in tv.detail
    assert {s.locker: s.count for s in rig.journal.lockers()}["0:1"] == 3


def test_a_scanned_barcode_on_the_restock_page_fills_a_matching_sku(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.RESTOCK)
    settled(views, lambda tv: tv.page is TechPage.RESTOCK and tv.draft.sku == "tissues")
    controller.present_code("rice")
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.draft.sku == "rice" and tv.message == "tech.sku_scanned"
    controller.present_code("6901234567892")
    tv = settled(views, lambda tv: tv.message == "tech.sku_unknown")
    assert tv.draft.sku == "rice" and tv.detail == "6901234567892"


def test_service_off_shows_out_of_service_once_the_technician_leaves_and_on_brings_it_back(
    rig, tech
):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_service(False, "cleaning")
    tv = settled(views, lambda tv: tv.message is not None)
    assert tv.service.in_service is False and tv.service.reason == "cleaning"
    assert views.seen[-1].state is SessionState.TECHNICIAN  # the technician is not thrown out
    controller.cancel()
    assert views.wait(SessionState.OUT_OF_SERVICE).out_of_service == "oos.service"
    badge_in(rig, controller, views, steps_ahead=1)
    controller.tech_service(True, "done")
    settled(views, lambda tv: tv.service.in_service)
    controller.cancel()
    assert views.wait(SessionState.IDLE).out_of_service is None
    modes = [e["data"]["mode"] for e in ledger_events(rig.site, "service")]
    assert modes == ["out_of_service", "in_service"]


def test_live_sensors_show_a_door_shut_by_hand_while_the_lock_page_is_open(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.LOCKS)
    settled(views, lambda tv: tv.page is TechPage.LOCKS and tv.lockers)
    controller.tech_open("0:5")
    settled(views, lambda tv: any(x.locker == "0:5" and x.hook_open for x in tv.lockers))
    rig.site.cabinet.take_item(0, 5)
    rig.site.cabinet.close_door(0, 5)  # no intent: only the live reads can see it
    tv = settled(
        views, lambda tv: any(x.locker == "0:5" and x.hook_open is False for x in tv.lockers)
    )
    line = next(x for x in tv.lockers if x.locker == "0:5")
    assert line.item_present is True and line.count == 2  # one of two taken: still one there


def test_the_technician_screens_time_out_even_while_the_sensors_are_read(rig, tech):
    controller, views = tech
    controller.visit.timeouts = SessionTimeouts(idle=30, pin=30, pairing=30, technician=1.0)
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.LOCKS)
    views.wait(SessionState.IDLE, timeout=15)


def test_a_self_test_and_a_bundle_report_their_outcome(rig, tech):
    controller, views = tech
    badge_in(rig, controller, views)
    controller.tech_self_test()
    tv = settled(views, lambda tv: tv.self_test is not None)
    assert tv.message == f"tech.self_test_{tv.self_test.status}" and tv.self_test.checks
    controller.tech_bundle()
    tv = settled(views, lambda tv: tv.message == "tech.bundle_written")
    assert tv.detail.endswith(".tar.gz")
    assert ledger_events(rig.site, "self_test")
