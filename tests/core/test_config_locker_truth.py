"""The config keys of issue 15's screens: [kiosk] help_phone (shown on every error screen),
[vend] jam_after (how soon a lock that held is called jammed), and which lockers have an item
sensor (so which charge at the door)."""

import pytest

from kiosk.core.config import load_config
from kiosk.core.errors import ConfigError
from tests.core.test_config import GOOD, write


def test_the_help_phone_is_read_trimmed_and_empty_by_default(tmp_path):
    assert load_config(write(tmp_path, GOOD)).help_phone == ""
    text = GOOD.replace("[kiosk]", '[kiosk]\nhelp_phone = " 010-6543 2100 "')
    assert load_config(write(tmp_path, text)).help_phone == "010-6543 2100"
    text = GOOD.replace("[kiosk]", '[kiosk]\nhelp_phone = "+86 (10) 6543-2100"')
    assert load_config(write(tmp_path, text)).help_phone == "+86 (10) 6543-2100"


@pytest.mark.parametrize(
    "value",
    [
        '"call Li"',
        '"12"',
        '"010-6543 2100 ext. 5"',
        '"１２３４５"',
        '"0" ',
        "12345",
        '"1' + "2" * 21 + '"',
    ],
)
def test_a_help_phone_that_is_no_phone_number_is_refused_naming_the_key(tmp_path, value):
    text = GOOD.replace("[kiosk]", f"[kiosk]\nhelp_phone = {value}")
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path, text))
    assert "kiosk.help_phone" in str(e.value) and str(tmp_path / "kiosk.toml") in str(e.value)


def test_jam_after_defaults_to_3_s_off_for_relay_cabinets_and_is_bounded(tmp_path):
    assert load_config(write(tmp_path, GOOD)).vend.jam_after == 3.0
    text = GOOD.replace("[lockboard]", "[vend]\njam_after = 0\n[lockboard]")
    assert load_config(write(tmp_path, text)).vend.jam_after == 0.0
    for bad in ("-1", "31", "nan"):
        text = GOOD.replace("[lockboard]", f"[vend]\njam_after = {bad}\n[lockboard]")
        with pytest.raises(ConfigError, match="vend.jam_after must be 0"):
            load_config(write(tmp_path, text))


def test_kerong_lockers_have_item_sensors_and_xor_lockers_none(tmp_path):
    assert load_config(write(tmp_path, GOOD)).item_sensor("0:1") is True
    text = GOOD.replace("[lockboard]", '[lockboard]\nprotocol = "xor"')
    assert load_config(write(tmp_path, text)).item_sensor("0:1") is False
