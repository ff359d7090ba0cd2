"""Bodies that are not requests, sent to every route a kiosk POSTs a body to, on the real
ledger over loopback: any bytes, JSON that is not UTF-8, nested thousands deep or with more
digits than a number can have get a 4xx with an error code and a message (422 bad_request when
the JSON cannot be read), never a 5xx, and move no coin. Also an event time that has no UTC
time. (Schemathesis sends the bodies the document describes; these are the ones it does not.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger.server import EmbeddedLedger
from tests.ledger.conftest import Bank
from tests.reliability.scale import examples

# Capture takes no body (any is ignored), so it is not here.
ROUTES = ["/v1/sessions", "/v1/holds", "/v1/holds/{hold}/void", "/v1/kiosks/me/events"]
# The money routes read bodies themselves (ledger/money_api.py): these answered a 500.
NOT_UTF8 = b'{"session": "\xce"}'
TOO_DEEP = b"[" * 5_000 + b"]" * 5_000  # past json.loads's depth, within the 16 KiB body limit
TOO_LONG = b'{"price": ' + b"7" * 5000 + b"}"


class Shop:
    """The ledger with a member holding one open hold, so a void reaches a real hold."""

    def __init__(self, bank: Bank) -> None:
        bank.set_item("soap", 25)
        self.bank = bank
        self.member, secret = bank.add_member(100)
        session = bank.login(self.member, secret)
        self.hold = bank.hold(session, "soap", 25).json()["hold"]

    def post(self, route: str, body: bytes, content_type: str) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {self.bank.key}",
            "Content-Type": content_type,
            "Idempotency-Key": "same-key-every-time",
        }
        url = self.bank.url + route.format(hold=self.hold)
        return requests.post(url, data=body, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    url = f"sqlite:///{tmp_path_factory.mktemp('bad-requests') / 'ledger.db'}"
    with EmbeddedLedger(url) as ledger:
        yield Shop(Bank(url, ledger.url))


def not_a_request(body: bytes) -> bool:
    """A JSON object may be a real request, and so is no body or null for a void (no reason
    given): those are Schemathesis's."""
    try:
        return not isinstance(json.loads(body), dict | None)
    except (ValueError, RecursionError):
        return bool(body.strip())


bodies = st.one_of(
    st.binary(max_size=120),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=8,
    ).map(lambda doc: json.dumps(doc).encode()),
    st.sampled_from([NOT_UTF8, TOO_DEEP, TOO_LONG, b"{", b"\xff\xfe{\x00}\x00"]),
).filter(not_a_request)


def test_a_body_that_is_not_a_request_is_a_4xx_with_a_code_and_moves_nothing(
    shop: Shop,
) -> None:
    @settings(
        max_examples=examples(150),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        route=st.sampled_from(ROUTES),
        body=bodies,
        content_type=st.sampled_from(["application/json", "application/json; charset=latin-1"]),
    )
    @example(route="/v1/holds", body=NOT_UTF8, content_type="application/json")
    @example(route="/v1/holds", body=TOO_DEEP, content_type="application/json")
    @example(route="/v1/holds", body=TOO_LONG, content_type="application/json")
    @example(route="/v1/holds/{hold}/void", body=NOT_UTF8, content_type="application/json")
    def refused(route: str, body: bytes, content_type: str) -> None:
        r = shop.post(route, body, content_type)
        assert r.status_code < 500, f"{route} {body[:40]!r} -> {r.status_code} {r.text[:200]}"
        if r.status_code >= 400:
            answer = r.json()
            assert isinstance(answer["error"], str) and answer["error"], answer
            assert isinstance(answer["message"], str) and answer["message"], answer

    refused()
    # However it went, the member's coins are as they were: 100, 25 of them held.
    summary = shop.bank.summary(shop.member)
    assert (summary["posted_balance"], summary["held"]) == (100, 25), summary


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+21:05", "9999-12-31T23:59:59-05:00"])
def test_an_event_time_with_no_utc_time_is_a_bad_request(shop: Shop, at: str) -> None:
    # Found by the long Schemathesis run (test_ledger_schema_slow.py): it was a 500.
    body = json.dumps({"events": [{"kind": "alarm", "at": at}]}).encode()
    r = shop.post("/v1/kiosks/me/events", body, "application/json")
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "bad_request" and "UTC" in r.json()["message"], r.text


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("body", [NOT_UTF8, TOO_DEEP, TOO_LONG], ids=["utf8", "deep", "digits"])
def test_json_that_cannot_be_read_is_the_contracts_bad_request(
    shop: Shop, route: str, body: bytes
) -> None:
    # The money routes answered these with a 500, FastAPI's own with an undocumented 400.
    r = shop.post(route, body, "application/json")
    assert (r.status_code, r.json()["error"]) == (422, "bad_request"), r.text
