"""Every kiosk route admits its caller through one check (ledger.kiosks.calling_kiosk): a key
that is missing, garbled, unknown or revoked gets the same 401, word for word, on the session,
catalog, money and event routes alike; a good key in any case of "Bearer" is let in."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from ledger import cli
from tests.ledger.conftest import Bank

NO_KEY = "missing kiosk key: send Authorization: Bearer <kiosk key>"


def routes(session: str) -> list[tuple[str, str, object]]:
    return [
        ("POST", "/v1/sessions", {"code": "tb1:m000000:12345678"}),
        ("GET", "/v1/catalog", None),
        ("POST", "/v1/holds", {"session": session, "sku": "soap", "locker": "0:1", "price": 25}),
        ("POST", "/v1/kiosks/me/events", {"events": []}),
    ]


def answers(bank: Bank, session: str, auth: str | None) -> set[tuple[int, str, str]]:
    """The distinct (status, error, message) the routes give for one Authorization header."""
    seen = set()
    for method, path, body in routes(session):
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        if auth is not None:
            headers["Authorization"] = auth
        r = requests.request(method, bank.url + path, json=body, headers=headers, timeout=30)
        doc = r.json()
        seen.add((r.status_code, doc.get("error", ""), doc.get("message", "")))
    return seen


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        (None, NO_KEY),
        ("Bearer ", NO_KEY),
        ("Basic dGI6a2V5", NO_KEY),
        ("tbk_nobearer", NO_KEY),
        ("Bearer tbk_not-a-key-of-this-ledger", "unknown kiosk key"),
    ],
)
def test_a_missing_or_unknown_key_gets_the_same_401_on_every_route(
    bank: Bank, auth: str | None, message: str
) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    session = bank.login(member, secret)
    assert answers(bank, session, auth) == {(401, "unauthorized", message)}


def test_a_revoked_key_gets_the_same_401_on_every_route(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    session = bank.login(member, secret)
    assert cli.main(["--db", bank.db_url, "kiosk", "list", "--json"]) == 0
    (kiosk,) = json.loads(capsys.readouterr().out)["kiosks"]
    assert cli.main(["--db", bank.db_url, "kiosk", "revoke", kiosk["kiosk"]]) == 0
    revoked = (401, "unauthorized", f"the key of kiosk {kiosk['kiosk']} was revoked")
    assert answers(bank, session, f"Bearer {bank.key}") == {revoked}


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_a_good_key_is_let_in_on_every_route_whatever_the_schemes_case(
    bank: Bank, scheme: str
) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    session = bank.login(member, secret)
    seen = answers(bank, session, f"{scheme} {bank.key}")
    # Past the key, each route judges its body: the made-up phone code is invalid_code (401).
    assert "unauthorized" not in {error for _, error, _ in seen}, seen
    assert {status for status, _, _ in seen} >= {200, 201}
