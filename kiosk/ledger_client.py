"""The ledger's v1 HTTP contract, spoken with requests (docs/protocols.md, "Ledger HTTP
contract").

Calls that carry an Idempotency-Key are retried by urllib3's Retry with the SAME key, also
after a lost answer; opening a session is retried only when the request never left (a phone
code is accepted once, so a blind retry would be refused as already used).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kiosk.core.errors import LedgerError, LedgerProtocolError, LedgerUnreachable, ledger_error
from kiosk.core.interfaces import CatalogItem, Hold, MemberSession, Pairing, PairingPoll
from kiosk.core.lots import LotInfo
from kiosk.core.reserved import Reservation
from kiosk.ledger_answers import (
    hold_answer,
    lot_answer,
    member_session,
    reservation_answer,
    seconds,
    whole_coins,
)

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
        self.retries = retries
        self.backoff = backoff
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
        return member_session(self._call(self._once, "POST", "/v1/sessions", body))

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
                    whole_coins(i["price"], "price"),
                )
                for i in doc["items"]
            ]
        except (KeyError, TypeError) as e:
            raise LedgerProtocolError(f"catalog answer lacks {e}") from None

    def hold(self, session: str, sku: str, locker: str, price: int, key: str) -> Hold:
        body = {"session": session, "sku": sku, "locker": locker, "price": price}
        doc = self._call(self._idempotent, "POST", "/v1/holds", body, key=key)
        return hold_answer(doc, expect="held")  # anything else must not open a locker

    def capture(self, hold: str, key: str, lot: str | None = None) -> Hold:
        body = {} if lot is None else {"lot": lot}  # absent for unlotted stock
        doc = self._call(self._idempotent, "POST", f"/v1/holds/{hold}/capture", body, key=key)
        return hold_answer(doc, expect="captured")

    def void(self, hold: str, reason: str, key: str) -> Hold:
        body = {"reason": reason}
        doc = self._call(self._idempotent, "POST", f"/v1/holds/{hold}/void", body, key=key)
        return hold_answer(doc, expect="voided")

    def get_hold(self, hold: str) -> Hold:
        return hold_answer(self._call(self._idempotent, "GET", f"/v1/holds/{hold}"))

    def await_count(self, hold: str) -> Hold:
        # Marking twice is harmless, so a retry after a lost answer needs no key.
        doc = self._call(self._idempotent, "POST", f"/v1/holds/{hold}/await-count", {})
        return hold_answer(doc, expect="held")

    # --- lots (issue 18; kiosk/core/lots.py) ------------------------------------------------

    def lot(self, code: str) -> LotInfo:
        return lot_answer(self._call(self._idempotent, "GET", f"/v1/kiosks/me/lots/{code}"))

    def restock_lot(self, code: str, locker: str, count: int, key: str) -> None:
        path = f"/v1/kiosks/me/lots/{code}/restock"
        self._call(self._idempotent, "POST", path, {"locker": locker, "count": count}, key=key)

    # --- reservations made on members' phones (kiosk/core/pickup.py) -------------------------

    def reservations(self) -> list[Reservation]:
        doc = self._call(self._idempotent, "GET", "/v1/kiosks/me/reservations")
        found = doc.get("reservations")
        if not isinstance(found, list):
            raise LedgerProtocolError("reservations answer lacks its list")
        return [reservation_answer(r) for r in found]

    def set_aside(self, reservation: str, locker: str, key: str) -> None:
        path = f"/v1/kiosks/me/reservations/{reservation}/set-aside"
        self._call(self._idempotent, "POST", path, {"locker": locker}, key=key)

    def refuse_reservation(self, reservation: str, reason: str, key: str) -> None:
        path = f"/v1/kiosks/me/reservations/{reservation}/refuse"
        self._call(self._idempotent, "POST", path, {"reason": reason}, key=key)

    def claim(self, reservation: str, session: str, key: str) -> Hold:
        path = f"/v1/kiosks/me/reservations/{reservation}/claim"
        doc = self._call(self._idempotent, "POST", path, {"session": session}, key=key)
        return hold_answer(doc, expect="held")  # anything else must not open a locker

    def create_pairing(self) -> Pairing:
        # Not retried blindly: a repeat would only make a second pairing nobody looks at.
        doc = self._call(self._once, "POST", "/v1/pairings", {})
        try:
            url = str(doc["url"])
            if not url.startswith(("http://", "https://")):
                raise LedgerProtocolError(f"pairing url {url!r} is not an absolute http(s) URL")
            return Pairing(
                str(doc["pairing"]), url, seconds(doc["expires_in"]), seconds(doc["interval"])
            )
        except (KeyError, TypeError) as e:
            raise LedgerProtocolError(f"pairing answer lacks {e}") from None

    def poll_pairing(self, pairing: str) -> PairingPoll:
        # A confirmed pairing hands its session out once: a lost answer cannot be fetched again,
        # so this is never retried after the request left.
        doc = self._call(self._once, "GET", f"/v1/pairings/{pairing}")
        state = doc.get("state")
        if state == "pending":
            return PairingPoll("pending")
        if state == "confirmed":
            return PairingPoll("confirmed", member_session(doc))
        raise LedgerProtocolError(f"pairing state {state!r} is neither pending nor confirmed")

    def send_events(self, events: list[dict[str, Any]]) -> int:
        """Send kiosk events (fault, alarm, self_test, inventory, ...); returns how many stored."""
        # The key is the batch's own digest: a batch resent after a lost answer is stored once.
        body = {"events": events}
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        doc = self._call(
            self._idempotent, "POST", "/v1/kiosks/me/events", body, key=f"events:{digest}"
        )
        stored = doc.get("stored", len(events))
        return stored if isinstance(stored, int) else len(events)

    def health(self) -> datetime:
        """The ledger's clock time. Raises LedgerUnreachable when it is down or unhealthy."""
        doc = self._call(self._once, "GET", "/v1/health")
        if doc.get("status") != "ok":
            raise LedgerUnreachable(f"ledger health is {doc.get('status')!r}")
        try:
            at = datetime.fromisoformat(str(doc["time"]))
        except (KeyError, ValueError):
            raise LedgerProtocolError("health answer lacks an ISO time") from None
        if at.tzinfo is None:
            raise LedgerProtocolError(f"health time {doc['time']!r} has no UTC offset")
        return at

    # --- transport ---------------------------------------------------------------------------

    def _call(
        self,
        http: requests.Session,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        for attempt in range(self.retries + 1):
            try:
                return self._call_once(http, method, path, body, key)
            except LedgerError as e:
                # The first request with this key is still running on the ledger: wait for it.
                if e.code != "request_in_progress" or attempt == self.retries:
                    raise
                time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _call_once(
        self,
        http: requests.Session,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        key: str | None,
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
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
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
            extra = {k: v for k, v in doc.items() if k not in ("error", "message")}
            retry_after = r.headers.get("Retry-After", "")
            if "retry_after" not in extra and retry_after.isascii() and retry_after.isdigit():
                extra["retry_after"] = int(retry_after)  # isdigit() alone passes "²"
            raise ledger_error(doc["error"], str(doc.get("message", "")), r.status_code, extra)
        if not 200 <= r.status_code < 300:  # e.g. a redirect from a captive portal
            raise LedgerProtocolError(f"{method} {path} answered {r.status_code}, not a success")
        if not isinstance(doc, dict):
            raise LedgerProtocolError(
                f"{method} {path} answered a JSON {type(doc).__name__}, not an object"
            )
        return doc
