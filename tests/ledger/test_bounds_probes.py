"""Malformed requests against every route, on SQLite and PostgreSQL (issue 21): each answer is a
4xx with the contract's error JSON (the member's phone pages: a 4xx page), never a 500, and
nothing is logged as a traceback."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from ledger.limits import MAX_COINS
from tests.ledger.conftest import Bank

# Path ids no route can know: NUL (a 500 on PostgreSQL before), controls, bidi, too long...
BAD_IDS = ["%00", "h%00", "%00%00", "a%0Ab", "%E2%80%AE", "%C2%9B", "x" * 300, "%FF", "a.b", "%20"]
# Values of the wrong kind, or out of every bound, for any field.
BAD_VALUES: list[Any] = [
    "a\x00b",
    "\x00",
    "x" * 5000,
    2**63,
    -(2**63) - 1,
    10**30,
    1.5,
    True,
    None,
    [],
    {},
    "20",
]
ACCEPTED: dict[str, list[Any]] = {"reason": [None], "pin": [None], "data": [{}]}  # optional fields
BAD_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "9" * 40]  # raw JSON tokens


def _field_cases(good: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
    for field in good:
        for value in BAD_VALUES:
            if value == good[field] or value in ACCEPTED.get(field, []):
                continue
            if isinstance(good[field], str) and value == "20":  # a fine string
                continue
            yield field, json.dumps({**good, field: value}).encode()
        for token in BAD_NUMBERS:
            yield field, json.dumps({**good, field: 0}).replace(": 0", f": {token}", 1).encode()


@pytest.fixture
def probed(bank: Bank, caplog: pytest.LogCaptureFixture) -> Iterator[dict[str, Any]]:
    """A member signed in with a held hold and a pairing, for probes to aim past them."""
    bank.set_item("soap", 25)
    member, secret = bank.add_member(100)
    session = bank.login(member, secret)
    hold = bank.hold(session, "soap", 25).json()["hold"]
    pairing = bank.call("POST", "/v1/pairings", {}).json()["pairing"]
    caplog.set_level(logging.INFO)
    yield {"session": session, "hold": hold, "pairing": pairing}
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]


def send(bank: Bank, method: str, path: str, body: bytes | None = None, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {bank.key}", "Idempotency-Key": uuid.uuid4().hex}
    headers["Content-Type"] = kw.pop("content_type", "application/json")
    return requests.request(method, bank.url + path, data=body, headers=headers, timeout=30)


def assert_refused(r: requests.Response, what: str) -> None:
    assert 400 <= r.status_code < 500, f"{what}: {r.status_code} {r.text[:200]}"
    if r.headers["content-type"].startswith("text/html"):
        assert what.split()[1].startswith("/pair/"), f"{what}: an HTML answer off the phone page"
        return
    doc = r.json()
    assert isinstance(doc.get("error"), str) and isinstance(doc.get("message"), str), what


def id_routes(known: dict[str, Any]) -> list[tuple[str, str]]:
    """Every route with an id in its path, as (method, path with {id})."""
    return [
        ("DELETE", "/v1/sessions/{id}"),
        ("GET", "/v1/holds/{id}"),
        ("POST", "/v1/holds/{id}/capture"),
        ("POST", "/v1/holds/{id}/void"),
        ("POST", "/v1/holds/{id}/await-count"),
        ("GET", "/v1/pairings/{id}"),
        ("GET", "/pair/{id}"),
        ("POST", "/pair/{id}/signin"),
        ("POST", "/pair/{id}/confirm"),
        ("POST", "/v1/kiosks/me/reservations/{id}/set-aside"),
        ("POST", "/v1/kiosks/me/reservations/{id}/refuse"),
        ("POST", "/v1/kiosks/me/reservations/{id}/claim"),
        ("GET", "/v1/kiosks/me/lots/{id}"),
        ("POST", "/v1/kiosks/me/lots/{id}/restock"),
    ]


RESERVATION_BODIES: dict[str, Any] = {
    "set-aside": lambda known: {"locker": "0:1"},
    "refuse": lambda known: {"reason": "sold_out"},
    "claim": lambda known: {"session": known["session"]},
}


RESTOCK_BODY = {"locker": "0:1", "count": 1}


def body_routes(known: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every route that takes a JSON body, with a body it would accept."""
    event = {"kind": "fault", "at": "2026-01-01T00:00:00+00:00", "data": {"x": 1}}
    return [
        ("/v1/sessions", {"code": "tb1:m000001:12345678", "pin": "1234"}),
        ("/v1/holds", {"session": known["session"], "sku": "soap", "locker": "0:1", "price": 25}),
        (f"/v1/holds/{known['hold']}/void", {"reason": "door stuck"}),
        ("/v1/kiosks/me/events", {"events": [event]}),
        *(
            (f"/v1/kiosks/me/reservations/r1/{step}", body(known))
            for step, body in RESERVATION_BODIES.items()
        ),
        ("/v1/kiosks/me/lots/L0000000/restock", RESTOCK_BODY),
    ]


