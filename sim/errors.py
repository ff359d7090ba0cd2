"""What the simulated site cannot do, said so the person running it knows what to do next."""

from __future__ import annotations


class SimError(Exception):
    """The simulated site could not be set up or driven; the message says why."""


class LedgerNotInstalled(SimError):
    """The site runs its own ledger service, whose packages this install lacks (a kiosk's own
    install carries only the kiosk's dependencies)."""

    INSTALL = "pip install 'timebank-kiosk[ledger]'"

    def __init__(self, missing: str | None) -> None:
        super().__init__(
            "the simulated site runs its own ledger service, which needs the ledger's packages"
            f" (missing: {missing or 'unknown'}); install them with: {self.INSTALL}"
        )
        self.missing = missing
