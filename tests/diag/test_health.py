"""Health checks judge what they see: clock offset, journal backlog, disk, a broken probe."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.core.steps import Settlement, SettleReason
from kiosk.diag.checks import Limits, Status, worst
from kiosk.diag.health import disk_check, ledger_checks, run_checks
from kiosk.ledger_client import LedgerClient


def ledger_with_clock(offset_s: float):
    """A loopback server answering GET /v1/health with a clock `offset_s` away from ours."""

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            at = datetime.now(UTC) + timedelta(seconds=offset_s)
            body = json.dumps({"status": "ok", "time": at.isoformat()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(2.0, Status.OK), (-15.0, Status.WARN), (45.0, Status.FAIL), (-45.0, Status.FAIL)],
)
def test_the_clock_check_warns_over_10_s_and_fails_over_30_s(parts, offset, expected):
    server = ledger_with_clock(offset)
    parts.ledger = LedgerClient(f"http://127.0.0.1:{server.server_address[1]}", "k", timeout=2)
    try:
        ledger, clock = ledger_checks(parts, Limits())
    finally:
        server.shutdown()
        parts.ledger.close()
    assert ledger.status is Status.OK
    assert clock.status is expected
    assert abs(float(clock.value.removesuffix(" s")) - offset) < 2


def test_an_unreachable_ledger_fails_and_leaves_the_clock_unmeasured(parts):
    parts.ledger = LedgerClient("http://127.0.0.1:9", "k", timeout=0.5, retries=0)
    ledger, clock = ledger_checks(parts, Limits())
    assert ledger.status is Status.FAIL and ledger.value == "unreachable"
    assert clock.status is Status.WARN and clock.value == "not measured"


def test_a_capture_the_ledger_has_not_acknowledged_is_a_warning(parts):
    vend = parts.journal.begin("s1", "m1", "water", 20, "0:2")
    parts.journal.decide(vend.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    journal = next(c for c in run_checks(parts) if c.name == "journal")
    assert journal.status is Status.WARN
    assert "1 to settle" in journal.value and "0:2" in journal.detail


def test_a_settlement_the_ledger_refused_for_good_is_a_failure(parts):
    vend = parts.journal.begin("s1", "m1", "water", 20, "0:2")
    parts.journal.decide(vend.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    parts.journal.refuse(vend.id, "hold_expired")
    checks = run_checks(parts)
    journal = next(c for c in checks if c.name == "journal")
    assert journal.status is Status.FAIL and "1 refused" in journal.value
    assert "hold_expired" in journal.detail
    assert worst(checks) is Status.FAIL


def test_a_locker_flagged_for_inspection_is_listed(parts):
    parts.journal.flag_for_inspection("0:3", "unlock not confirmed")
    lockers = next(c for c in run_checks(parts) if c.name == "lockers")
    assert lockers.status is Status.WARN and "0:3: unlock not confirmed" in lockers.detail


def test_an_open_door_at_rest_is_a_warning(parts, site):
    site.cabinet.release(0, 4)
    board = next(c for c in run_checks(parts) if c.name == "lock board 0")
    assert board.status is Status.WARN and "0:4" in board.detail


def test_little_free_disk_is_a_warning_then_a_failure(tmp_path):
    warn = Limits(disk_warn_mb=1e12, disk_fail_mb=1)
    fail = Limits(disk_warn_mb=1e12, disk_fail_mb=1e12)
    assert disk_check(tmp_path, Limits()).status is Status.OK
    assert disk_check(tmp_path, warn).status is Status.WARN
    assert disk_check(tmp_path, fail).status is Status.FAIL


def test_a_probe_that_breaks_is_a_failure_line_not_a_crash(parts):
    class Broken:
        def status(self):
            raise RuntimeError("pin 17 is gone")

        def close(self):
            pass

    parts.gpio.append(Broken())
    gpio = next(c for c in run_checks(parts) if c.name.startswith("gpio"))
    assert gpio.status is Status.FAIL and "pin 17 is gone" in gpio.detail
