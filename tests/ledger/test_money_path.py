"""The money routes' own ASGI path (ledger.money_path) answers exactly as the FastAPI routes
behind it: every request below is sent to an app with the path and to one without it, on the
same SQLite ledger, and the two answers (status, JSON, the headers a kiosk reads) are equal.
A key used on one app is replayed by the other: one idempotency record, whichever path."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ledger import catalog, kiosks, members, money_path
from ledger.api import create_app
from ledger.cli.base import with_book
from tests.ledger.conftest import phone_code

SHOWN = ("content-type", "connection", "idempotent-replayed")


def app_without_money_path(db_url: str) -> FastAPI:
    app = create_app(db_url)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not money_path.MoneyPath]
    return app


class Ledger:
    def __init__(self, tmp: Path) -> None:
        self.db_url = f"sqlite:///{tmp / 'ledger.db'}"
        self.fast = create_app(self.db_url)
        assert any(m.cls is money_path.MoneyPath for m in self.fast.user_middleware)
        self.plain = app_without_money_path(self.db_url)

        def seed(s: Any) -> tuple[str, list[tuple[str, str]]]:
            _, key = kiosks.add_kiosk(s, "kiosk")
            catalog.set_item(s, "soap", 25, "肥皂", "Soap")
            rich = members.add_member(s, "rich", coins=1000)
            poor = members.add_member(s, "poor", coins=10)
            return key, [(m.id, str(m.totp_secret)) for m in (rich, poor)]

        self.key, self.people = with_book(self.db_url, seed)
        self.auth = {"Authorization": f"Bearer {self.key}"}

    def session(self, client: TestClient, who: int) -> str:
        """A session of member `who` (0: 1,000 coins, 1: 10 coins), opened with a phone code."""
        code = phone_code(*self.people[who])
        r = client.post("/v1/sessions", json={"code": code}, headers=self.auth)
        return str(r.json()["session"])


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[tuple[Ledger, TestClient, TestClient]]:
    led = Ledger(tmp_path)
    with TestClient(led.fast) as fast, TestClient(led.plain) as plain:
        yield led, fast, plain


def answer(client: TestClient, path: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
    method = kw.pop("method", "POST")
    r = client.request(method, path, **kw)
    headers = {k: r.headers[k] for k in SHOWN if k in r.headers}
    try:
        body = r.json()
    except json.JSONDecodeError:
        body = r.text
    return r.status_code, body, headers


def test_every_refusal_is_answered_alike_with_and_without_the_money_path(
    ledger: tuple[Ledger, TestClient, TestClient],
) -> None:
    led, fast, plain = ledger
    auth = led.auth
    session, poor = led.session(fast, 0), led.session(fast, 1)
    good = {"session": session, "sku": "soap", "locker": "0:1", "price": 25}
    as_json = {**auth, "Content-Type": "application/json"}

    def idem() -> dict[str, str]:
        return {"Idempotency-Key": uuid.uuid4().hex}

    cases: list[tuple[str, dict[str, Any]]] = [
        ("/v1/holds", {"json": good, "headers": idem()}),  # no kiosk key
        ("/v1/holds", {"json": good, "headers": {"Authorization": "Bearer nope", **idem()}}),
        ("/v1/holds", {"json": good, "headers": auth}),  # no Idempotency-Key
        ("/v1/holds", {"json": good, "headers": {**auth, "Idempotency-Key": "k" * 201}}),
        ("/v1/holds", {"content": b'{"session": "s",', "headers": {**as_json, **idem()}}),
        ("/v1/holds", {"json": {**good, "price": -1}, "headers": {**auth, **idem()}}),
        ("/v1/holds", {"json": {**good, "locker": 1.5}, "headers": {**auth, **idem()}}),
        ("/v1/holds", {"headers": {**auth, **idem()}}),  # no body
        (
            "/v1/holds",
            {"content": b"{}", "headers": {**auth, **idem(), "Content-Type": "text/plain"}},
        ),
        ("/v1/holds", {"content": b"x" * 20_000, "headers": {**as_json, **idem()}}),  # 413
        ("/v1/holds", {"json": {**good, "session": "gone"}, "headers": {**auth, **idem()}}),
        ("/v1/holds", {"json": {**good, "session": poor}, "headers": {**auth, **idem()}}),
        ("/v1/holds/h_unknown/capture", {"headers": {**auth, **idem()}}),
        ("/v1/holds/h_unknown/void", {"json": {"reason": "x"}, "headers": {**auth, **idem()}}),
        ("/v1/holds/h_unknown/capture", {"json": {"lot": 5}, "headers": {**auth, **idem()}}),
        ("/v1/holds/not.an.id/void", {"headers": {**auth, **idem()}}),  # 404 down the chain
        ("/v1/holds/h1/open", {"headers": {**auth, **idem()}}),
        ("/v1/holds", {"method": "GET", "headers": auth}),  # 405
    ]
    seen = set()
    for path, kw in cases:
        got, want = answer(fast, path, **kw), answer(plain, path, **kw)
        assert got == want, (path, kw.get("json"), got, want)
        seen.add(got[0])
    assert seen == {400, 401, 402, 404, 405, 413, 422}


def test_a_key_used_on_one_path_is_replayed_by_the_other(
    ledger: tuple[Ledger, TestClient, TestClient],
) -> None:
    led, fast, plain = ledger
    auth = led.auth
    session = led.session(fast, 0)
    body = {"session": session, "sku": "soap", "locker": "0:1", "price": 25}
    first = answer(fast, "/v1/holds", json=body, headers={**auth, "Idempotency-Key": "h-1"})
    again = answer(plain, "/v1/holds", json=body, headers={**auth, "Idempotency-Key": "h-1"})
    assert first[0] == 201 and "idempotent-replayed" not in first[2]
    assert (again[0], again[1], again[2].get("idempotent-replayed")) == (201, first[1], "true")
    hold = first[1]["hold"]
    path = f"/v1/holds/{hold}/capture"
    captured = answer(plain, path, headers={**auth, "Idempotency-Key": "c-1"})
    replayed = answer(fast, path, headers={**auth, "Idempotency-Key": "c-1"})
    assert captured[:2] == (200, {"hold": hold, "state": "captured", "balance": 975})
    assert (replayed[0], replayed[1], replayed[2].get("idempotent-replayed")) == (
        200,
        captured[1],
        "true",
    )
