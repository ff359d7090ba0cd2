"""The one redaction for whatever the kiosk writes down — event log, console (journald) and the
diagnostic bundle: member codes, PINs, keys, tokens and passwords are replaced before writing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

REDACTED = "<redacted>"
# A name that says its value is a secret: in config keys, log lines and JSON alike.
SECRET_NAME = re.compile(r"key|secret|pin|token|passw", re.IGNORECASE)

# A member code (phone `tb1:`, printed card `tbc1:`) anywhere, however it is framed: after a
# control character (STX), inside a repr ('\x02tbc1:...'), glued to junk. The prefix stays, so
# the line still says which kind was scanned; everything up to a space, quote or bracket goes.
_CODE = re.compile(r"(?i)(tbc?1):[^ \n'\",;)}\]]+")
# Authorization header values: any Bearer token; Basic only as base64, not the English word.
_AUTH = re.compile(r"\b((?i:bearer)\s+)[^\s'\",]+|\b(Basic\s+)[A-Za-z0-9+/]{12,}={0,2}")
# The password in a URL's user:password@ part.
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][\w+.-]*://[^\s:/@'\"]*:)[^\s@/'\"]+@")
# `pin=1234`, `"secret": "..."`, `api_key: ...`: a value after a name ending in a secret word.
_NAMED = re.compile(
    r"""(?i)(\b[\w.-]*(?:key|secret|pin|token|passw(?:or)?d)["']?\s*[:=]\s*)"""
    r"""("[^"]*"|'[^']*'|[^\s,;}&'"]+)"""
)
_TOML_ASSIGN = re.compile(r"^(\s*)([A-Za-z0-9_.\"'-]+)(\s*=\s*)(.*)$")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
RECORD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with the given secrets, member codes, PINs, tokens and passwords replaced."""
    # Longest first, so a secret that contains another is removed whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _CODE.sub(lambda m: f"{m.group(1)}:{REDACTED}", text)
    text = _AUTH.sub(lambda m: f"{m.group(1) or m.group(2)}{REDACTED}", text)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)
    return _NAMED.sub(_named_value, text)


def _named_value(m: re.Match[str]) -> str:
    value = m.group(2)
    quote = value[0] if value[0] in "\"'" else ""
    return f"{m.group(1)}{quote}{REDACTED}{quote}"


class Redactor:
    """`redact` with a fixed set of known secrets, plus TOML files' secret-named values."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Under 4 characters a "secret" would blank out ordinary words all over the text.
        self.secrets = tuple(s for s in secrets if s and len(s) >= 4)

    def text(self, text: str) -> str:
        return redact(text, self.secrets)

    def config(self, toml_text: str) -> str:
        """A TOML file with the value of every key named like a secret replaced."""
        lines = []
        for line in toml_text.splitlines():
            m = _TOML_ASSIGN.match(line)
            if m and SECRET_NAME.search(m.group(2)):
                line = f'{m.group(1)}{m.group(2)}{m.group(3)}"{REDACTED}"'
            lines.append(line)
        return self.text("\n".join(lines) + "\n")


def config_secrets(toml_text: str) -> list[str]:
    """The values of a TOML file's secret-named keys (to remove wherever else they show up)."""
    found = []
    for line in toml_text.splitlines():
        m = _TOML_ASSIGN.match(line)
        if m and SECRET_NAME.search(m.group(2)):
            found.append(m.group(4).strip().strip("\"'"))
    return found


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, traceback and extras so no secret reaches its handler."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = tuple(s for s in secrets if s)

    def add(self, secrets: Iterable[str]) -> None:
        self.secrets += tuple(s for s in secrets if s and s not in self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        text = record.exc_text
        if record.exc_info and not text:
            text = logging.Formatter().formatException(record.exc_info)
        if text:
            # Handlers format the cached text, never the exception again; the exception itself
            # is dropped only where its traceback held a secret (others' captures keep it).
            record.exc_text = redact(text, self.secrets)
            if record.exc_text != text:
                record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        for key, value in list(vars(record).items()):
            if key not in RECORD_ATTRS:
                setattr(record, key, self._clean(value))
        return True

    def _clean(self, value: Any) -> Any:
        text = redact(json.dumps(value, ensure_ascii=False, default=str), self.secrets)
        try:
            return json.loads(text)
        except ValueError:  # a redaction ate an escaped quote: the redacted text it is
            return text


def guard(handler: logging.Handler, secrets: Iterable[str] = ()) -> None:
    """Make `handler` redact (once, however often it is guarded), knowing `secrets` too."""
    for f in handler.filters:
        if isinstance(f, RedactingFilter):
            f.add(secrets)
            return
    handler.addFilter(RedactingFilter(secrets))


def guard_all(secrets: Iterable[str] = (), logger: logging.Logger | None = None) -> None:
    """Every handler of `logger` (the root logger by default: the console, the event log, a
    test's capture) redacts, knowing `secrets` too."""
    secrets = tuple(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        guard(handler, secrets)
