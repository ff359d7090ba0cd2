"""The phone's pages (/m/) are in the served OpenAPI document, and keep to it.

Every /m/ route the app serves is documented, with a summary, the "phone" tag, its form
fields, and the device cookie it needs; then schemathesis sends generated requests to each,
as an enrolled phone (its real device cookie) and as a stranger: no answer may be a 5xx, and
each status and content type must be one the document lists. POSTs carry no CSRF token, so
they are refused at the guard; the GETs' query parameters are fuzzed against a real member.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from starlette.routing import Route

from ledger.server import EmbeddedLedger
from tests.ledger.conftest import Bank
from tests.ledger.test_devices import enrol

MAX_EXAMPLES = 8  # per operation and caller: about a second each here
NOT_FOR_PAGES = [checks.positive_data_acceptance]  # valid data is refused without a CSRF token


def routes_of(routes: list[Any]) -> Iterator[Route]:
    """Every route the app serves, from inside included routers too (FastAPI 0.165 wraps
    each included router; its routes keep their full paths)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from routes_of(inner.routes)
        elif isinstance(route, Route):
            yield route


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Bank, EmbeddedLedger]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('openapi-phone') / 'ledger.db'}"
    with EmbeddedLedger(url) as ledger:
        bank = Bank(url, ledger.url)
        bank.set_item("soap", 25)
        yield bank, ledger


def test_every_phone_page_is_documented_with_its_form_and_its_cookie(served) -> None:
    bank, ledger = served
    doc = requests.get(bank.url + "/openapi.json", timeout=30).json()
    assert doc["components"]["securitySchemes"]["phoneDevice"]["name"] == "tb_device"
    app = ledger._app
    assert app is not None
    served_routes = {
        (method.lower(), route.path)
        for route in routes_of(app.routes)
        if route.path.startswith("/m/")
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {(m, p) for p, ops in doc["paths"].items() if p.startswith("/m/") for m in ops}
    assert served_routes and served_routes == documented
    for method, path in documented:
        op = doc["paths"][path][method]
        assert op["tags"] == ["phone"] and op["summary"][0].islower(), (method, path)
        assert "5XX" not in op["responses"] and "503" in op["responses"] or path == "/m/sw.js"
        if (method, path) not in {("get", "/m/enrol/{token}"), ("get", "/m/sw.js")}:
            assert op["security"][0] == {"phoneDevice": []}, (method, path)
    give = doc["paths"]["/m/give"]["post"]
    body = give["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]["$ref"]
    fields = doc["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert {"to", "coins", "once"} <= set(fields)
    assert set(give["responses"]) >= {"303", "402", "403", "409", "422", "429"}


@pytest.mark.parametrize("caller", ["enrolled phone", "stranger"])
def test_no_generated_request_to_a_phone_page_fails_or_leaves_the_document(
    served: Any, caller: str
) -> None:
    bank, _ledger = served
    cookies: dict[str, str] = {}
    if caller == "enrolled phone":
        member, _ = bank.add_member(40)
        page = requests.get(enrol(bank, member)["url"], timeout=30)
        cookies = {"tb_device": page.cookies["tb_device"]}
    schema = schemathesis.openapi.from_url(bank.url + "/openapi.json")
    found = [r.ok() for r in schema.get_all_operations()]
    phone = [op for op in found if op.path.startswith("/m/") and op.path != "/m/enrol/{token}"]
    assert len(phone) >= 20
    for operation in phone:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(
                cookies=cookies, allow_redirects=False, excluded_checks=NOT_FOR_PAGES
            )

        check()
