"""A technician's visit tapped through the touch UI against the real core, diagnostics desk,
embedded ledger and simulated lock board (tests/e2e/technician_flows.py runs it headless)."""

import pytest

from tests.e2e.scripted import run_script

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def flows(tmp_path_factory):
    return run_script("tests.e2e.technician_flows", tmp_path_factory.mktemp("site"), timeout=240)


def test_the_technician_badge_opens_the_technician_screen_with_the_health_checks(flows):
    assert flows["screen"] == "technician"
    assert flows["checks"]["ledger"] == "ok" and flows["checks"]["lock board 0"] == "ok"
    assert flows["check_cells"] == len(flows["checks"])


def test_tapping_a_locker_on_the_lock_test_pulses_it_once(flows):
    assert flows["pulses"] == 1
    # The door number a member knows, beside the bus address.
    assert flows["open_message"] == "Locker 3 (0:3) opened"


def test_inspected_clears_a_lockers_flag_and_the_ledger_hears_of_it(flows):
    assert flows["inspected_shown"] == [1, "Inspected"]
    assert "To inspect: did not open in a lock walk (test)" in flows["inspect_info"]
    assert flows["inspected_message"] == "Locker 3 (0:3) inspected, back on sale"
    assert flows["flag_after"] is None and flows["inspected_hidden"] == 0
    assert "inspected" in flows["actions"]


def test_the_lock_walk_says_how_far_it_is(flows):
    assert flows["walk_info"].startswith("1 of 6\n"), flows["walk_info"]
    assert "Locker 1 (0:1) was pulsed" in flows["walk_info"]


def test_restocking_changes_the_stock_and_the_ledger_receives_the_snapshot(flows):
    assert flows["stock"] == flows["stock_before"] + 2
    assert flows["ledger_stock"] == [flows["stock"]]
    assert flows["restock_message"] == "Locker 1 (0:1) saved; the time bank has the new stock"


def test_service_off_shows_out_of_service_after_the_technician_leaves_and_on_brings_it_back(
    flows,
):
    assert flows["oos_screen"] == "out_of_service"
    assert flows["oos_reason"] == "The kiosk is being serviced."
    assert flows["idle_screen"] == "attract"


def test_every_technician_action_reaches_the_ledger_with_the_badges_member_id(flows):
    assert flows["members"] == [flows["technician_id"]]
    for action in ("enter", "lock_test", "restock_fill", "service", "exit"):
        assert action in flows["actions"], action
