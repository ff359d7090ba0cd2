"""Composition root: builds the ledger client, hardware drivers, journal and core from a config.

Nothing else in the kiosk knows which concrete driver or ledger it talks to.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler

from drivers.lockboard.base import BusLockBoard
from drivers.scanner.camera import CameraScanner
from drivers.scanner.serial_scanner import SerialScanner
from drivers.scanner.wedge import WedgeScanner
from kiosk.core.config import KioskConfig
from kiosk.core.health import HealthMonitor
from kiosk.core.interfaces import LockBoard, LockerAddress
from kiosk.core.inventory import Inventory
from kiosk.core.journal import VendJournal
from kiosk.core.outbox import EventOutbox
from kiosk.core.pickup import ReservationDesk, ReservationPoller
from kiosk.core.recovery import RecoveryReport, recover
from kiosk.core.service import ServiceSwitch
from kiosk.core.session import SessionController
from kiosk.core.settlement import SettlementWorker, Settler
from kiosk.core.vend import VendTransaction
from kiosk.diag.desk import DiagDesk
from kiosk.diag.selftest import run_self_test
from kiosk.ledger_client import LedgerClient
from kiosk.platform import eventlog
from kiosk.wiring.gpio import GpioRuntime
from kiosk.wiring.parts import KioskParts
from kiosk.wiring.scanners import build_scanner

log = logging.getLogger(__name__)


@dataclass
class KioskRuntime:
    """Everything a running kiosk is made of, started and closed together."""

    config: KioskConfig
    ledger: LedgerClient
    board: BusLockBoard | LockBoard
    scanner: SerialScanner | WedgeScanner | CameraScanner
    journal: VendJournal
    settler: Settler
    settlement: SettlementWorker
    controller: SessionController
    inventory: Inventory
    events: EventOutbox
    health: HealthMonitor
    service: ServiceSwitch
    desk: DiagDesk  # the technician screens' operations, on the parts above (it closes them)
    log_handler: RotatingFileHandler | None = field(default=None)
    gpio: GpioRuntime | None = None  # status light, buzzer, switches: only with [gpio]
    self_test: threading.Thread | None = None  # the power-on self-test, running after start()
    reservations: ReservationPoller | None = None  # asks for phone reservations while idle

    def start(self) -> RecoveryReport:
        """Settle what a previous run left unfinished, then start listening for codes."""
        report = recover(self.journal, self.board, self.settler)
        log.info("recovery: %s", report)
        self.settlement.start()
        self.events.start()
        self.events.post("inventory", self.inventory.snapshot())
        # The first health check runs before the first code is heard: no vend on a dead ledger.
        self.health.check()
        self.health.start()
        if self.gpio is not None:
            self.gpio.start(self.controller.subscribe, self.events.post)
        self.scanner.start(self.controller.present_code)
        if self.reservations is not None:
            self.reservations.start()
        # The lights and buzzer cycle for a few seconds: not on the caller's thread.
        self.self_test = threading.Thread(
            target=self._power_on_self_test, name="self-test", daemon=True
        )
        self.self_test.start()
        return report

    def _power_on_self_test(self) -> None:
        try:
            run_self_test(self.desk.parts, "power-on")  # logged and sent as a "self_test" event
        except Exception:
            log.exception("power-on self-test failed to run")
        if self.gpio is not None:
            # The cycle ends on a fixed pattern; a visit may have begun meanwhile: show its state.
            self.gpio.annunciator(self.controller.view)

    def status(self) -> dict[str, object]:
        """Every part's status, for diagnostics."""
        return {
            "session": self.controller.status(),
            "health": self.health.status(),
            "settlement": self.settlement.status(),
            "events": self.events.status(),
            "inventory": self.inventory.status(),
            "service": self.service.status(),
            "gpio": None if self.gpio is None else self.gpio.status(),
            "technician": self.desk.status(),
        }

    def close(self) -> None:
        if self.self_test is not None:
            self.self_test.join(timeout=10)
        self.scanner.close()
        if self.reservations is not None:
            self.reservations.stop()
        self.health.stop()
        self.controller.close()
        self.settlement.stop()
        # The outbox, GPIO parts, service switch, boards, ledger client and journal: the parts
        # the desk works on, closed together (kiosk/wiring/parts.py).
        self.desk.close()
        if self.log_handler is not None:
            logging.getLogger().removeHandler(self.log_handler)
            self.log_handler.close()


def build(config: KioskConfig, pin_factory: object = None) -> KioskRuntime:
    """`pin_factory`: gpiozero's factory for the GPIO parts (MockFactory in `kiosk sim`)."""
    config.make_data_dir()
    core = config.core
    log_handler = eventlog.install(
        core.eventlog.path or config.data_dir / "events.jsonl",
        core.eventlog.max_bytes,
        core.eventlog.backups,
        secrets=[config.ledger.key],
    )
    try:
        # The same parts `kiosk diag` works on, built by the same function; here a GPIO part
        # that cannot be had stops the kiosk.
        parts = KioskParts.from_config(config, pin_factory, gpio_required=True)
    except BaseException:
        logging.getLogger().removeHandler(log_handler)
        log_handler.close()
        raise
    ledger, board, journal, service = parts.ledger, parts.board, parts.journal, parts.service
    events = parts.events  # one outbox per kiosk, sent by its own thread
    settler = parts.settler
    assert settler is not None  # from_config builds it
    vends = VendTransaction(
        journal, ledger, board, settler, config.vend, report=lambda e: events.post("fault", e)
    )
    inventory = Inventory(
        journal,
        today=config.today,  # the office's date, not the system's zone
        warning_days=core.best_before_warning_days,
        item_sensor=config.item_sensor,
    )
    # The technician desk works on these same parts. When it throws the service switch it wakes
    # the health monitor, which tells the controller: built in that order, each given the one
    # before it (the desk gets the monitor's wake-up, not the monitor).
    service_changed = threading.Event()
    desk = DiagDesk(parts, on_service_change=service_changed.set)
    controller = SessionController(
        ledger,
        inventory,
        vends,
        core.timeouts,
        on_capture=lambda: events.post("inventory", inventory.snapshot()),
        desk=desk,
        help_phone=config.help_phone,
        reservations=ReservationDesk(journal, inventory, ledger),
    )
    probe = LockerAddress.parse(config.lockers[0].locker) if config.lockers else LockerAddress(0, 1)
    health = HealthMonitor(
        ledger,
        board,
        probe,
        controller.set_out_of_service,
        interval=core.health_interval,
        in_service=lambda: service.state().in_service,
        wake=service_changed,
    )
    return KioskRuntime(
        config=config,
        ledger=ledger,
        board=board,
        scanner=build_scanner(config.scanner),
        journal=journal,
        settler=settler,
        settlement=SettlementWorker(settler),
        controller=controller,
        inventory=inventory,
        events=events,
        health=health,
        service=service,
        log_handler=log_handler,
        gpio=parts.signals,
        desk=desk,
        reservations=ReservationPoller(controller.poll_reservations),
    )
