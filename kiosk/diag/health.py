"""Health at a glance: ledger and clock, lock boards, scanner, GPIO, journal, disk, version, uptime.

Each probe turns what it saw into Check lines; an exception in a probe is a FAIL, never a crash.
"""

from __future__ import annotations

import logging
import platform
import shutil
import stat
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import serial

from kiosk.core.config import KioskConfig
from kiosk.core.errors import KioskError
from kiosk.core.inventory import Inventory
from kiosk.diag.checks import Check, Limits, Status
from kiosk.wiring.parts import KioskParts

log = logging.getLogger(__name__)


def run_checks(parts: KioskParts, limits: Limits | None = None) -> list[Check]:
    """Every check, in the order a technician reads them."""
    limits = limits or Limits()
    checks: list[Check] = []
    probes: list[tuple[str, Callable[[], list[Check]]]] = [
        ("ledger", lambda: ledger_checks(parts, limits)),
        ("lock board", lambda: board_checks(parts)),
        ("scanner", lambda: [scanner_check(parts)]),
        ("gpio", lambda: gpio_checks(parts)),
        ("journal", lambda: journal_checks(parts, limits)),
        ("service", lambda: [service_check(parts)]),
        ("removal", lambda: [removal_check(parts, parts.config.today)]),
        ("disk", lambda: [disk_check(parts.config.data_dir, limits)]),
        ("key file", lambda: [key_file_check(parts.config)]),
        ("version", lambda: [version_check()]),
        ("uptime", lambda: [uptime_check()]),
    ]
    for name, probe in probes:
        try:
            checks += probe()
        except Exception as e:  # a broken probe must not hide the others' results
            log.exception("health probe %s failed", name)
            checks.append(Check(name, Status.FAIL, "probe failed", f"{type(e).__name__}: {e}"))
    return checks


def ledger_checks(parts: KioskParts, limits: Limits) -> list[Check]:
    """Reachable and how fast; how far our clock is from the ledger's (phone codes need it)."""
    t0 = time.time()
    try:
        ledger_time = parts.ledger.health()
    except KioskError as e:
        return [
            Check("ledger", Status.FAIL, "unreachable", f"{parts.config.ledger.url}: {e}"),
            Check("clock", Status.WARN, "not measured", "the ledger did not answer"),
        ]
    t1 = time.time()
    rtt_ms = (t1 - t0) * 1000
    speed = Status.WARN if rtt_ms > limits.ledger_slow_ms else Status.OK
    # The ledger read its clock somewhere during the round trip: compare with the midpoint.
    offset = ledger_time.timestamp() - (t0 + t1) / 2
    size = abs(offset)
    clock = (
        Status.FAIL
        if size > limits.clock_fail_s
        else Status.WARN
        if size > limits.clock_warn_s
        else Status.OK
    )
    ahead = "ahead of" if offset < 0 else "behind"
    return [
        Check("ledger", speed, f"reachable, {rtt_ms:.0f} ms", parts.config.ledger.url),
        Check(
            "clock",
            clock,
            f"{offset:+.1f} s",
            f"this kiosk's clock is {size:.1f} s {ahead} the ledger's"
            f" (warn over {limits.clock_warn_s:g} s, fail over {limits.clock_fail_s:g} s)",
        ),
    ]


def board_checks(parts: KioskParts) -> list[Check]:
    """Each board answers a status read and every locker on it reports a state."""
    checks = []
    lockers = parts.lockers()
    for board in parts.boards():
        name = f"lock board {board}"
        try:
            states = parts.board_states(board)
        except KioskError as e:
            hint = getattr(e, "hint", "")
            checks.append(Check(name, Status.FAIL, "no answer", f"{e}; {hint}" if hint else str(e)))
            continue
        mine = [lk for lk in lockers if lk.board == board]
        missing = [str(lk) for lk in mine if lk.lock not in states]
        open_doors = [str(lk) for lk in mine if lk.lock in states and states[lk.lock].hook_open]
        if missing:
            checks.append(Check(name, Status.FAIL, "answers", f"no state for {', '.join(missing)}"))
        elif open_doors:
            checks.append(Check(name, Status.WARN, "answers", f"open: {', '.join(open_doors)}"))
        else:
            checks.append(Check(name, Status.OK, "answers", f"{len(mine)} lockers closed"))
    if not checks:
        checks.append(Check("lock board", Status.WARN, "no lockers", "no [[locker]] configured"))
    return checks


def scanner_check(parts: KioskParts) -> Check:
    """The scanner's port opens (a serial scanner is silent until it reads a code)."""
    sc = parts.config.scanner
    try:
        port = serial.serial_for_url(sc.port, baudrate=sc.baud, timeout=0)
    except (OSError, serial.SerialException, ValueError) as e:
        return Check("scanner", Status.FAIL, "port does not open", f"{sc.port}: {e}")
    port.close()
    return Check("scanner", Status.OK, "port opens", sc.port)


def gpio_checks(parts: KioskParts) -> list[Check]:
    """Light, buzzer, service door and presence answer status(); inputs show what they read."""
    if parts.gpio_error is not None:
        # Most often the running kiosk holds the pins; its own status is in the technician screen.
        return [Check("gpio", Status.WARN, "not available", parts.gpio_error)]
    sources: list[tuple[str, Any]] = []
    if parts.signals is not None:
        sources.append(("gpio", parts.signals))
    sources += [(f"gpio {getattr(p, 'name', type(p).__name__)}", p) for p in parts.gpio]
    checks = []
    for name, part in sources:
        try:
            state = part.status()
        except Exception as e:  # gpiozero raises its own family for a pin that is gone
            checks.append(Check(name, Status.FAIL, "not answering", f"{type(e).__name__}: {e}"))
            continue
        shown = ", ".join(f"{k}={v}" for k, v in sorted(state.items()) if v is not None)
        checks.append(Check(name, Status.OK, "live", shown))
    return checks


