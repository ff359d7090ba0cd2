"""Composition root: builds the ledger client, hardware drivers, journal and core from a config.

Nothing else in the kiosk knows which concrete driver or ledger it talks to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.lockboard.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from drivers.scanner.serial_scanner import SerialScanner
from kiosk.core.config import KioskConfig
from kiosk.core.errors import ConfigError
from kiosk.core.inventory import Inventory
from kiosk.core.journal import VendJournal
from kiosk.core.recovery import RecoveryReport, recover
from kiosk.core.session import SessionController
from kiosk.core.settlement import SettlementWorker, Settler
from kiosk.core.vend import VendTransaction
from kiosk.ledger_client import LedgerClient

log = logging.getLogger(__name__)


@dataclass
class KioskRuntime:
    """Everything a running kiosk is made of, started and closed together."""

    config: KioskConfig
    ledger: LedgerClient
    board: KerongLockBoard
    scanner: SerialScanner
    journal: VendJournal
    settler: Settler
    settlement: SettlementWorker
    controller: SessionController

    def start(self) -> RecoveryReport:
        """Settle what a previous run left unfinished, then start listening for codes."""
        report = recover(self.journal, self.board, self.settler)
        log.info("recovery: %s", report)
        self.settlement.start()
        self.scanner.start(self.controller.present_code)
        return report

    def close(self) -> None:
        self.scanner.close()
        self.controller.close()
        self.settlement.stop()
        self.board.close()
        self.ledger.close()
        self.journal.close()


def build(config: KioskConfig) -> KioskRuntime:
    lb = config.lockboard
    try:
        profile = BoardProfile(
            protocol=lb.protocol,
            baud=lb.baud,
            locks=lb.locks,
            hook_open_bit=lb.hook_open_bit,
            item_present_bit=lb.item_present_bit,
            command_timeout=lb.timeout,
        )
    except ValueError as e:
        raise ConfigError(f"{config.source}: lockboard.{e}") from None
    config.data_dir.mkdir(parents=True, exist_ok=True)
    journal = VendJournal(config.journal_path)
    journal.seed_lockers(list(config.lockers))
    ledger = LedgerClient(
        config.ledger.url, config.ledger.key, config.ledger.timeout, config.ledger.verify_tls
    )
    board = KerongLockBoard(lb.port, profile)
    settler = Settler(journal, ledger)
    vends = VendTransaction(journal, ledger, board, settler, config.vend)
    controller = SessionController(ledger, Inventory(journal), vends, config.idle_timeout)
    return KioskRuntime(
        config=config,
        ledger=ledger,
        board=board,
        scanner=SerialScanner(config.scanner.port, config.scanner.baud),
        journal=journal,
        settler=settler,
        settlement=SettlementWorker(settler),
        controller=controller,
    )
