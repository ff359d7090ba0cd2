"""Why a technician action failed, in the screen's language ("没有完成：{detail}").

The core hands the screen only the error's text (str of a LockBoardError, LedgerError or a
desk refusal), written in English for logs and `kiosk diag`. The known shapes of that text are
matched here and said again in the technician's language; a failure wrapped around another
("unlock 0:1 not confirmed ...: <why>") has its inner part said the same way. Text no pattern
knows is shown as it came, after words that say it is the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kiosk.ui.i18n import Translator
from kiosk.ui.tech_text import locker_name

_LOCKER = r"(?P<locker>\d{1,3}:\d{1,3})"
_PORT = r"(?P<port>\S+)"

# A pattern of the whole text and the key of its words. Named groups fill the template:
# `inner` is itself a failure text, `locker` a bus address named by its door number.
FAILURES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        # Lock boards (drivers/errors.py; the wrappers of drivers/lockboard/base.py).
        (r"(?P<inner>.+) \(nothing sent\)", "fail.nothing_sent"),
        (rf"unlock {_LOCKER} not confirmed and NOT re-sent: (?P<inner>.+)", "fail.unconfirmed"),
        (
            rf"unlock {_LOCKER} sent \(this board never answers an unlock\), but the status"
            r" read after it failed; NOT re-sent: (?P<inner>.+)",
            "fail.unlock_unread",
        ),
        (r"board (?P<board>\d+): (?P<n>\d+) status reads failed: (?P<inner>.+)", "fail.reads"),
        (rf"{_PORT}: no answer within (?P<s>[\d.]+) s", "fail.no_answer"),
        (
            rf"{_PORT}: no answer within (?P<s>[\d.]+) s \((?P<n>\d+) bytes answered something"
            r" else\)",
            "fail.no_answer_others",
        ),
        (
            rf"{_PORT}: (?P<n>\d+) bytes came back within (?P<s>[\d.]+) s but no valid frame"
            r" was among them \((?P<bytes>[0-9a-f ]*)\)",
            "fail.corrupt",
        ),
        (rf"{_PORT}: cannot open port: gone since \S+, reconnecting .*", "fail.reconnecting"),
        (rf"{_PORT}: cannot open port: .*", "fail.port_closed"),
        (rf"{_PORT}: port failed during a command: .*", "fail.port_failed"),
        (rf"{_PORT}: port failed before the command went out: .*", "fail.port_failed_unsent"),
        (
            r"board (?P<board>\d+): status read answered with status (?P<status>0x[0-9a-f]+)",
            "fail.board_refused",
        ),
        (
            r"board (?P<board>\d+): the board reports the door sensor of lock (?P<locks>[\d, ]+)"
            r" as failed \(0xFF\)",
            "fail.door_sensor",
        ),
        (
            rf"locker {_LOCKER} does not exist on a \w+ bus \(boards (?P<first>\d+)\.\."
            r"(?P<last>\d+), locks 1\.\.(?P<locks>\d+)\)",
            "fail.not_on_bus",
        ),
        (
            rf"locker {_LOCKER}: board (?P<board>\d+) reports (?P<channels>\d+) channels, so"
            r" lock (?P<lock>\d+) is not on it",
            "fail.beyond_board",
        ),
        (rf"no relay lock is wired for locker {_LOCKER}", "fail.no_relay"),
        (rf"locker {_LOCKER}: relay failed: .*", "fail.relay"),
        (rf"vend \S+: unlock of {_LOCKER} already sent", "fail.already_unlocked"),
        # The technician desk's refusals (kiosk/diag/locktest.py, restock.py, bundle.py).
        (rf"locker {_LOCKER} is not one of this kiosk's lockers(?: \(.*\))?", "fail.not_ours"),
        (r"lot (?P<lot>\S+) is not known to the ledger", "fail.lot_unknown"),
        (
            r"lot (?P<lot>\S+): the ledger cannot be reached to look it up \(.*\); restock by"
            r" SKU until it is back",
            "fail.lot_unreachable",
        ),
        (r"lot (?P<lot>\S+): the ledger refused: (?P<inner>.+)", "fail.lot_refused"),
        (
            r"lot (?P<lot>\S+) \(best before (?P<date>\S+)\) is past its last sale day"
            r" (?P<last>\S+); it must not go in",
            "fail.lot_withdrawn",
        ),
        (r"best_before (?P<date>\S+) is already past; such items must not go in", "fail.date_past"),
        (r"vend \S+ awaits a count of this locker; .*", "fail.awaiting_count"),
        (r"(?:count|found) (?P<n>\d+) is outside 0\.\.(?P<top>\d+)", "fail.count_range"),
        (r"cannot write the diagnostic bundle to (?P<path>\S+): .*", "fail.bundle"),
        # Last: any other refusal about one locker.
        (rf"locker {_LOCKER}: (?P<inner>.+)", "fail.at_locker"),
    )
)

# Ledger error codes (kiosk/core/errors.py: "code" or "code: message") a technician action can
# meet, each with its own words under fail.ledger.<code>; the ledger's English message is left
# out. Any other code is an unknown failure.
LEDGER_CODES = frozenset(
    {
        "unreachable",
        "bad_response",
        "bad_request",
        "internal",
        "unauthorized",
        "unknown_kiosk",
        "forbidden",
        "not_staff",
        "unknown_staff",
        "not_found",
        "unknown_sku",
        "unknown_lot",
        "lot_expired",
        "rate_limited",
        "slow_down",
        "request_in_progress",
        "idempotency_key_required",
        "idempotency_mismatch",
        "session_expired",
        "invalid_session",
    }
)
_LEDGER = re.compile(r"(?P<code>[a-z_]+)(?:: .*)?", re.DOTALL)


def failure_text(detail: str, labels: Iterable[str], t: Translator) -> str:
    """Why an action failed, in the screen's language; lockers named by their door number."""
    known = list(labels)
    for pattern, key in FAILURES:
        match = pattern.fullmatch(detail)
        if match:
            words = match.groupdict()
            if "inner" in words:
                words["inner"] = failure_text(words["inner"], known, t)
            if "locker" in words:
                words["locker"] = locker_name(words["locker"], known, t)
            return t(key, **words)
    match = _LEDGER.fullmatch(detail)
    if match and match["code"] in LEDGER_CODES:
        return t(f"fail.ledger.{match['code']}")
    return t("fail.unknown", text=detail)
