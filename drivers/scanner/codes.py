"""What every scanner checks before handing text on: a code is printable text of at most
MAX_CODE characters; anything else is dropped with a log line naming the scanner."""

from __future__ import annotations

import logging
import unicodedata

log = logging.getLogger(__name__)

# Member codes are under 100 characters; a longer read is noise or a wrong code. No more than
# the ledger takes (POST /v1/sessions: 500), or the member is told "unknown error", not "invalid".
MAX_CODE = 500


def accept_code(text: str, source: str) -> str | None:
    """The code to deliver, stripped, or None (logged) when it is empty, oversize or junk."""
    code = text.strip()
    if not code:
        return None
    if len(code) > MAX_CODE:
        log.warning("%s: code of %d characters dropped (limit %d)", source, len(code), MAX_CODE)
        return None
    if any(unicodedata.category(ch).startswith("C") for ch in code):
        log.warning("%s: unreadable code dropped: %r", source, code[:64])
        return None
    return code
