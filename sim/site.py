"""A whole simulated site in one object: the embedded ledger with demo data, the simulated lock
board and scanner on ptys, and a kiosk config file that points the real kiosk at them. The site
uses the ledger as staff do (sim/staff.py), so a kiosk installed without the ledger's packages
is told what to install.
"""

from __future__ import annotations

import hashlib
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyotp
import tomli_w

from sim.lockboard import FIRST_BOARD, make_board
from sim.scanner import SimScanner
from sim.staff import Staff, ledger_service
from sim.world import Cabinet


class SimulatedSite:
    """Ledger + cabinet + scanner, started together; `config_path` is the kiosk's config."""

    def __init__(
        self,
        data_dir: str | Path,
        pace: bool = False,
        gpio: bool = False,
        protocol: str = "kerong",
    ) -> None:
        """`gpio`: the config gets a [gpio] section (status light, buzzer, service door,
        presence) for gpiozero's MockFactory, as `kiosk sim` runs it (sim/gpio.py SimGpio).
        `protocol`: the lock boards' wire protocol, kerong, xor or wkly (the demo cabinet then sits
        on that protocol's first bus address)."""
        self.data_dir = Path(data_dir)
        self.gpio = gpio
        self.protocol = protocol
        self.data_dir.mkdir(parents=True, exist_ok=True)
        db_url = f"sqlite:///{self.data_dir / 'ledger.db'}"
        # First, so that an install without the ledger's packages is told so before anything runs.
        self.ledger = ledger_service(db_url)
        self.staff = Staff(db_url)
        self.cabinet = Cabinet.demo(FIRST_BOARD[protocol])
        self.board = make_board(protocol, self.cabinet, pace)
        self.scanner = SimScanner()
        self.demo: dict[str, Any] = {}
        self.config_path = self.data_dir / "kiosk.toml"

    def start(self) -> SimulatedSite:
        self.ledger.start()
        self.demo = self.staff.seed_demo()
        self.board.start()
        self.scanner.start()
        self.config_path.write_text(self._config())
        self.config_path.chmod(0o600)  # it holds the kiosk key, as a real kiosk's key file does
        return self

    def stop(self) -> None:
        self.scanner.stop()
        self.board.stop()
        self.ledger.stop()

    def __enter__(self) -> SimulatedSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the member's side -------------------------------------------------------------------

    def member(self, name_or_id: str) -> dict[str, Any]:
        for m in self.demo["members"]:
            if name_or_id in (m["member"], m["name"]) or m["name"].startswith(name_or_id):
                return dict(m)
        raise KeyError(f"no demo member {name_or_id!r}")

    def phone_code(self, name_or_id: str, at: float | None = None) -> str:
        """What the member's phone shows now: `tb1:<member>:<8-digit TOTP>`."""
        m = self.member(name_or_id)
        totp = pyotp.TOTP(m["secret"], digits=8, digest=hashlib.sha256, interval=30)
        return f"tb1:{m['member']}:{totp.at(time.time() if at is None else at)}"

    def present_phone(self, name_or_id: str) -> str:
        code = self.phone_code(name_or_id)
        self.scanner.present(code)
        return code

    def balance(self, member_id: str) -> int:
        """The member's spendable balance as the ledger's own book says (`member show`)."""
        return self.staff.balance(member_id)

    def holds(self) -> list[dict[str, Any]]:
        """Every hold the ledger's book holds, oldest first (for tests that audit the kiosk)."""
        return self.staff.holds()

    # --- the kiosk's config ------------------------------------------------------------------

    def _config(self) -> str:
        soon = (date.today() + timedelta(days=5)).isoformat()
        later = (date.today() + timedelta(days=120)).isoformat()
        doc: dict[str, Any] = {
            "kiosk": {"name": "Simulated kiosk", "data_dir": "kiosk-data"},
            "ledger": {"url": self.ledger.url, "key": self.demo["kiosk_key"], "timeout": 5.0},
            "lockboard": {"port": self.board.url, "protocol": self.protocol},
            "scanner": {"port": self.scanner.path},
            "vend": {"door_open_timeout": 30.0, "door_close_timeout": 120.0, "poll_interval": 0.1},
            "locker": [
                {
                    "address": f"{locker.board}:{locker.lock}",
                    "sku": locker.sku,
                    "count": locker.items,
                    # One item near its best-before date, so the catalog can show it.
                    "best_before": soon if locker.sku == "noodles" else later,
                }
                for locker in self.cabinet.lockers()
            ],
        }
        if self.gpio:
            from sim.gpio import PART_PINS

            doc["gpio"] = dict(PART_PINS)
        return "# Written by the simulator for this run.\n" + tomli_w.dumps(doc)
