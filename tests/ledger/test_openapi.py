"""The served OpenAPI document describes the contract, and the real ledger keeps to it.

Schemathesis generates requests from /openapi.json and sends them over loopback to a real
EmbeddedLedger (SQLite) with a seeded kiosk key: no answer may be a 5xx, and every answer must
match the document (status, content type, body schema).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from ledger.server import EmbeddedLedger
from tests.ledger.conftest import Bank

# Schema-valid requests are rightly refused when a generated Idempotency-Key repeats with
# another body (422 idempotency_mismatch), so "valid data is accepted" does not apply here.
NOT_FOR_IDEMPOTENT_CALLS = [checks.positive_data_acceptance]
MAX_EXAMPLES = 60  # per operation: about 10 s here, well under a minute on a shared machine


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bank]:
    url = f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'ledger.db'}"
    with EmbeddedLedger(url) as ledger:
        bank = Bank(url, ledger.url)
        bank.set_item("soap", 25)
        yield bank


def test_the_document_names_the_kiosk_key_the_idempotency_key_and_error_codes(
    served: Bank,
) -> None:
    doc = requests.get(served.url + "/openapi.json", timeout=30).json()
    assert doc["components"]["securitySchemes"]["kioskKey"]["scheme"] == "bearer"
    hold = doc["paths"]["/v1/holds"]["post"]
    assert hold["security"] == [{"kioskKey": []}]
    header = next(p for p in hold["parameters"] if p["name"] == "Idempotency-Key")
    assert header["required"] is True
    assert "insufficient_funds" in hold["responses"]["402"]["description"]
    assert "$ref" in str(hold["requestBody"])
    pairing_poll = doc["paths"]["/v1/pairings/{pairing_id}"]["get"]["responses"]
    assert "slow_down" in pairing_poll["429"]["description"]


def operations(bank: Bank) -> list[Any]:
    schema = schemathesis.openapi.from_url(bank.url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def check_every_operation(bank: Bank, max_examples: int) -> None:
    """Send `max_examples` generated requests per operation; each answer must keep to the
    document. tests/reliability/test_ledger_schema_slow.py runs it with many more."""
    auth = {"Authorization": f"Bearer {bank.key}"}
    # The phone's pages (/m/) are probed by tests/ledger/test_openapi_phone.py, as a phone.
    found = [op for op in operations(bank) if op.path.startswith("/v1/")]
    assert len(found) >= 11  # every /v1 route of the contract
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=max_examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=auth, excluded_checks=NOT_FOR_IDEMPOTENT_CALLS)

        check()


def test_no_generated_request_makes_the_ledger_fail(served: Bank) -> None:
    check_every_operation(served, MAX_EXAMPLES)
