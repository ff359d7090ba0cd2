"""Probes of the ledger's edges over real HTTP, on SQLite and PostgreSQL: bodies that are not
text (lone surrogates) and bodies over a route's size limit get a 4xx with the contract's
error JSON, never a 500, and change nothing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from ledger import bodies, events
from ledger.cli import with_book
from tests.ledger.conftest import Bank, phone_code
from tests.ledger.pairing_helpers import CSRF, FORM_TOKEN, start_pairing

HIGH, LOW = "\\ud800", "\\udfff"  # as JSON escape text, the way a hostile client sends it
RAW_SURROGATE = b"\xed\xa0\x80"  # the same surrogate as bytes: json.loads lets them through
EVENT_AT = '"at": "2024-05-01T08:00:00+08:00"'


@pytest.fixture(autouse=True)
def no_internal_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The embedded ledger runs in this process: any 'unexpected error' it logs fails the test."""
    with caplog.at_level(logging.ERROR):
        yield
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not crashes, [r.getMessage() for r in crashes]


def post_raw(
    bank: Bank, path: str, body: bytes, idem: bool = True, **headers: str
) -> requests.Response:
    sent = {"Authorization": f"Bearer {bank.key}", "Content-Type": "application/json", **headers}
    if idem:
        sent["Idempotency-Key"] = uuid.uuid4().hex
    return requests.post(bank.url + path, data=body, headers=sent, timeout=30)


def assert_bad_request(r: requests.Response, where: str) -> None:
    assert r.status_code == 422, r.text
    answer = r.json()
    assert answer["error"] == "bad_request"
    assert f"{where}: a string holds a lone UTF-16 surrogate" in answer["message"]


def stored_events(bank: Bank) -> list[dict[str, Any]]:
    return with_book(bank.db_url, lambda s: events.list_events(s, limit=1000))


def event_body(data: str) -> bytes:
    return f'{{"events": [{{"kind": "fault", {EVENT_AT}, "data": {data}}}]}}'.encode()


@pytest.fixture
def member(bank: Bank) -> tuple[str, str]:
    bank.set_item("soap", 5)
    return bank.add_member(coins=50)


# --- lone surrogates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "where"),
    [
        ('{"session": "%(s)s", "sku": "soap", "locker": "' + HIGH + '", "price": 5}', "locker"),
        ('{"session": "%(s)s", "sku": "soap", "locker": "0:' + LOW + '", "price": 5}', "locker"),
        ('{"session": "%(s)s", "sku": "' + HIGH + '", "locker": "0:1", "price": 5}', "sku"),
        (
            '{"session": "%(s)s", "sku": "soap", "locker": "0:1", "price": 5, "' + HIGH + '": 1}',
            HIGH,
        ),
    ],
)
def test_a_hold_with_a_lone_surrogate_is_422_and_holds_nothing(
    bank: Bank, member: tuple[str, str], template: str, where: str
) -> None:
    session = bank.login(*member)
    r = post_raw(bank, "/v1/holds", (template % {"s": session}).encode())
    assert_bad_request(r, where)
    assert bank.balance(member[0]) == 50
    # The same session still places a proper hold: nothing was left half-done.
    assert bank.hold(session, "soap", 5).status_code == 201


def test_a_hold_with_a_surrogate_sent_as_raw_bytes_is_422(
    bank: Bank, member: tuple[str, str]
) -> None:
    session = bank.login(*member)
    body = b'{"session": "%s", "sku": "soap", "locker": "' % session.encode()
    r = post_raw(bank, "/v1/holds", body + RAW_SURROGATE + b'", "price": 5}')
    assert_bad_request(r, "locker")
    assert bank.balance(member[0]) == 50


@pytest.mark.parametrize(
    ("body", "where"),
    [('{"reason": "jammed ' + HIGH + '"}', "reason"), ('{"' + LOW + '": "x"}', LOW)],
)
def test_a_void_with_a_lone_surrogate_is_422_and_the_hold_stays_open(
    bank: Bank, member: tuple[str, str], body: str, where: str
) -> None:
    placed = bank.hold(bank.login(*member), "soap", 5).json()
    r = post_raw(bank, f"/v1/holds/{placed['hold']}/void", body.encode())
    assert_bad_request(r, where)
    assert bank.call("GET", f"/v1/holds/{placed['hold']}").json()["state"] == "held"


@pytest.mark.parametrize("idem", [True, False], ids=["with-key", "without-key"])
@pytest.mark.parametrize(
    ("data", "where"),
    [
        ('{"' + HIGH + '": 1}', "events.0.data." + HIGH),  # as an event data key
        ('{"door": "' + LOW + '"}', "events.0.data.door"),
        ('{"lockers": [{"note": "' + HIGH + 'x"}]}', "events.0.data.lockers.0.note"),
    ],
)
def test_events_with_a_lone_surrogate_are_422_and_none_is_stored(
    bank: Bank, data: str, where: str, idem: bool
) -> None:
    r = post_raw(bank, "/v1/kiosks/me/events", event_body(data), idem=idem)
    assert_bad_request(r, where)
    assert stored_events(bank) == []


