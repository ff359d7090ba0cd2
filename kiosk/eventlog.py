"""The kiosk's event log: every log record as one JSON object per line, in a size-rotated file
under the data folder. Member codes, PINs, card secrets and keys are redacted before writing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

REDACTED = "***"

# A member code (phone `tb1:` or printed card `tbc1:`) anywhere in a message: the prefix stays,
# so the log still says which kind was scanned.
_CODE = re.compile(r"\b(tbc?1):[^\s'\",;)}\]]+")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s'\",]+")
# "pin": "1234", pin=1234, 'pin': '1234' — whatever quoting a dict or a format string gives.
_PIN = re.compile(r"""(?i)(["']?\bpin["']?\s*[:=]\s*["']?)[^\s'",}]+""")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with member codes, PINs, bearer tokens and the given secrets replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _CODE.sub(lambda m: f"{m.group(1)}:{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _PIN.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message and extras so no secret reaches any handler."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        record.exc_info = None  # the redacted text above replaces it
        for key, value in list(vars(record).items()):
            if key not in _STANDARD:
                setattr(record, key, self._clean(value))
        return True

    def _clean(self, value: Any) -> Any:
        text = json.dumps(value, ensure_ascii=False, default=str)
        return json.loads(redact(text, self.secrets))


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
        doc.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
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
    so the caller can remove and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RedactingFilter(secrets))
    handler.setLevel(level)
    target = logger or logging.getLogger()
    target.addHandler(handler)
    if target.level == logging.NOTSET or target.level > level:
        target.setLevel(level)
    return handler
