"""The [gpio] section: pins for the parts and relay locks; mistakes name the file and key."""

from __future__ import annotations

import pytest

from kiosk.core.config import load_config
from kiosk.core.errors import ConfigError
from kiosk.core.interfaces import LockerAddress

BASE = """
[ledger]
url = "http://127.0.0.1:8000"
key = "k"
[scanner]
port = "/dev/ttyACM0"
[[locker]]
address = "0:1"
sku = "water"
"""
SERIAL_BOARD = '[lockboard]\nport = "/dev/ttyUSB0"\n'
RELAY_CABINET = """
[lockboard]
protocol = "gpio"
[gpio]
status_light = 17
buzzer = 18
service_door = 27
relay_active_high = false
[[gpio.lock]]
address = "0:1"
relay = 5
reed = 6
item_sensor = 13
"""


def load(tmp_path, text):
    p = tmp_path / "kiosk.toml"
    p.write_text(BASE + text)
    return load_config(p)


def test_without_a_gpio_section_no_gpio_parts_are_configured(tmp_path):
    assert load(tmp_path, SERIAL_BOARD).gpio is None


def test_a_relay_cabinet_needs_no_serial_port_and_lists_its_lock_pins(tmp_path):
    c = load(tmp_path, RELAY_CABINET)
    assert c.lockboard.protocol == "gpio"
    assert c.gpio is not None
    assert (c.gpio.status_light, c.gpio.buzzer, c.gpio.service_door) == (17, 18, 27)
    assert c.gpio.relay_active_high is False and c.gpio.pulse == 0.5
    lock = c.gpio.locks[0]
    assert (lock.address, lock.relay, lock.reed, lock.item_sensor) == (
        LockerAddress(0, 1),
        5,
        6,
        13,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("buzzer = 18", "buzzer = 17"),
            r"gpio\.buzzer: GPIO 17 is already used by gpio\.status_light",
        ),
        (("reed = 6", "reed = 40"), r"gpio\.lock\[0\]\.reed must be a BCM GPIO number 0\.\.27"),
        (("buzzer = 18", "buzer = 18"), r"unknown key gpio\.buzer"),
        (
            ("item_sensor = 13", "item_sensor = 13\ncolour = 1"),
            r"unknown key gpio\.lock\[0\]\.colour",
        ),
        (
            ('address = "0:1"', 'address = "0:2"'),
            r"locker\[0\]\.address 0:1 has no \[\[gpio\.lock\]\]",
        ),
        (("relay = 5\n", ""), r"gpio\.lock\[0\]\.relay is missing"),
        (("relay_active_high = false", "pulse = 9"), r"gpio\.pulse must be at most 5 seconds"),
    ],
)
def test_a_wiring_mistake_is_refused_naming_the_file_and_key(tmp_path, change, message):
    with pytest.raises(ConfigError, match=message) as e:
        load(tmp_path, RELAY_CABINET.replace(*change))
    assert "kiosk.toml" in str(e.value)


def test_protocol_gpio_without_any_gpio_lock_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r'protocol = "gpio" needs \[\[gpio\.lock\]\]'):
        load(tmp_path, '[lockboard]\nprotocol = "gpio"\n[gpio]\nbuzzer = 18\n')


def test_a_serial_board_still_needs_its_port(tmp_path):
    with pytest.raises(ConfigError, match=r"lockboard\.port is missing"):
        load(tmp_path, '[lockboard]\nprotocol = "kerong"\n')
