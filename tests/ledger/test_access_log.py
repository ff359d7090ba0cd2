"""The access log: one JSON line per request, and never a member code, PIN, key or pairing id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import requests

from ledger.observability import access_log, configure_access_log
from tests.ledger.conftest import Bank, phone_code


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_access_log(stream)
    yield stream
    access_log.removeHandler(handler)
    access_log.setLevel(logging.NOTSET)
    access_log.propagate = True


def lines(stream: io.StringIO, expected: int) -> list[dict]:
    """The logged lines; a request is logged before its last byte leaves, so all are there."""
    found = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(found) == expected
    return found


def test_each_request_is_one_json_line_with_route_template_status_duration_and_kiosk(
    bank: Bank, captured: io.StringIO
) -> None:
    bank.call("GET", "/v1/catalog")
    bank.call("GET", "/v1/holds/hNoSuchHold")
    requests.get(bank.url + "/v1/health", timeout=30)
    catalog, hold, health = lines(captured, 3)
    assert (catalog["method"], catalog["route"], catalog["status"]) == ("GET", "/v1/catalog", 200)
    assert catalog["kiosk"].startswith("k") and catalog["duration_ms"] >= 0
    assert (hold["route"], hold["status"], hold["error"]) == (
        "/v1/holds/{hold_id}",
        404,
        "unknown_hold",
    )
    assert (health["route"], health["kiosk"]) == ("/v1/health", None)


def test_no_secret_a_request_carries_ever_reaches_the_log(
    bank: Bank, captured: io.StringIO
) -> None:
    member, secret = bank.add_member(coins=50)
    bank.set_item("soap", 25)
    code = phone_code(member, secret)
    card = bank.issue_card(member, "73918264")
    card_secret = card.split(":")[2]
    idem = "idem-SECRET-4711"

    session = bank.call("POST", "/v1/sessions", {"code": code}).json()["session"]
    bank.call("POST", "/v1/sessions", {"code": card, "pin": "73918264"})
    bank.call("POST", "/v1/sessions", {"code": card, "pin": "55550555"})  # a wrong PIN
    body = {"session": session, "sku": "soap", "locker": "0:1", "price": 25}
    bank.call("POST", "/v1/holds", body, idem=idem)
    bank.call("POST", "/v1/holds", body, idem=idem)  # replayed
    pairing = bank.call("POST", "/v1/pairings", {}).json()["pairing"]
    requests.get(f"{bank.url}/pair/{pairing}", timeout=30)
    requests.get(f"{bank.url}/v1/no/such/route/{card_secret}?code={code}", timeout=30)
    bank.call("GET", "/v1/catalog", key="tbk_stolen-and-WRONG-key")

    logged = lines(captured, 9)
    text = captured.getvalue()
    for secret_text in (
        code,
        code.split(":")[2],
        card,
        card_secret,
        "73918264",
        "55550555",
        idem,
        bank.key,
        "tbk_stolen-and-WRONG-key",
        pairing,
        session,
        secret,
    ):
        assert secret_text not in text, f"{secret_text!r} leaked into the access log"
    routes = [line["route"] for line in logged]
    assert "/pair/{pairing_id}" in routes and "unmatched" in routes
    assert [line.get("replayed") for line in logged].count(True) == 1
