"""The kiosk parts a technician works on, built from the kiosk's config like app.py builds them,
but nothing is started: no scanner thread, no settlement worker, no recovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from kiosk.core.config import KioskConfig
from kiosk.core.interfaces import LockBoard, LockerAddress, LockState
from kiosk.core.journal import VendJournal
from kiosk.core.outbox import EventOutbox
from kiosk.core.service import ServiceSwitch
from kiosk.ledger_client import LedgerClient
from kiosk.wiring.boards import build_board


class BoardBus(Protocol):
    """What the technician tools need from the lock boards (every BusLockBoard has it)."""

    def unlock(self, locker: LockerAddress, vend: str | None = None) -> LockState | None: ...

    def read(self, locker: LockerAddress) -> LockState: ...

    def status(self, board: int) -> Mapping[int, LockState]: ...

    def close(self) -> None: ...


@dataclass
class KioskParts:
    """Ledger client, lock boards, journal, service switch and event reporter of one kiosk."""

    config: KioskConfig
    ledger: LedgerClient
    board: BoardBus | LockBoard
    journal: VendJournal
    service: ServiceSwitch
    events: EventOutbox  # not started here: the CLI sends with report(); the kiosk has its own
    signals: Any = None  # kiosk.wiring.gpio.GpioRuntime (light, buzzer, switches) with [gpio]
    gpio_error: str | None = None  # why the GPIO parts could not be had (pins busy, no GPIO)
    gpio: list[Any] = field(default_factory=list)  # more parts with status(), shown as checks
    owned: bool = True  # False when borrowed from a running kiosk: close() leaves them open
    settler: Any = None  # the running kiosk's settlement queue (kiosk.core.settlement.Settler)

    @classmethod
    def from_config(cls, config: KioskConfig, pin_factory: Any = None) -> KioskParts:
        config.make_data_dir()
        journal = VendJournal(config.journal_path)
        journal.seed_lockers(list(config.lockers))
        lg = config.ledger
        ledger = LedgerClient(lg.url, lg.key, lg.timeout, lg.verify_tls)
        signals, gpio_error = _signals(config, pin_factory)
        return cls(
            config=config,
            ledger=ledger,
            board=build_board(config, pin_factory),
            journal=journal,
            service=ServiceSwitch(config.journal_path),
            events=EventOutbox(ledger, config.journal_path),
            signals=signals,
            gpio_error=gpio_error,
        )

    def lockers(self) -> list[LockerAddress]:
        """Every locker this kiosk has, configured or stocked, in address order."""
        names = {s.locker for s in self.config.lockers} | {s.locker for s in self.journal.lockers()}
        return sorted(LockerAddress.parse(n) for n in names)

    def boards(self) -> list[int]:
        """The bus addresses of the boards the lockers are on."""
        return sorted({locker.board for locker in self.lockers()})

    def board_states(self, board: int) -> Mapping[int, LockState]:
        """Every lock of one board in one read; relay cabinets are read locker by locker."""
        if self.config.lockboard.protocol == "gpio":
            mine = [a for a in self.lockers() if a.board == board]
            return {a.lock: self.board.read(a) for a in mine}
        return cast(BoardBus, self.board).status(board)

    def close(self) -> None:
        for part in self.gpio:
            part.close()
        if not self.owned:
            return
        self.events.close()
        if self.signals is not None:
            self.signals.close()
        self.service.close()
        self.board.close()
        self.ledger.close()
        self.journal.close()

    def __enter__(self) -> KioskParts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _signals(config: KioskConfig, pin_factory: Any) -> tuple[Any, str | None]:
    """The light, buzzer and switches; when the running kiosk holds the pins, say so instead."""
    if config.gpio is None:
        return None, None
    from kiosk.wiring.gpio import build_gpio

    try:
        return build_gpio(config.gpio, pin_factory), None
    except Exception as e:  # gpiozero raises its own family (pin in use, no GPIO chip)
        return None, f"{type(e).__name__}: {e}"
