"""How one board on a bus has been answering: what a technician at a silent bus looks at first."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class BoardCounters:
    """Commands to one bus address since the port was opened, by how they ended."""

    replies: int = 0  # a valid frame answered it
    checksum_errors: int = 0  # bytes came back, but no valid frame among them
    timeouts: int = 0  # nothing came back at all

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
