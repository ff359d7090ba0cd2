"""/metrics: requests by route template and status, holds by outcome, and open holds."""

from __future__ import annotations

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.ledger.conftest import Bank


def scrape(bank: Bank) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = requests.get(bank.url + "/metrics", timeout=30)
    assert r.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(r.text)
        for sample in family.samples
    }


def holds(metrics: dict, outcome: str) -> float:
    return float(metrics.get(("ledger_holds_total", frozenset({("outcome", outcome)})), 0))


def test_holds_are_counted_by_outcome_once_each_and_open_holds_are_gauged(bank: Bank) -> None:
    member, secret = bank.add_member(coins=40)
    bank.set_item("soap", 25)
    session = bank.login(member, secret)
    kept = bank.hold(session, "soap", 25, idem="h-1").json()["hold"]
    assert bank.hold(session, "soap", 25, idem="h-1").status_code == 201  # a replay
    assert bank.hold(session, "soap", 25, idem="h-2").status_code == 402
    assert bank.hold(session, "soap", 25, idem="h-3").status_code == 402  # 15 left to spend

    before = scrape(bank)
    assert holds(before, "placed") == 1
    assert holds(before, "insufficient_funds") == 2
    assert before[("ledger_open_holds", frozenset())] == 1

    bank.call("POST", f"/v1/holds/{kept}/capture", idem="c-1")
    after = scrape(bank)
    assert holds(after, "captured") == 1
    assert after[("ledger_open_holds", frozenset())] == 0


def test_requests_are_counted_by_route_template_never_by_raw_path(bank: Bank) -> None:
    bank.call("GET", "/v1/holds/hSecretLookingId")
    bank.call("GET", "/v1/holds/hAnotherId")
    metrics = scrape(bank)
    labels = frozenset({("method", "GET"), ("route", "/v1/holds/{hold_id}"), ("status", "404")})
    assert metrics[("ledger_http_requests_total", labels)] == 2
    assert not any("hSecretLookingId" in str(key) for key in metrics)
    duration = (
        "ledger_http_request_duration_seconds_count",
        frozenset({("method", "GET"), ("route", "/v1/holds/{hold_id}")}),
    )
    assert metrics[duration] == 2
