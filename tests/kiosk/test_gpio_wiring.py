"""GPIO parts wired to the kiosk: the annunciator hears views, the service door raises alarms,
presence wakes whoever listens; and the [scanner] kind picks the scanner."""

from __future__ import annotations

import threading

import pytest
from gpiozero.pins.mock import MockFactory

from drivers.scanner.camera import CameraScanner
from drivers.scanner.serial_scanner import SerialScanner
from drivers.scanner.wedge import WedgeScanner
from kiosk.core.config import ScannerConfig
from kiosk.core.gpio_config import GpioConfig
from kiosk.core.interfaces import Light
from kiosk.core.view import KioskView, SessionState
from kiosk.wiring.gpio import GpioRuntime, build_gpio
from kiosk.wiring.scanners import build_scanner


@pytest.fixture
def factory():
    f = MockFactory()
    yield f
    f.reset()


def test_no_gpio_section_builds_nothing():
    assert build_gpio(None) is None


def test_the_service_door_opening_and_closing_are_posted_as_alarm_events(factory):
    events: list[tuple[str, dict]] = []
    listeners: list = []
    gpio = GpioRuntime(GpioConfig(status_light=17, service_door=22), pin_factory=factory)
    try:
        factory.pin(22).drive_low()  # shut
        gpio.start(listeners.append, lambda kind, data: events.append((kind, data)))
        factory.pin(22).drive_high()
        factory.pin(22).drive_low()
        assert events == [
            ("alarm", {"what": "service_door", "open": True}),
            ("alarm", {"what": "service_door", "open": False}),
        ]
        listeners[0](KioskView(state=SessionState.OUT_OF_SERVICE))
        assert gpio.parts.light is not None and gpio.parts.light.light is Light.OUT_OF_SERVICE
        assert gpio.status()["service_door"]["openings"] == 1
    finally:
        gpio.close()


def test_someone_walking_up_calls_the_screen_wake_handlers(factory):
    woken = threading.Event()
    gpio = GpioRuntime(GpioConfig(presence=23, presence_kind="switch"), pin_factory=factory)
    try:
        gpio.on_presence.append(woken.set)
        gpio.start(lambda listener: None, lambda kind, data: None)
        factory.pin(23).drive_low()  # floor mat pressed
        assert woken.is_set()
    finally:
        gpio.close()


@pytest.mark.parametrize(
    ("config", "kind"),
    [
        (ScannerConfig("", kind="wedge"), WedgeScanner),
        (ScannerConfig("", kind="camera", camera="0"), CameraScanner),
        (ScannerConfig("/dev/ttyACM0"), SerialScanner),
    ],
)
def test_the_scanner_kind_in_the_config_picks_the_scanner(config, kind):
    scanner = build_scanner(config)
    try:
        assert isinstance(scanner, kind)
    finally:
        scanner.close()