def test_a_surrogate_pair_is_text_and_is_stored_as_sent(bank: Bank) -> None:
    # \ud83d\ude00 is one character (😀): only a LONE surrogate is refused.
    r = post_raw(
        bank, "/v1/kiosks/me/events", event_body('{"\\ud83d\\ude00": "门 \\ud83d\\ude00"}')
    )
    assert r.status_code == 202, r.text
    assert [e["data"] for e in stored_events(bank)] == [{"😀": "门 😀"}]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"code": "' + HIGH + '"}', "code"),
        ('{"code": "tb1:m1:' + LOW + '"}', "code"),
        ('{"code": "x", "pin": "12' + HIGH + '"}', "pin"),
        ('{"code": "x", "' + HIGH + '": 1}', HIGH),
    ],
)
def test_a_sign_in_with_a_lone_surrogate_is_422(bank: Bank, body: str, where: str) -> None:
    assert_bad_request(post_raw(bank, "/v1/sessions", body.encode(), idem=False), where)


def test_a_sign_in_with_a_surrogate_in_a_real_members_code_is_422_without_echoing_it(
    bank: Bank, member: tuple[str, str]
) -> None:
    code = phone_code(*member)
    r = post_raw(bank, "/v1/sessions", b'{"code": "%s%s"}' % (code.encode(), LOW.encode()))
    assert_bad_request(r, "code")
    assert code not in r.text
    assert bank.login(*member)  # the member's next real sign-in works


@pytest.mark.parametrize(
    "form",
    [
        "method=phone&member=%ED%A0%80&otp=12345678",
        "method=phone&member=m1&otp=%ED%A0%80",
        "method=card&card=%ED%A0%80&pin=%ED%B0%80",
        "method=%ED%A0%80",
    ],
)
def test_the_pairing_page_answers_surrogates_in_its_form_with_a_page_not_a_500(
    bank: Bank, form: str
) -> None:
    url = start_pairing(bank)["url"]
    http = requests.Session()
    http.headers["Content-Type"] = "application/x-www-form-urlencoded"
    page = http.get(url, timeout=30).text
    token, csrf = FORM_TOKEN.search(page), CSRF.search(page)
    assert token is not None and csrf is not None
    # With the session's CSRF token, so that the form reaches the pairing's own checks.
    tokens = f"csrf={csrf.group(1)}&form_token={token.group(1)}"
    for body in (
        f"{tokens}&{form}".encode(),
        f"csrf={csrf.group(1)}&{form}".encode() + RAW_SURROGATE,
    ):
        r = http.post(url + "/signin", data=body, timeout=30)
        assert r.status_code in (401, 403, 422), r.text
        assert "<html" in r.text and "%ED" not in r.text
    body = f"csrf={csrf.group(1)}&confirm_token=%ED%A0%80&decision=confirm".encode()
    r = http.post(url + "/confirm", data=body, timeout=30)
    assert r.status_code == 403 and "<html" in r.text


# --- body size limits ---------------------------------------------------------------------------


def assert_too_large(r: requests.Response, limit: int) -> None:
    assert r.status_code == 413, r.text
    assert r.json() == {
        "error": "too_large",
        "message": f"the body is larger than this route takes ({limit} bytes)",
    }


READING_ROUTES = [
    ("/v1/holds", bodies.SMALL_BODY_MAX),
    ("/v1/sessions", bodies.SMALL_BODY_MAX),
    ("/v1/holds/h1/void", bodies.SMALL_BODY_MAX),
    ("/v1/kiosks/me/events", bodies.EVENTS_BODY_MAX),
]


def over(limit: int) -> bytes:
    return b'{"x": "' + b"a" * limit + b'"}'


@pytest.mark.parametrize(
    ("path", "limit"), [*READING_ROUTES, ("/v1/pairings", bodies.SMALL_BODY_MAX)]
)
def test_a_declared_body_over_the_routes_limit_is_413(bank: Bank, path: str, limit: int) -> None:
    assert_too_large(post_raw(bank, path, over(limit)), limit)


@pytest.mark.parametrize(("path", "limit"), READING_ROUTES)
def test_a_streamed_body_over_the_routes_limit_is_413_once_it_passes_the_limit(
    bank: Bank, path: str, limit: int
) -> None:
    big = over(limit)
    chunks = iter([big[:1000], big[1000:]])  # chunked: no Content-Length to judge beforehand
    assert_too_large(post_raw(bank, path, chunks), limit)  # type: ignore[arg-type]


def test_a_capture_with_an_oversized_body_is_413_and_captures_nothing(
    bank: Bank, member: tuple[str, str]
) -> None:
    placed = bank.hold(bank.login(*member), "soap", 5).json()
    path = f"/v1/holds/{placed['hold']}/capture"
    assert_too_large(
        post_raw(bank, path, b" " * (bodies.SMALL_BODY_MAX + 1)), bodies.SMALL_BODY_MAX
    )
    assert bank.call("GET", f"/v1/holds/{placed['hold']}").json()["state"] == "held"


def test_a_form_over_the_limit_is_413(bank: Bank) -> None:
    url = start_pairing(bank)["url"]
    r = requests.post(url + "/signin", data={"card": "c" * bodies.SMALL_BODY_MAX}, timeout=30)
    assert_too_large(r, bodies.SMALL_BODY_MAX)


def test_a_full_batch_of_large_events_fits_under_the_events_limit(bank: Bank) -> None:
    # What a kiosk's outbox sends at most (200 events a call), each with 5 KB of data.
    batch = [{"kind": "inventory", "at": "2024-05-01T08:00:00+08:00", "data": {"x": "y" * 5000}}]
    r = bank.call("POST", "/v1/kiosks/me/events", {"events": batch * 200})
    assert r.status_code == 202, r.text
    assert len(stored_events(bank)) == 200
