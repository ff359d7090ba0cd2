"""The self-test reaches the ledger; a silent board fails it; events wait for a down ledger."""

import json

import pytest

from kiosk.core.config import load_config
from kiosk.core.interfaces import Light
from kiosk.core.outbox import EventKind, EventOutbox
from kiosk.diag.checks import Status
from kiosk.diag.selftest import last_self_test, run_self_test
from kiosk.ledger_client import LedgerClient
from kiosk.wiring.parts import KioskParts
from tests.diag.conftest import ledger_events


def test_a_self_test_passes_on_the_simulator_and_reaches_the_ledger(parts, site):
    report = run_self_test(parts, actor="power-on")
    assert report.passed and report.reported
    events = ledger_events(site, "self_test")
    assert len(events) == 1
    data = events[0]["data"]
    assert data["status"] == "ok" and data["by"] == "power-on"
    assert {c["name"] for c in data["checks"]} >= {"lock board 0", "scanner"}
    assert last_self_test(parts.config.data_dir)["at"] == report.at


def test_a_silent_board_fails_the_self_test_and_the_failure_is_reported(parts, site):
    site.board.silent = True
    report = run_self_test(parts)
    assert not report.passed and report.status is Status.FAIL
    data = ledger_events(site, "self_test")[-1]["data"]
    assert data["status"] == "fail"
    board = next(c for c in data["checks"] if c["name"] == "lock board 0")
    assert board["status"] == "fail" and board["value"] == "no answer"


def test_the_self_test_fails_while_a_locker_waits_for_inspection_and_passes_once_cleared(
    parts, site
):
    parts.journal.flag_for_inspection("0:2", "did not open in a lock walk by m1")
    report = run_self_test(parts)
    assert report.status is Status.FAIL
    lockers = next(c for c in report.checks if c.name == "lockers")
    assert (lockers.value, lockers.detail) == (
        "1 to inspect",
        "0:2: did not open in a lock walk by m1",
    )
    assert ledger_events(site, "self_test")[-1]["data"]["status"] == "fail"
    assert parts.journal.clear_inspection("0:2") is True
    assert parts.journal.clear_inspection("0:2") is False  # cleared once; nothing to clear now
    assert run_self_test(parts).passed


def test_events_wait_in_the_outbox_while_the_ledger_is_down_and_go_later(parts, site, tmp_path):
    down = LedgerClient("http://127.0.0.1:9", "k", timeout=0.5, retries=0)
    reporter = EventOutbox(down, tmp_path / "outbox.db")
    assert reporter.report(EventKind.SELF_TEST, {"status": "ok", "n": 1}) is False
    assert reporter.report(EventKind.SERVICE, {"mode": "out_of_service", "n": 2}) is False
    assert reporter.pending() == 2 and "unreachable" in reporter.status()["last_error"]
    reporter.close()

    # After a restart, with the ledger back: the queue survives and goes first, in order.
    reporter = EventOutbox(parts.ledger, tmp_path / "outbox.db")
    assert reporter.send_pending() == 0
    stored = ledger_events(site, "self_test") + ledger_events(site, "service")
    assert sorted(e["data"]["n"] for e in stored) == [1, 2]
    reporter.close()


def test_the_saved_report_is_json_a_technician_can_read(parts):
    run_self_test(parts)
    saved = json.loads((parts.config.data_dir / "selftest.json").read_text())
    assert saved["status"] == "ok" and saved["version"]


@pytest.fixture
def gpio_parts(site):
    """The site's kiosk with a status light on pin 17 and a buzzer on 18, on gpiozero's mocks."""
    from gpiozero.pins.mock import MockFactory

    factory = MockFactory()
    with open(site.config_path, "a") as f:
        f.write("\n[gpio]\nstatus_light = 17\nbuzzer = 18\n")
    with KioskParts.from_config(load_config(site.config_path), pin_factory=factory) as p:
        yield p, factory
    factory.reset()


def test_a_self_test_cycles_the_light_and_sounds_the_buzzer(gpio_parts, site):
    parts, factory = gpio_parts
    report = run_self_test(parts)
    signals = next(c for c in report.checks if c.name == "lights and buzzer")
    assert signals.status is Status.OK and "light" in signals.detail and "buzzer" in signals.detail
    light_states = {s.state for s in factory.pin(17).states}
    assert {True, False} <= light_states  # it went on and off, not left as it was
    assert any(s.state for s in factory.pin(18).states)  # the buzzer sounded
    assert parts.signals.parts.light.light is Light.READY
