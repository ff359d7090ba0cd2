"""What every scanner checks before handing text on: a code is printable text of at most
MAX_CODE characters; anything else is dropped with a log line naming the scanner."""

from __future__ import annotations

import enum
import logging
import unicodedata

log = logging.getLogger(__name__)

# Member codes are under 100 characters; a longer read is noise or a wrong code. No more than
# the ledger takes (POST /v1/sessions: 500), or the member is told "unknown error", not "invalid".
MAX_CODE = 500


class Junk(enum.Enum):
    """Why a scan is not a code."""

    EMPTY = "empty"
    TOO_LONG = "too long"
    UNPRINTABLE = "unprintable"


def junk(code: str) -> Junk | None:
    """Why the (stripped) `code` is not one to deliver, or None when it is: the one rule of
    every scanner (serial, keyboard wedge, camera)."""
    if not code:
        return Junk.EMPTY
    if len(code) > MAX_CODE:
        return Junk.TOO_LONG
    if any(unicodedata.category(ch).startswith("C") for ch in code):
        return Junk.UNPRINTABLE
    return None


def accept_code(text: str, source: str) -> str | None:
    """The code to deliver, stripped, or None (logged) when it is empty, oversize or junk."""
    code = text.strip()
    why = junk(code)
    if why is Junk.TOO_LONG:
        log.warning("%s: code of %d characters dropped (limit %d)", source, len(code), MAX_CODE)
    elif why is Junk.UNPRINTABLE:
        log.warning("%s: unreadable code dropped: %r", source, code[:64])
    return None if why else code
