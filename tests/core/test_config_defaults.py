"""A key left out of kiosk.toml takes the default written on its config class, once: the vend
timings, the screens' timeouts, the health probe, the event log, the GPIO parts."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.config import KioskConfig, LedgerConfig, ScannerConfig, load_config
from kiosk.core.gpio_config import GpioConfig
from kiosk.core.settings import CoreSettings, SessionTimeouts
from kiosk.core.vend import VendTimings

BARE = """
[ledger]
url = "https://ledger.example"
key = "k3y"
[lockboard]
port = "/dev/ttyUSB0"
[scanner]
port = "/dev/ttyACM0"
"""


def load(tmp_path: Path, text: str) -> KioskConfig:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    return load_config(path)


def test_a_bare_config_gets_the_classes_own_defaults(tmp_path):
    config = load(tmp_path, BARE)
    assert config.vend == VendTimings()
    assert config.core == CoreSettings()
    assert config.idle_timeout == SessionTimeouts().idle == config.core.timeouts.idle
    assert config.ledger == LedgerConfig(url="https://ledger.example", key="k3y")
    assert config.scanner == ScannerConfig(port="/dev/ttyACM0")
    assert config.screen_diagonal == KioskConfig.screen_diagonal
    assert (config.font_path, config.large_text) == (None, False)


def test_a_bare_gpio_section_gets_gpio_configs_defaults(tmp_path):
    config = load(tmp_path, BARE + "[gpio]\nstatus_light = 17\n")
    assert config.gpio == GpioConfig(status_light=17)


def test_a_written_vend_timing_wins_and_the_others_keep_their_defaults(tmp_path):
    config = load(tmp_path, BARE + "[vend]\ndoor_open_timeout = 30\n")
    assert config.vend == VendTimings(door_open_timeout=30.0)