def journal_checks(parts: KioskParts, limits: Limits) -> list[Check]:
    """Unfinished vends and captures/voids the ledger has not acknowledged; lockers to inspect."""
    journal = parts.journal
    unfinished = journal.unfinished()
    pending = journal.pending_settlements()
    refused = journal.refused_settlements()
    counting = journal.awaiting_count()
    waiting = [v for v in unfinished if v.settlement is None and not v.awaiting_count]
    oldest = max((_age_h(v.created_at) for v in pending), default=0.0)
    if not unfinished:
        vends = Check("journal", Status.OK, "settled", "no unfinished vends")
    else:
        stale = oldest > limits.settlement_fail_h
        status = Status.FAIL if refused or stale else Status.WARN
        lines = [
            f"vend {v.id} {v.state.value} "
            f"{'awaiting a count' if v.awaiting_count else v.settlement or 'undecided'}"
            f" at {v.locker} ({v.attempts} tries{', ' + v.last_error if v.last_error else ''})"
            for v in unfinished
        ]
        vends = Check(
            "journal",
            status,
            f"{len(pending)} to settle, {len(refused)} refused, {len(waiting)} undecided, "
            f"{len(counting)} awaiting a count",
            f"oldest to settle {oldest:.1f} h; " + "; ".join(lines),
        )
    # A vend the sensors could not decide holds the member's coins until its locker is counted
    # (Restock page, or kiosk diag restock LOCKER --found N ...).
    count = Check(
        "counts",
        Status.WARN if counting else Status.OK,
        f"{len(counting)} locker(s) to count" if counting else "none to count",
        "; ".join(
            f"{v.locker}: vend {v.id}, {v.sku}, {v.expect_count} expected if not taken"
            for v in counting
        ),
    )
    flagged = [s for s in journal.lockers() if s.inspect]
    inspect = Check(
        "lockers",
        Status.WARN if flagged else Status.OK,
        f"{len(flagged)} to inspect" if flagged else "none to inspect",
        "; ".join(f"{s.locker}: {s.inspect}" for s in flagged),
    )
    waiting_events = parts.events.pending()
    outbox = Check(
        "events",
        Status.WARN if waiting_events else Status.OK,
        f"{waiting_events} waiting" if waiting_events else "all sent",
        parts.events.last_error or "",
    )
    return [vends, count, inspect, outbox]


def removal_check(parts: KioskParts, today: Callable[[], date] = date.today) -> Check:
    """Lockers holding items past their last sale day (expired, or a lot within its withdrawal
    days of best-before) by this kiosk's clock: out of sale already, to be taken out."""
    due = Inventory(parts.journal, today=today).for_removal()
    if not due:
        return Check("removal", Status.OK, "nothing to remove", "no locker past its sale date")
    lines = [
        f"{s.locker}: {s.count} x {s.sku}{' lot ' + s.lot if s.lot else ''},"
        f" best before {s.best_before}"
        for s in due
    ]
    return Check("removal", Status.WARN, f"{len(due)} to remove", "; ".join(lines))


def service_check(parts: KioskParts) -> Check:
    state = parts.service.state()
    if state.in_service:
        return Check("service", Status.OK, "in service", state.reason)
    return Check(
        "service",
        Status.WARN,
        "OUT OF SERVICE",
        f"{state.reason} (by {state.actor} at {state.at})",
    )


def key_file_check(config: KioskConfig) -> Check:
    """The kiosk's ledger key is its user's alone: whoever reads it can spend as this kiosk."""
    path = config.ledger.key_file or Path(config.source)
    held = "holds" if config.ledger.key_file else "holds inline"
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as e:
        return Check("key file", Status.WARN, "not checked", f"{path}: {e.strerror}")
    if not mode & 0o077:
        return Check("key file", Status.OK, f"mode {mode:04o}", f"{path} {held} the ledger key")
    who = "every user" if mode & 0o007 else "its group"
    advice = f"chmod 600 {path}"
    if not config.ledger.key_file:
        advice = f"move the key to ledger.key_file (a file of mode 0600) or {advice}"
    return Check(
        "key file",
        Status.WARN,
        f"mode {mode:04o}: open to {who}",
        f"{path} {held} the ledger key; {advice}",
    )


def disk_check(data_dir: Path, limits: Limits) -> Check:
    usage = shutil.disk_usage(data_dir)
    free_mb = usage.free / 1e6
    status = (
        Status.FAIL
        if free_mb < limits.disk_fail_mb
        else Status.WARN
        if free_mb < limits.disk_warn_mb
        else Status.OK
    )
    return Check(
        "disk",
        status,
        f"{free_mb:,.0f} MB free",
        f"{data_dir}: {usage.free / usage.total:.0%} of {usage.total / 1e9:.1f} GB free",
    )


def version_check() -> Check:
    return Check("version", Status.OK, kiosk_version(), f"Python {platform.python_version()}")


def uptime_check() -> Check:
    try:
        seconds = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return Check("uptime", Status.OK, "unknown", "/proc/uptime cannot be read")
    days, rest = divmod(int(seconds), 86400)
    return Check("uptime", Status.OK, f"{days} d {rest // 3600} h {rest % 3600 // 60} min", "")


def kiosk_version() -> str:
    try:
        return metadata.version("timebank-kiosk")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _age_h(iso_time: str) -> float:
    try:
        then = datetime.fromisoformat(iso_time)
    except ValueError:
        return 0.0
    return (datetime.now(UTC) - then).total_seconds() / 3600