def test_every_route_is_probed(bank: Bank) -> None:
    # A new route must join the probes: compare with the served contract.
    paths = set(requests.get(bank.url + "/openapi.json", timeout=30).json()["paths"])
    probed_paths = {p.replace("{id}", "") for _, p in id_routes({})}
    bare = {
        "/v1/health",
        "/v1/catalog",
        "/v1/holds",
        "/v1/sessions",
        "/v1/pairings",
        "/v1/kiosks/me/events",
        "/v1/kiosks/me/reservations",
    }
    for path in paths:
        if path.startswith("/m/"):
            continue  # the phone's pages: tests/ledger/test_openapi_phone.py fuzzes every one
        templated = path.split("{")[0] + path.split("}")[-1] if "{" in path else path
        assert templated in probed_paths or path in bare, f"{path} has no probes"


def test_malformed_ids_in_every_path_are_a_4xx_without_a_traceback(
    bank: Bank, probed: dict[str, Any]
) -> None:
    for method, template in id_routes(probed):
        for bad in BAD_IDS:
            path = template.replace("{id}", bad)
            body = b"form_token=x&decision=confirm" if path.startswith("/pair/") else b"{}"
            if "/reservations/" in path:  # a body it takes, so that the id is what is probed
                body = json.dumps(RESERVATION_BODIES[path.rsplit("/", 1)[1]](probed)).encode()
            if path.endswith("/restock"):
                body = json.dumps(RESTOCK_BODY).encode()
            kind = "application/x-www-form-urlencoded" if path.startswith("/pair/") else None
            r = send(bank, method, path, body, content_type=kind or "application/json")
            assert_refused(r, f"{method} {path[:60]}")
            if not path.startswith("/pair/") and "%00" in bad:
                assert r.status_code == 404, f"{method} {path}: {r.status_code} {r.text}"


def test_bad_values_in_every_body_field_are_a_4xx_naming_the_field(
    bank: Bank, probed: dict[str, Any]
) -> None:
    for path, good in body_routes(probed):
        for field, body in _field_cases(good):
            r = send(bank, "POST", path, body)
            assert_refused(r, f"POST {path} {field}={body[:80]!r}")
            if r.status_code == 422 and b"JSON decode" not in r.content:
                assert field in r.json()["message"], (path, field, r.text)
    # Nothing got through: the hold is still held at its price.
    r = bank.call("GET", f"/v1/holds/{probed['hold']}")
    assert (r.json()["state"], r.json()["price"]) == ("held", 25)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("session", "s\x00"),
        ("sku", "so\x00ap"),
        ("price", "20"),
        ("price", 20.0),
        ("price", True),
        ("price", MAX_COINS + 1),
        ("price", 2**62),
        ("locker", "0:1" * 3000),
        ("locker", 1),
        ("locker", "0:1\x00"),
        ("locker", "board 0 lock 1"),
    ],
)
def test_the_issues_hold_bodies_are_422_naming_the_field(
    bank: Bank, probed: dict[str, Any], field: str, value: Any
) -> None:
    good = {"session": probed["session"], "sku": "soap", "locker": "0:1", "price": 25}
    r = bank.call("POST", "/v1/holds", {**good, field: value}, idem=uuid.uuid4().hex)
    assert (r.status_code, r.json()["error"]) == (422, "bad_request"), r.text
    assert r.json()["message"].startswith(f"{field}: "), r.text


def test_a_void_reason_with_nul_is_422_and_the_hold_stays_held(
    bank: Bank, probed: dict[str, Any]
) -> None:
    r = bank.call(
        "POST", f"/v1/holds/{probed['hold']}/void", {"reason": "a\x00b"}, idem=uuid.uuid4().hex
    )
    assert (r.status_code, r.json()["error"]) == (422, "bad_request")
    assert r.json()["message"] == "reason: must not contain NUL (\\u0000)"
    assert bank.call("GET", f"/v1/holds/{probed['hold']}").json()["state"] == "held"


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_event_data_that_is_not_json_is_422_and_not_stored(
    bank: Bank, probed: dict[str, Any], token: str
) -> None:
    body = '{"events": [{"kind": "fault", "at": "2026-01-01T00:00:00Z", "data": {"t": %s}}]}'
    r = send(bank, "POST", "/v1/kiosks/me/events", (body % token).encode())
    assert (r.status_code, r.json()["error"]) == (422, "bad_request")
    assert "data.t" in r.json()["message"]


def test_an_unexpected_error_logs_its_traceback_once_per_kind(
    bank: Bank, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger import catalog

    def broken(_s: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(catalog, "list_items", broken)
    caplog.set_level(logging.INFO)
    answers = [bank.call("GET", "/v1/catalog") for _ in range(5)]
    assert [(r.status_code, r.json()["error"]) for r in answers] == [(500, "internal")] * 5
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1, [r.getMessage() for r in tracebacks]
    assert "RuntimeError@" in tracebacks[0].getMessage()
    metrics = requests.get(bank.url + "/metrics", timeout=30).text
    [line] = [x for x in metrics.splitlines() if x.startswith("ledger_unexpected_errors_total")]
    assert line.endswith(" 5.0") and "RuntimeError@" in line
