"""The ledger's v1 HTTP contract, spoken with requests (DESIGN.md, "Ledger HTTP contract").

Calls that carry an Idempotency-Key are retried by urllib3's Retry with the SAME key, also
after a lost answer; opening a session is retried only when the request never left (a phone
code is accepted once, so a blind retry would be refused as already used).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kiosk.core.errors import LedgerError, LedgerProtocolError, LedgerUnreachable
from kiosk.core.interfaces import CatalogItem, Hold, Member, MemberSession

log = logging.getLogger(__name__)


def _session(retry: Retry, key: str, verify: bool) -> requests.Session:
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["Authorization"] = f"Bearer {key}"
    s.headers["User-Agent"] = "timebank-kiosk"
    s.verify = verify
    return s


class LedgerClient:
    """Implements kiosk.core.interfaces.Ledger over HTTP."""

    def __init__(
        self,
        url: str,
        key: str,
        timeout: float = 5.0,
        verify_tls: bool = True,
        retries: int = 3,
        backoff: float = 0.2,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        status_retry = (502, 503, 504)
        # Same key, same body: the ledger answers a repeat with its stored first answer.
        self._idempotent = _session(
            Retry(
                total=retries,
                backoff_factor=backoff,
                status_forcelist=status_retry,
                allowed_methods=None,
                raise_on_status=False,
            ),
            key,
            verify_tls,
        )
        # Only connection failures: the request never reached the ledger, so it is safe.
        self._once = _session(
            Retry(
                total=retries,
                connect=retries,
                read=0,
                status=0,
                other=0,
                backoff_factor=backoff,
                allowed_methods=None,
                raise_on_status=False,
            ),
            key,
            verify_tls,
        )

    def close(self) -> None:
        self._idempotent.close()
        self._once.close()

    # --- the contract ------------------------------------------------------------------------

    def open_session(self, code: str, pin: str | None = None) -> MemberSession:
        body: dict[str, Any] = {"code": code}
        if pin is not None:
            body["pin"] = pin
        return _member_session(self._call(self._once, "POST", "/v1/sessions", body))

    def end_session(self, session: str) -> None:
        self._call(self._idempotent, "DELETE", f"/v1/sessions/{session}")

    def catalog(self) -> list[CatalogItem]:
        doc = self._call(self._idempotent, "GET", "/v1/catalog")
        try:
            return [
                CatalogItem(
                    str(i["sku"]),
                    str(i["name"]["zh"]),
                    str(i["name"]["en"]),
                    _int(i["price"], "price"),
                )
                for i in doc["items"]
            ]
        except (KeyError, TypeError) as e:
            raise LedgerProtocolError(f"catalog answer lacks {e}") from None

    def hold(self, session: str, sku: str, locker: str, price: int, key: str) -> Hold:
        body = {"session": session, "sku": sku, "locker": locker, "price": price}
        return _hold(self._call(self._idempotent, "POST", "/v1/holds", body, key=key))

    def capture(self, hold: str, key: str) -> Hold:
        return _hold(self._call(self._idempotent, "POST", f"/v1/holds/{hold}/capture", {}, key=key))

    def void(self, hold: str, reason: str, key: str) -> Hold:
        body = {"reason": reason}
        return _hold(self._call(self._idempotent, "POST", f"/v1/holds/{hold}/void", body, key=key))

    def get_hold(self, hold: str) -> Hold:
        return _hold(self._call(self._idempotent, "GET", f"/v1/holds/{hold}"))

    def health(self) -> bool:
        try:
            self._call(self._once, "GET", "/v1/health")
        except LedgerError:
            return False
        return True

    def send_event(self, kind: str, detail: dict[str, Any]) -> None:
        self._call(
            self._idempotent, "POST", "/v1/kiosks/me/events", {"kind": kind, "detail": detail}
        )

    # --- transport ---------------------------------------------------------------------------

    def _call(
        self,
        http: requests.Session,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": key} if key else {}
        try:
            r = http.request(
                method, self.url + path, json=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as e:
            raise LedgerUnreachable(f"{method} {path}: {type(e).__name__}: {e}") from None
        try:
            doc = r.json() if r.content else {}
        except ValueError:
            raise LedgerProtocolError(
                f"{method} {path} answered {r.status_code} with a body that is not JSON"
            ) from None
        if r.status_code >= 500:
            raise LedgerUnreachable(f"{method} {path} answered {r.status_code}")
        if r.status_code >= 400:
            if not isinstance(doc, dict) or not isinstance(doc.get("error"), str):
                raise LedgerProtocolError(
                    f"{method} {path} answered {r.status_code} without an error code"
                )
            raise LedgerError(doc["error"], str(doc.get("message", "")), r.status_code)
        if not isinstance(doc, dict):
            raise LedgerProtocolError(
                f"{method} {path} answered a JSON {type(doc).__name__}, not an object"
            )
        return doc


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LedgerProtocolError(f"{name} must be a whole number of coins, not {value!r}")
    return value


def _member_session(doc: dict[str, Any]) -> MemberSession:
    try:
        m = doc["member"]
        return MemberSession(
            session=str(doc["session"]),
            member=Member(str(m["id"]), str(m["name"]), str(m["role"])),
            balance=_int(doc["balance"], "balance"),
            expires_at=str(doc["expires_at"]),
        )
    except (KeyError, TypeError) as e:
        raise LedgerProtocolError(f"session answer lacks {e}") from None


def _hold(doc: dict[str, Any]) -> Hold:
    try:
        balance = doc.get("balance")
        return Hold(
            hold=str(doc["hold"]),
            state=str(doc["state"]),
            balance=None if balance is None else _int(balance, "balance"),
            expires_at=doc.get("expires_at"),
        )
    except (KeyError, TypeError) as e:
        raise LedgerProtocolError(f"hold answer lacks {e}") from None
