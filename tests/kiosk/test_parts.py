"""The kiosk's parts are built by one function (kiosk/wiring/parts.py) for the running kiosk and
for `kiosk diag`: the same objects behind the kiosk and its technician desk, and GPIO pins that
cannot be had stop the kiosk but only show up as a finding in the technician's tools."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from gpiozero import LED
from gpiozero.pins.mock import MockFactory

from drivers.gpio.errors import PinSetupError
from kiosk.app import build
from kiosk.core.config import load_config
from kiosk.wiring.parts import KioskParts

CONFIG = """
[ledger]
url = "http://127.0.0.1:9"
key = "k3y"
[lockboard]
port = "socket://127.0.0.1:9"
[scanner]
port = "/dev/null"
[gpio]
status_light = 17
[[locker]]
address = "0:1"
sku = "water"
"""


@pytest.fixture
def config(tmp_path: Path):
    path = tmp_path / "kiosk.toml"
    path.write_text(CONFIG)
    return load_config(path)


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


def test_the_running_kiosk_and_its_technician_desk_share_one_set_of_parts(config, factory):
    runtime = build(config, pin_factory=factory)
    try:
        parts = runtime.desk.parts
        assert parts.board is runtime.board and parts.journal is runtime.journal
        assert parts.ledger is runtime.ledger and parts.events is runtime.events
        assert parts.settler is runtime.settler and parts.signals is runtime.gpio
        assert runtime.gpio is not None
    finally:
        runtime.close()
    # Closed with the desk's parts: the journal's file, and the pin for the next owner.
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        runtime.journal.lockers()
    LED(17, pin_factory=factory).close()


def test_pins_held_by_the_running_kiosk_are_a_finding_for_the_technician(config, factory):
    held = LED(17, pin_factory=factory)  # the running kiosk's status light
    try:
        with KioskParts.from_config(config, pin_factory=factory) as parts:
            assert parts.signals is None
            assert "pin GPIO17 is already in use" in (parts.gpio_error or "")
            assert [str(a) for a in parts.lockers()] == ["0:1"]
        with pytest.raises(PinSetupError, match="already in use"):
            KioskParts.from_config(config, pin_factory=factory, gpio_required=True)
    finally:
        held.close()
