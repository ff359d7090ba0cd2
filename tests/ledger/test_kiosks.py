"""Kiosks and their keys: listed for staff, and a revoked key gets 401 on every call."""

from __future__ import annotations

import json
import uuid

import pytest

from ledger import cli
from tests.ledger.conftest import Bank


def test_a_revoked_kiosk_key_is_refused_on_every_call(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    session = bank.login(member, secret)
    hold = bank.hold(session, "soap", 25).json()["hold"]
    assert cli.main(["--db", bank.db_url, "kiosk", "list", "--json"]) == 0
    (kiosk,) = json.loads(capsys.readouterr().out)["kiosks"]
    assert cli.main(["--db", bank.db_url, "kiosk", "revoke", kiosk["kiosk"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "revoked"

    calls = [
        ("POST", "/v1/sessions", {"code": "tb1:m000000:12345678"}),
        ("GET", "/v1/catalog", None),
        ("POST", "/v1/holds", {"session": session, "sku": "soap", "locker": "0:1", "price": 25}),
        ("POST", f"/v1/holds/{hold}/capture", None),
        ("POST", f"/v1/holds/{hold}/void", {"reason": "x"}),
        ("GET", f"/v1/holds/{hold}", None),
        ("DELETE", f"/v1/sessions/{session}", None),
    ]
    for method, path, body in calls:
        r = bank.call(method, path, body, idem=uuid.uuid4().hex)
        assert (r.status_code, r.json()["error"]) == (401, "unauthorized"), (method, path)
        assert "revoked" in r.json()["message"]


def test_kiosk_list_shows_active_and_revoked_kiosks(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = []
    for name in ("北门", "南门"):
        assert cli.main(["--db", db_url, "kiosk", "add", "--name", name, "--json"]) == 0
        ids.append(json.loads(capsys.readouterr().out)["kiosk"])
    assert cli.main(["--db", db_url, "kiosk", "revoke", ids[0]]) == 0
    capsys.readouterr()
    assert cli.main(["--db", db_url, "kiosk", "list", "--json"]) == 0
    listed = {
        k["kiosk"]: (k["name"], k["state"]) for k in json.loads(capsys.readouterr().out)["kiosks"]
    }
    assert listed == {ids[0]: ("北门", "revoked"), ids[1]: ("南门", "active")}
    assert cli.main(["--db", db_url, "kiosk", "revoke", "k000000"]) == 2
    assert "no kiosk 'k000000'" in capsys.readouterr().err
