"""The health checks as a technician reads them on an SSH terminal, or as JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

from kiosk.diag.checks import Check, Status, worst

MARKS = {Status.OK: "ok", Status.WARN: "WARN", Status.FAIL: "FAIL"}
DETAIL_WIDTH = 90  # long details (journal lines) are cut here in the table; JSON keeps them


def table(checks: list[Check], title: str = "") -> str:
    """Aligned columns: status, check, value, detail; a last line with the verdict."""
    rows = [(MARKS[c.status], c.name, c.value, _cut(c.detail)) for c in checks]
    head = ("status", "check", "value", "detail")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    lines = [title] if title else []
    for row in [head, *rows]:
        lines.append(
            "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True))
            + "  "
            + row[3]
        )
    verdict = worst(checks)
    failed = [c.name for c in checks if c.status is Status.FAIL]
    if verdict is Status.FAIL:
        lines.append(f"\nFAIL: {', '.join(failed)}")
        # Each failure's whole detail (the table cuts it): what came back and what to check.
        lines += [f"  {c.name}: {c.detail}" for c in checks if c.status is Status.FAIL]
    elif verdict is Status.WARN:
        lines.append("\nWARN: the kiosk works; look at the lines marked WARN")
    else:
        lines.append("\nall checks ok")
    return "\n".join(line.rstrip() for line in lines)


def as_json(checks: list[Check], **extra: Any) -> str:
    return json.dumps(
        {"status": worst(checks).value, "checks": [c.as_dict() for c in checks], **extra},
        ensure_ascii=False,
    )


def _cut(text: str) -> str:
    return text if len(text) <= DETAIL_WIDTH else text[: DETAIL_WIDTH - 1] + "…"
