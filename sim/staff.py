"""The simulated site's ledger as its staff know it: the service, and the `timebank-ledger`
command for everything else (members' balances, holds, printed cards), never its tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.errors import LedgerNotInstalled

if TYPE_CHECKING:
    from ledger.server import EmbeddedLedger


def ledger_service(db_url: str) -> EmbeddedLedger:
    """The ledger's HTTP service on a free loopback port, run in this process (`start()`)."""
    try:
        from ledger.server import EmbeddedLedger
    except ModuleNotFoundError as e:  # a kiosk installed without the [ledger] extra
        raise LedgerNotInstalled(e.name) from e
    return EmbeddedLedger(db_url)


class Staff:
    """Staff at the ledger: each question or change is one `timebank-ledger ... --json` command,
    run in this process (a process per command costs ~0.7 s; tests ask often)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url

    def command(self, *argv: str, stdin: str | None = None) -> Any:
        """`timebank-ledger --db URL ARGV --json`: its answer; a refused one raises LedgerError.
        `stdin`: what the command reads from standard input (a PIN, never an argument)."""
        try:
            from ledger.cli import call
        except ModuleNotFoundError as e:
            raise LedgerNotInstalled(e.name) from e
        return call(["--db", self.db_url, *argv], stdin=stdin)

    def seed_demo(self) -> dict[str, Any]:
        """`demo-seed`: the demo kiosk (with a fresh key), members (with secrets) and catalog."""
        return dict(self.command("demo-seed"))

    def balance(self, member_id: str) -> int:
        """The member's spendable coins as `member show` says."""
        return int(self.command("member", "show", member_id)["balance"])

    def holds(self) -> list[dict[str, Any]]:
        """Every hold, oldest first (`hold list`)."""
        return list(self.command("hold", "list")["holds"])

    def issue_card(self, member_id: str, pin: str) -> str:
        """`card issue`: a printed card for the member; returns the code to print."""
        return str(self.command("card", "issue", member_id, stdin=pin)["code"])
