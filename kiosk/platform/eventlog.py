"""The kiosk's event log: every log record as one JSON object per line, in a size-rotated file
under the data folder. Member codes, PINs, card secrets and keys are redacted before writing
(kiosk.core.redaction, as on the console).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from kiosk.core.redaction import RECORD_ATTRS, guard, guard_all


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, thread, message and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "thread": record.threadName,
            "message": record.getMessage(),
        }
        doc.update({k: v for k, v in vars(record).items() if k not in RECORD_ATTRS})
        if record.exc_text:
            doc["exception"] = record.exc_text
        return json.dumps(doc, ensure_ascii=False, default=str)


def install(
    path: Path,
    max_bytes: int,
    backups: int,
    secrets: Iterable[str] = (),
    logger: logging.Logger | None = None,
    level: int = logging.INFO,
) -> RotatingFileHandler:
    """Send `logger`'s records (the root logger by default) to the event log; returns the handler
    so the caller can remove and close it. Its other handlers (the console) learn `secrets` too."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    secrets = tuple(secrets)
    guard(handler, secrets)
    handler.setLevel(level)
    target = logger or logging.getLogger()
    target.addHandler(handler)
    guard_all(secrets, target)
    if target.level == logging.NOTSET or target.level > level:
        target.setLevel(level)
    return handler
