"""`kiosk sim`'s hardware panel drives a whole visit through the real kiosk."""

from tests.e2e.scripted import run_script


def test_a_visit_made_with_the_hardware_panel_captures_the_price(tmp_path):
    result = run_script("tests.e2e.sim_panel_visit", tmp_path, timeout=120)
    assert result == {
        "balance_before": 120,
        "ok": True,
        "balance_after": 100,
        "pulses": 1,
        "card_screen": "pin_pad",  # the panel's printed card leads to the PIN pad
    }
