"""The ledger client maps the contract's answers to clear outcomes, and nonsense to an error."""

import hashlib
import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyotp
import pytest

from kiosk.core.errors import LedgerError, LedgerProtocolError, LedgerUnreachable
from kiosk.ledger_client import LedgerClient
from ledger.demo import seed_demo
from ledger.server import EmbeddedLedger


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.db'}"
    with EmbeddedLedger(url) as server:
        yield server, seed_demo(url)


def test_a_wrong_kiosk_key_is_unauthorized(ledger):
    server, _ = ledger
    client = LedgerClient(server.url, "not-the-key")
    with pytest.raises(LedgerError) as e:
        client.catalog()
    assert e.value.code == "unauthorized" and e.value.status == 401


def test_the_catalog_has_both_names_and_whole_coin_prices(ledger):
    server, demo = ledger
    items = LedgerClient(server.url, demo["kiosk_key"]).catalog()
    water = next(i for i in items if i.sku == "water")
    assert (water.name_zh, water.name_en, water.price) == ("矿泉水", "Bottled water", 20)


def test_a_replayed_hold_key_returns_the_first_hold(ledger):
    server, demo = ledger
    client = LedgerClient(server.url, demo["kiosk_key"])
    member = next(m for m in demo["members"] if m["name"] == "王阿姨")
    otp = pyotp.TOTP(member["secret"], digits=8, digest=hashlib.sha256).at(time.time())
    session = client.open_session(f"tb1:{member['member']}:{otp}")
    first = client.hold(session.session, "tissues", "0:1", 15, key="k-replay")
    again = client.hold(session.session, "tissues", "0:1", 15, key="k-replay")
    assert again.hold == first.hold
    client.void(first.hold, "test", key="k-replay:void")


def test_nothing_listening_is_unreachable():
    client = LedgerClient("http://127.0.0.1:9", "k", timeout=0.5, retries=1, backoff=0)
    with pytest.raises(LedgerUnreachable):
        client.catalog()
    with pytest.raises(LedgerUnreachable):
        client.health()


class Nonsense(BaseHTTPRequestHandler):
    """A server that answers what a broken proxy or a wrong service might."""

    answers = {
        "/v1/catalog": (200, b"<html>captive portal</html>"),
        "/v1/sessions": (400, json.dumps({"message": "no code field"}).encode()),
        "/v1/holds": (201, json.dumps({"hold": "h1", "state": "held", "balance": "lots"}).encode()),
        "/v1/health": (503, b"{}"),
    }

    def _answer(self):
        status, body = self.answers.get(self.path, (404, b"{}"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def nonsense():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Nonsense)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield LedgerClient(f"http://127.0.0.1:{server.server_port}", "k", retries=0)
    server.shutdown()


def test_a_body_that_is_not_json_is_a_protocol_error(nonsense):
    with pytest.raises(LedgerProtocolError, match="not JSON"):
        nonsense.catalog()


def test_an_error_without_a_code_is_a_protocol_error(nonsense):
    with pytest.raises(LedgerProtocolError, match="without an error code"):
        nonsense.open_session("tb1:m1:12345678")


def test_a_balance_that_is_not_whole_coins_is_a_protocol_error(nonsense):
    with pytest.raises(LedgerProtocolError, match="balance must be a whole number"):
        nonsense.hold("s", "water", "0:2", 20, key="k")


def test_a_5xx_means_the_ledger_is_not_there_for_us(nonsense):
    with pytest.raises(LedgerUnreachable):
        nonsense.health()


def test_health_gives_the_ledgers_clock_time_with_its_utc_offset(ledger):
    server, demo = ledger
    before = datetime.now(UTC)
    at = LedgerClient(server.url, demo["kiosk_key"]).health()
    assert at.tzinfo is not None
    assert abs((at - before).total_seconds()) < 3600  # same machine: the clocks agree


def test_the_kiosk_key_and_tls_verification_are_on_every_request(ledger):
    server, demo = ledger
    client = LedgerClient(server.url, demo["kiosk_key"])
    assert client._once.verify is True and client._idempotent.verify is True
    assert client._once.headers["Authorization"] == f"Bearer {demo['kiosk_key']}"


def test_an_event_batch_sent_twice_after_a_lost_answer_is_stored_once(ledger):
    from ledger.cli import with_book
    from ledger.events import list_events

    server, demo = ledger
    client = LedgerClient(server.url, demo["kiosk_key"])
    batch = [{"kind": "fault", "at": "2026-11-22T08:00:00+00:00", "data": {"what": "jam 0:3"}}]
    client.send_events(batch)
    client.send_events(batch)  # what the outbox does when the first answer never arrived
    client.send_events([{**batch[0], "at": "2026-11-22T08:00:01+00:00"}])  # a new fault
    faults = with_book(server.db_url, lambda s: list_events(s))
    jams = [e for e in faults if e.get("data", {}).get("what") == "jam 0:3"]
    assert len(jams) == 2
