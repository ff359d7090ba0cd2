"""Kiosk events over HTTP: validated kinds, kept per kiosk, read by `timebank-ledger events`."""

from __future__ import annotations

import json

import pytest

from ledger import cli
from tests.ledger.conftest import Bank

AT = "2025-03-01T09:30:00+08:00"


def batch(*kinds: str, **data: object) -> dict[str, object]:
    return {"events": [{"kind": k, "at": AT, "data": dict(data)} for k in kinds]}


def read_events(bank: Bank, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    capsys.readouterr()
    assert cli.main(["--db", bank.db_url, "events", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)["events"]


def test_a_batch_of_events_is_accepted_with_202_and_counted(bank: Bank) -> None:
    r = bank.call("POST", "/v1/kiosks/me/events", batch("fault", "alarm", locker="0:3"))
    assert (r.status_code, r.json()) == (202, {"stored": 2})


def test_staff_read_events_back_per_kiosk_and_kind_with_the_kiosks_time(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    other = bank.add_kiosk("Second kiosk")
    bank.call("POST", "/v1/kiosks/me/events", batch("self_test", "inventory", ok=True))
    bank.call("POST", "/v1/kiosks/me/events", batch("alarm", door="0:2"), key=other)

    everything = read_events(bank, capsys)
    assert [e["kind"] for e in everything] == ["self_test", "inventory", "alarm"]
    assert everything[0]["at"] == "2025-03-01T01:30:00+00:00"  # the same instant, in UTC
    assert everything[0]["data"] == {"ok": True}

    alarms = read_events(bank, capsys, "--kind", "alarm")
    assert [(e["kind"], e["data"]) for e in alarms] == [("alarm", {"door": "0:2"})]
    second_kiosk = alarms[0]["kiosk"]
    assert [e["kind"] for e in read_events(bank, capsys, "--kiosk", second_kiosk)] == ["alarm"]


def test_the_text_listing_shows_one_line_per_event(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    bank.call("POST", "/v1/kiosks/me/events", batch("technician", action="restock"))
    capsys.readouterr()
    assert cli.main(["--db", bank.db_url, "events"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert "technician" in lines[0] and '"action": "restock"' in lines[0]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (batch("coffee_break"), "events.0.kind"),
        ({"events": [{"kind": "fault", "at": "2025-03-01T09:30:00"}]}, "events.0.at"),
        ({"events": [{"kind": "fault"}]}, "events.0.at"),
        ({"events": []}, "events"),
        ({"kind": "fault", "detail": {}}, "events"),
        ([{"kind": "fault", "at": AT}], "body"),
    ],
)
def test_a_malformed_batch_is_refused_naming_the_bad_field_and_nothing_is_stored(
    bank: Bank, capsys: pytest.CaptureFixture[str], body: object, where: str
) -> None:
    good = {"kind": "fault", "at": AT, "data": {}}
    if isinstance(body, dict) and body.get("events"):
        body = {"events": [good, *body["events"]]}  # type: ignore[dict-item]
        where = where.replace("events.0", "events.1")
    r = bank.call("POST", "/v1/kiosks/me/events", body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "bad_request"
    assert where in r.json()["message"]
    assert read_events(bank, capsys) == []


def test_an_unknown_kind_on_the_command_line_is_refused_with_the_known_kinds(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--db", bank.db_url, "events", "--kind", "coffee"]) == 2
    err = capsys.readouterr().err
    assert "'coffee'" in err and "self_test" in err


def test_a_retried_batch_with_the_same_idempotency_key_is_stored_once(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    body = batch("fault", code="E12")
    first = bank.call("POST", "/v1/kiosks/me/events", body, idem="ev-1")
    again = bank.call("POST", "/v1/kiosks/me/events", body, idem="ev-1")
    assert first.json() == again.json() == {"stored": 1}
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(read_events(bank, capsys)) == 1


def test_events_need_a_kiosk_key(bank: Bank) -> None:
    r = bank.call("POST", "/v1/kiosks/me/events", batch("fault"), key="tbk_nonsense")
    assert (r.status_code, r.json()["error"]) == (401, "unauthorized")
