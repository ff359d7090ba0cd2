"""The simulated relay cabinet: the real GPIO drivers and the real kiosk against mock pins that
follow the simulated world."""

from __future__ import annotations

import threading
import tomllib
from pathlib import Path

import pytest

from drivers.gpio.relay_locks import RelayLockBank, RelayLockPins
from drivers.gpio.switches import ServiceDoor
from kiosk.app import build
from kiosk.core.config import load_config, parse_config
from kiosk.core.interfaces import Light, LockerAddress, Sound
from kiosk.core.view import SessionState
from sim.gpio import SimGpio, as_relay_cabinet, gpio_section
from sim.site import SimulatedSite
from sim.world import Cabinet, SimLocker


def gpio_config(cabinet: Cabinet, item_sensors: bool = False):
    doc = tomllib.loads(
        '[ledger]\nurl = "http://x"\nkey = "k"\n[scanner]\nport = "p"\n'
        + '[lockboard]\nprotocol = "gpio"\n'
        + gpio_section(cabinet, item_sensors)
    )
    return parse_config(doc, "sim.toml", base=Path(".")).gpio


@pytest.fixture
def cabinet():
    return Cabinet([SimLocker(0, 1, "water", 2), SimLocker(0, 2, "rice", 1)])


def test_a_relay_pulse_releases_the_simulated_latch_and_the_reed_switch_follows(cabinet):
    gpio = gpio_config(cabinet)
    with SimGpio(cabinet, gpio) as sim:
        pins = [RelayLockPins(lk.address, lk.relay, lk.reed) for lk in gpio.locks]
        with RelayLockBank(pins, pulse=0.01, pin_factory=sim.factory) as bank:
            sim.sync()
            one = LockerAddress(0, 1)
            assert bank.read(one).hook_open is False
            bank.unlock(one)
            assert cabinet.pulses(0, 1) == 1 and cabinet.pulses(0, 2) == 0
            sim.sync()
            assert bank.read(one).hook_open is True
            cabinet.take_item(0, 1)
            cabinet.close_door(0, 1)
            sim.sync()
            state = bank.read(one)
            assert (state.hook_open, state.item_present, state.item_sensed) == (False, False, False)


def test_item_sensors_in_the_sim_report_what_the_locker_holds(cabinet):
    gpio = gpio_config(cabinet, item_sensors=True)
    with SimGpio(cabinet, gpio) as sim:
        lock = gpio.locks[1]
        with RelayLockBank(
            [RelayLockPins(lock.address, lock.relay, lock.reed, lock.item_sensor)],
            pulse=0.01,
            pin_factory=sim.factory,
        ) as bank:
            sim.sync()
            assert bank.read(lock.address).item_present is True
            bank.unlock(lock.address)
            cabinet.take_item(0, 2)
            sim.sync()
            assert bank.read(lock.address).item_present is False


def test_the_service_door_switch_follows_the_simulated_service_door(cabinet):
    gpio = gpio_config(cabinet)
    with SimGpio(cabinet, gpio) as sim:
        assert gpio.service_door is not None
        with ServiceDoor(gpio.service_door, pin_factory=sim.factory) as door:
            opened = threading.Event()
            door.when_opened = opened.set
            sim.sync()
            assert door.is_open is False
            sim.open_service_door()
            assert opened.is_set() and door.is_open is True


class Views:
    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.seen: list = []

    def __call__(self, view) -> None:
        with self.cond:
            self.seen.append(view)
            self.cond.notify_all()

    def wait(self, state, timeout: float = 20.0):
        with self.cond:
            assert self.cond.wait_for(lambda: self.seen[-1].state is state, timeout), self.seen[-1]
            return self.seen[-1]


def test_a_whole_visit_at_a_relay_cabinet_pulses_once_captures_and_lights_ready_again(tmp_path):
    with SimulatedSite(tmp_path / "site") as site:
        config_path = tmp_path / "relay.toml"
        config_path.write_text(as_relay_cabinet(site.config_path.read_text(), site.cabinet))
        config = load_config(config_path)
        assert config.gpio is not None
        with SimGpio(site.cabinet, config.gpio) as sim:
            runtime = build(config, pin_factory=sim.factory)
            try:
                runtime.start()
                assert runtime.self_test is not None
                runtime.self_test.join(10)  # the power-on self-test cycles the light first
                assert runtime.gpio is not None
                views = Views()
                runtime.controller.subscribe(views)
                assert runtime.gpio.parts.light is not None
                assert runtime.gpio.parts.light.light is Light.READY

                member = site.member("王阿姨")
                before = site.balance(member["member"])
                site.present_phone("王阿姨")
                views.wait(SessionState.BROWSING)
                visitor = threading.Thread(target=_take_and_close, args=(site.cabinet,))
                visitor.start()
                runtime.controller.add("tissues")
                runtime.controller.checkout()
                views.wait(SessionState.CONFIRMING)
                runtime.controller.confirm()
                result = views.wait(SessionState.RESULT)
                visitor.join(10)

                assert result.result is not None and result.result.ok
                assert site.cabinet.pulses(0, 1) == 1
                assert site.balance(member["member"]) == before - 15
                assert runtime.gpio.parts.buzzer is not None
                assert runtime.gpio.parts.buzzer.last is Sound.ACCEPTED
                runtime.controller.finish()
                views.wait(SessionState.IDLE)
                assert runtime.gpio.parts.light.light is Light.READY
                assert runtime.status()["gpio"]["light"]["light"] == "ready"
            finally:
                runtime.close()


def _take_and_close(cabinet: Cabinet) -> None:
    """A visitor who waits for locker 0:1 to spring open, takes an item and shuts the door."""
    wait = threading.Event()
    for _ in range(1000):
        if cabinet.locker(0, 1).door_open:
            break
        wait.wait(0.01)
    wait.wait(0.3)  # the kiosk sees the door open before it shuts
    cabinet.take_item(0, 1)
    cabinet.close_door(0, 1)
