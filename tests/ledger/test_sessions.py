"""Signing in with a phone code: right balance, replays refused, bad codes named."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import datetime

import pyotp
import pytest

from ledger import cli, totp
from ledger.db import Role
from ledger.totp import matching_step
from tests.ledger.conftest import Bank, phone_code

# RFC 6238 appendix B, SHA-256 seed, 8 digits: (unix time, expected TOTP).
RFC6238_SHA256_SEED = base64.b32encode(b"12345678901234567890123456789012").decode()
RFC6238_SHA256 = [
    (59, "46119246"),
    (1111111109, "68084774"),
    (1111111111, "67062674"),
    (1234567890, "91819424"),
    (2000000000, "90698825"),
    (20000000000, "77737706"),
]


@pytest.mark.parametrize(("at", "otp"), RFC6238_SHA256)
def test_totp_matches_the_rfc_6238_sha256_vectors(at: int, otp: str) -> None:
    assert matching_step(RFC6238_SHA256_SEED, otp, at) == at // 30


def test_totp_accepts_one_step_either_side_but_not_two() -> None:
    otp = "46119246"  # step 1
    assert matching_step(RFC6238_SHA256_SEED, otp, 59 + 30) == 1
    assert matching_step(RFC6238_SHA256_SEED, otp, 59 - 30) == 1
    assert matching_step(RFC6238_SHA256_SEED, otp, 59 + 60) is None


def test_a_valid_phone_code_opens_a_session_with_the_spendable_balance(bank: Bank) -> None:
    member, secret = bank.add_member(coins=120)
    r = bank.call("POST", "/v1/sessions", {"code": phone_code(member, secret)})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["member"] == {"id": member, "name": "测试 Test", "role": "member"}
    assert body["balance"] == 120
    assert isinstance(body["session"], str) and len(body["session"]) >= 20
    assert datetime.fromisoformat(body["expires_at"]).utcoffset() is not None


def test_a_technician_code_says_technician(bank: Bank) -> None:
    member, secret = bank.add_member(coins=0, role=Role.TECHNICIAN)
    r = bank.call("POST", "/v1/sessions", {"code": phone_code(member, secret)})
    assert r.json()["member"]["role"] == "technician"


def test_a_replayed_code_is_refused_with_code_used(bank: Bank) -> None:
    member, secret = bank.add_member(coins=10)
    code = phone_code(member, secret)
    assert bank.call("POST", "/v1/sessions", {"code": code}).status_code == 201
    r = bank.call("POST", "/v1/sessions", {"code": code})
    assert r.status_code == 409
    assert r.json()["error"] == "code_used"


def test_a_code_from_the_wrong_secret_is_invalid(bank: Bank) -> None:
    member, _ = bank.add_member(coins=10)
    r = bank.call("POST", "/v1/sessions", {"code": phone_code(member, pyotp.random_base32())})
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_code"


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("hello", "not a member code"),
        ("tb2:m123456:12345678", "not a member code"),
        ("tb1:m123456", "3 parts"),
        ("tb1:m123456:1234:5678", "3 parts"),
        ("tb1:123456:12345678", "member id"),
        ("tb1:mABCDEF:12345678", "member id"),
        ("tb1:m123456:1234567", "8 digits"),
        ("tb1:m123456:abcdefgh", "8 digits"),
        ("tb1:m000000:12345678", "wrong or too old"),  # as for a member who exists
        ("tbc1:c123:secret1234567890ab", "card id"),
        ("tbc1:c0123abcd", "3 parts"),
        ("tbc1:c0123abcd:short", "card secret"),
        ("tbc1:c0123abcd:secret1234567890ab", "not known"),
    ],
)
def test_a_malformed_code_is_invalid_and_says_why(bank: Bank, code: str, says: str) -> None:
    r = bank.call("POST", "/v1/sessions", {"code": code})
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_code"
    assert says in r.json()["message"]


@pytest.mark.parametrize("auth", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_a_missing_or_wrong_kiosk_key_is_unauthorized(bank: Bank, auth: str | None) -> None:
    import requests

    member, secret = bank.add_member(coins=10)
    headers = {"Authorization": auth} if auth else {}
    r = requests.post(
        bank.url + "/v1/sessions", json={"code": phone_code(member, secret)}, headers=headers
    )
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"


def test_a_session_of_another_kiosk_is_forbidden(bank: Bank) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    other_key = bank.add_kiosk("Other kiosk")
    session = bank.login(member, secret, key=other_key)
    r = bank.hold(session, "soap", 25)
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"


def test_an_ended_session_is_invalid(bank: Bank) -> None:
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    session = bank.login(member, secret)
    assert bank.call("DELETE", f"/v1/sessions/{session}").status_code == 204
    assert bank.call("DELETE", f"/v1/sessions/{session}").status_code == 204
    r = bank.hold(session, "soap", 25)
    assert r.status_code == 401
    assert r.json()["error"] == "session_expired"


def test_a_bad_body_is_422_bad_request_not_500(bank: Bank) -> None:
    for body in [{}, {"code": 5}, [], "x"]:
        r = bank.call("POST", "/v1/sessions", body)
        assert r.status_code == 422, body
        assert r.json()["error"] == "bad_request"
    r = bank.call("POST", "/v1/sessions", data=b"{not json", json=None)
    assert r.status_code == 422
    assert r.json()["error"] == "bad_request"


def test_a_phone_code_from_two_steps_ago_is_expired_and_invalid(bank: Bank) -> None:
    member, secret = bank.add_member(coins=10)
    otp = pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30)
    old = otp.at(int(time.time()) - 65)
    r = bank.call("POST", "/v1/sessions", {"code": f"tb1:{member}:{old}"})
    assert (r.status_code, r.json()["error"]) == (401, "invalid_code")
    assert "too old" in r.json()["message"]


def test_a_rotated_secret_refuses_codes_of_the_old_one(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, old_secret = bank.add_member(coins=10)
    assert cli.main(["--db", bank.db_url, "secret", "rotate", member, "--json"]) == 0
    new_secret = json.loads(capsys.readouterr().out)["secret"]
    assert new_secret != old_secret
    r = bank.call("POST", "/v1/sessions", {"code": phone_code(member, old_secret)})
    assert (r.status_code, r.json()["error"]) == (401, "invalid_code")
    assert bank.login(member, new_secret)


def test_a_revoked_secret_refuses_every_phone_code(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, secret = bank.add_member(coins=10)
    assert cli.main(["--db", bank.db_url, "secret", "revoke", member]) == 0
    assert "phone codes of" in capsys.readouterr().out
    r = bank.call("POST", "/v1/sessions", {"code": phone_code(member, secret)})
    assert (r.status_code, r.json()["error"]) == (401, "invalid_code")
    # Said as for any wrong code: "revoked" would tell that the member number exists.
    assert r.json()["message"] == totp.WRONG_CODE
    assert cli.main(["--db", bank.db_url, "member", "show", member, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["phone_code"] is False
