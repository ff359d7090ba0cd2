"""The technician screens' words for what `kiosk diag` says in English: check names and values,
and lockers named by their door number beside their bus address ("2 号柜（0:2）").

The health checks (kiosk/diag/health.py) keep their English for logs, `kiosk diag` and the
bundle; the screen shows them in the technician's language. A value no pattern knows is shown
as it came (a test holds every value a simulated kiosk reports to a translation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kiosk.core.technician import CheckLine
from kiosk.ui.i18n import Translator
from kiosk.ui.lockers import locker_number, parse_locker

_ADDRESS = re.compile(r"(?<![\d:])(\d{1,3}:\d{1,3})(?![\d:])")

# Check names: exact, or "prefix NAME" (lock board 0, gpio door).
CHECK_NAMES = (
    "ledger",
    "clock",
    "lock board",
    "scanner",
    "gpio",
    "lights and buzzer",
    "journal",
    "counts",
    "lockers",
    "events",
    "service",
    "removal",
    "disk",
    "key file",
    "version",
    "uptime",
)

# Values: a pattern of the whole value and the key whose template takes its groups in order.
CHECK_VALUES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"reachable, (\d+) ms", "check.v.reachable"),
        (r"unreachable", "check.v.unreachable"),
        (r"not measured", "check.v.not_measured"),
        (r"([+-]\d+(?:\.\d+)?) s", "check.v.seconds"),
        (r"answers", "check.v.answers"),
        (r"no answer", "check.v.no_answer"),
        (r"no lockers", "check.v.no_lockers"),
        (r"port opens", "check.v.port_opens"),
        (r"port does not open", "check.v.port_fails"),
        (r"not available", "check.v.not_available"),
        (r"not answering", "check.v.no_answer"),
        (r"live", "check.v.live"),
        (r"cycled", "check.v.cycled"),
        (r"did not cycle", "check.v.not_cycled"),
        (r"settled", "check.v.settled"),
        (
            r"(\d+) to settle, (\d+) refused, (\d+) undecided, (\d+) awaiting a count",
            "check.v.unfinished",
        ),
        (r"(\d+) locker\(s\) to count", "check.v.to_count"),
        (r"none to count", "check.v.none_to_count"),
        (r"(\d+) to inspect", "check.v.to_inspect"),
        (r"none to inspect", "check.v.none_to_inspect"),
        (r"(\d+) waiting", "check.v.events_waiting"),
        (r"all sent", "check.v.all_sent"),
        (r"nothing to remove", "check.v.nothing_to_remove"),
        (r"(\d+) to remove", "check.v.to_remove"),
        (r"in service", "check.v.in_service"),
        (r"OUT OF SERVICE", "check.v.out_of_service"),
        (r"mode (\d{4})", "check.v.mode"),
        (r"mode (\d{4}): open to every user", "check.v.mode_everyone"),
        (r"mode (\d{4}): open to its group", "check.v.mode_group"),
        (r"not checked", "check.v.not_checked"),
        (r"([\d,]+) MB free", "check.v.disk_free"),
        (r"(\d+) d (\d+) h (\d+) min", "check.v.uptime"),
        (r"unknown", "check.v.unknown"),
        (r"unknown \(not installed\)", "check.v.not_installed"),
        (r"probe failed", "check.v.probe_failed"),
        (r"([\d.]+\S*)", "check.v.as_is"),  # a version number
    )
)


# Why a locker waits for inspection, as the kiosk's own code words it (journal.flag_for_inspection).
INSPECT_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"did not open in a lock walk by (.+)", "inspect.walk"),
        (r"crash during unlock; lock seen closed", "inspect.crash"),
        (r"door did not open after unlock", "inspect.not_opened"),
        (r"door left open, item not taken", "inspect.left_open"),
        (r"board silent during unlock", "inspect.board_silent"),
        (r"unlock not acknowledged", "inspect.not_acknowledged"),
        (r"jammed: the lock held after an unlock", "inspect.jammed"),
        (r"the ledger refused lot (\S+) here \((\S+)\)", "inspect.lot_refused"),
    )
)


def inspect_reason(reason: str, t: Translator) -> str:
    """Why a locker is out of sale, in the screen's language (an unknown reason as it is)."""
    for pattern, key in INSPECT_REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return t(key, v=match.groups())
    return reason


def check_name(name: str, t: Translator) -> str:
    """A check's name in the screen's language ("lock board 0" -> "锁控板 0")."""
    for known in sorted(CHECK_NAMES, key=len, reverse=True):
        if name == known:
            return t(f"check.n.{known.replace(' ', '_')}")
        if name.startswith(known + " "):
            rest = name[len(known) + 1 :]
            return t(f"check.n.{known.replace(' ', '_')}") + " " + rest
    return name


def check_value(value: str, t: Translator) -> str:
    """A check's value in the screen's language; one no pattern knows comes back as it is."""
    for pattern, key in CHECK_VALUES:
        match = pattern.fullmatch(value)
        if match:
            return t(key, v=match.groups())
    return value


def check_text(check: CheckLine, t: Translator) -> str:
    """One health cell: status, name and value."""
    return t(
        "check.line",
        status=t(f"tech.status.{check.status}"),
        name=check_name(check.name, t),
        value=check_value(check.value, t),
    )


def locker_name(label: str, labels: Iterable[str], t: Translator) -> str:
    """A locker as the technician names it to a member: door number and bus address."""
    if parse_locker(label) is None:
        return label
    return t("tech.locker", number=locker_number(label, labels), address=label)


def name_lockers(text: str, labels: Iterable[str], t: Translator) -> str:
    """Every BOARD:LOCK address in `text` named by its door number beside the address."""
    known = list(labels)
    return _ADDRESS.sub(lambda m: locker_name(m.group(1), known, t), text)
