"""The kiosk's parts built from its config, once, for the running kiosk (kiosk/app.py) and for
the technician's tools (`kiosk diag`) alike. Nothing is started here: no thread, no recovery.
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
from kiosk.core.settlement import Settler
from kiosk.ledger_client import LedgerClient
from kiosk.wiring.boards import build_board
from kiosk.wiring.gpio import GpioRuntime, build_gpio


class BoardBus(Protocol):
    """What the technician tools need from the lock boards (every BusLockBoard has it)."""

    def unlock(self, locker: LockerAddress, vend: str | None = None) -> LockState | None: ...

    def read(self, locker: LockerAddress) -> LockState: ...

    def status(self, board: int) -> Mapping[int, LockState]: ...

    def close(self) -> None: ...


@dataclass
class KioskParts:
    """Ledger client, lock boards, journal, service switch, event outbox, settlement queue and
    GPIO parts of one kiosk."""

    config: KioskConfig
    ledger: LedgerClient
    board: BoardBus | LockBoard
    journal: VendJournal
    service: ServiceSwitch
    events: EventOutbox  # sent by the running kiosk's own thread, or by the CLI with report()
    signals: Any = None  # kiosk.wiring.gpio.GpioRuntime (light, buzzer, switches) with [gpio]
    gpio_error: str | None = None  # why the GPIO parts could not be had (pins busy, no GPIO)
    gpio: list[Any] = field(default_factory=list)  # more parts with status(), shown as checks
    owned: bool = True  # False when borrowed from a running kiosk: close() leaves them open
    settler: Settler | None = None  # sends captures and voids (the running kiosk's queue)

    @classmethod
    def from_config(
        cls, config: KioskConfig, pin_factory: Any = None, gpio_required: bool = False
    ) -> KioskParts:
        """`pin_factory`: gpiozero's (MockFactory in `kiosk sim`). With `gpio_required` (the
        kiosk itself) a GPIO part that cannot be had raises; without it (the technician's tools,
        beside a running kiosk that holds the pins) its error is kept in `gpio_error`."""
        board = build_board(config, pin_factory)  # first: a bad [lockboard] leaves nothing open
        config.make_data_dir()
        journal = VendJournal(config.journal_path)
        journal.seed_lockers(list(config.lockers))
        lg = config.ledger
        ledger = LedgerClient(lg.url, lg.key, lg.timeout, lg.verify_tls)
        if gpio_required:
            signals, gpio_error = build_gpio(config.gpio, pin_factory), None
        else:
            signals, gpio_error = _signals(config, pin_factory)
        return cls(
            config=config,
            ledger=ledger,
            board=board,
            journal=journal,
            service=ServiceSwitch(config.journal_path),
            events=EventOutbox(ledger, config.journal_path),
            signals=signals,
            gpio_error=gpio_error,
            settler=Settler(journal, ledger),
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


def _signals(config: KioskConfig, pin_factory: Any) -> tuple[GpioRuntime | None, str | None]:
    """The light, buzzer and switches; when the running kiosk holds the pins, say so instead."""
    try:
        return build_gpio(config.gpio, pin_factory), None
    except Exception as e:  # gpiozero raises its own family (pin in use, no GPIO chip)
        return None, f"{type(e).__name__}: {e}"
