"""The money routes' own body parsing answers bad requests exactly as the contract says:
422 bad_request naming the field, and the kiosk's errors before the body's."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.ledger.conftest import Bank

GOOD = {"session": "s", "sku": "soap", "locker": "0:1", "price": 25}


def post(bank: Bank, path: str, data: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {bank.key}", **headers}
    r = requests.post(bank.url + path, data=data, headers=headers, timeout=30)
    return r.status_code, r.json()


def test_malformed_json_is_422_bad_request_saying_where(bank: Bank) -> None:
    status, body = post(
        bank,
        "/v1/holds",
        b'{"session": "s",',
        {"Content-Type": "application/json", "Idempotency-Key": "k1"},
    )
    assert (status, body["error"]) == (422, "bad_request")
    assert "JSON decode error" in body["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("price", -1), ("price", "lots"), ("session", ""), ("sku", "x" * 65), ("locker", 1.5)],
)
def test_a_bad_hold_field_is_named_in_the_422_message(
    bank: Bank, field: str, value: object
) -> None:
    r = bank.call("POST", "/v1/holds", {**GOOD, field: value}, idem=uuid.uuid4().hex)
    assert (r.status_code, r.json()["error"]) == (422, "bad_request")
    assert r.json()["message"].startswith(f"{field}")


def test_a_missing_hold_body_is_422_naming_the_body(bank: Bank) -> None:
    r = bank.call("POST", "/v1/holds", idem=uuid.uuid4().hex)
    assert (r.status_code, r.json()) == (
        422,
        {"error": "bad_request", "message": "body: Field required"},
    )


def test_a_hold_body_not_sent_as_json_is_422(bank: Bank) -> None:
    status, body = post(
        bank,
        "/v1/holds",
        b'{"session": "s"}',
        {"Content-Type": "text/plain", "Idempotency-Key": "k"},
    )
    assert (status, body["error"]) == (422, "bad_request")


def test_an_unknown_kiosk_key_is_401_before_the_body_is_judged(bank: Bank) -> None:
    r = bank.call("POST", "/v1/holds", {"price": -1}, key="nope", idem="k")
    assert (r.status_code, r.json()["error"]) == (401, "unauthorized")


def test_a_missing_idempotency_key_is_400_before_the_body_is_judged(bank: Bank) -> None:
    r = bank.call("POST", "/v1/holds", {"price": -1})
    assert (r.status_code, r.json()["error"]) == (400, "idempotency_key_required")


def test_a_too_long_void_reason_is_422_naming_the_reason(bank: Bank) -> None:
    r = bank.call("POST", "/v1/holds/h/void", {"reason": "x" * 501}, idem="v")
    assert (r.status_code, r.json()["error"]) == (422, "bad_request")
    assert r.json()["message"].startswith("reason: ")


def test_a_void_of_an_unknown_hold_with_a_null_body_is_404(bank: Bank) -> None:
    status, body = post(
        bank,
        "/v1/holds/nope/void",
        b"null",
        {"Content-Type": "application/json", "Idempotency-Key": "v"},
    )
    assert (status, body["error"]) == (404, "unknown_hold")
