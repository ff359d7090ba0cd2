"""A loopback HTTP server that answers whatever it is told to (status, headers, body), standing in
for a ledger behind a broken proxy, a captive portal or a wrong service; and Hypothesis
strategies for such answers: JSON of the wrong shape, contract answers with one field wrong or
missing, HTML, truncated or thousands-deep JSON, huge numbers, odd headers.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hypothesis import strategies as st

MEMBER = {"id": "m000001", "name": "王阿姨", "role": "member"}
SESSION = {"session": "s1", "member": MEMBER, "balance": 120, "expires_at": "2026-01-01T08:00Z"}
HELD = {"hold": "h1", "state": "held", "balance": 100, "expires_at": "2026-01-02T08:00Z"}
# A valid answer of each call the kiosk makes, to be spoiled one field at a time.
CONTRACT: dict[str, dict[str, Any]] = {
    "open_session": SESSION,
    "catalog": {"items": [{"sku": "water", "name": {"zh": "水", "en": "Water"}, "price": 20}]},
    "hold": HELD,
    "capture": {"hold": "h1", "state": "captured"},
    "void": {"hold": "h1", "state": "voided"},
    "get_hold": {**HELD, "member": "m000001", "sku": "water", "price": 20, "locker": "0:2"},
    "create_pairing": {
        "pairing": "p1",
        "url": "http://x/pair/p1",
        "expires_in": 120,
        "interval": 2,
    },
    "poll_pairing": {"state": "confirmed", **SESSION},
    "send_events": {"stored": 1},
    "health": {"status": "ok", "time": "2026-01-01T08:00:00+00:00"},
    "refusal": {"error": "insufficient_funds", "message": "not enough coins"},
}


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None


class NonsenseLedger:
    """Answers every request with `answer`; `requests` counts what reached it."""

    def __init__(self) -> None:
        self.answer = Answer(200, b"{}")
        self.requests = 0
        ledger = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ledger.requests += 1
                answer = ledger.answer
                self.send_response(answer.status)
                for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_DELETE = _reply

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> NonsenseLedger:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --- answers ----------------------------------------------------------------------------------

nonsense_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.sampled_from([-1, 0, 2**63, float("nan"), float("inf"), -0.5, 1e308]),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["", "held", "captured", "voided", "confirmed", "pending", "ok", "²", "１"]),
    st.lists(st.integers(), max_size=2),
    st.just({"zh": None}),
)
json_anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=10,
)


def _spoil(doc: dict[str, Any], pick: int, value: Any, nested: bool) -> dict[str, Any]:
    """`doc` with one field (`pick`-th, one level down if `nested`) set to `value` or removed."""
    spoiled = json.loads(json.dumps(doc))
    tables = [v for v in spoiled.values() if isinstance(v, dict)]
    where = tables[pick % len(tables)] if nested and tables else spoiled
    target = sorted(where)[pick % len(where)]
    if value is ...:
        del where[target]
    else:
        where[target] = value
    return spoiled


spoiled_contract = st.builds(
    _spoil,
    st.sampled_from(sorted(CONTRACT)).map(CONTRACT.__getitem__),
    st.integers(0, 20),
    nonsense_values | st.just(...),
    st.booleans(),
)
bodies = st.one_of(
    spoiled_contract.map(lambda d: json.dumps(d, ensure_ascii=False).encode()),
    json_anything.map(lambda d: json.dumps(d).encode()),
    spoiled_contract.map(json.dumps).flatmap(
        lambda text: st.integers(0, len(text)).map(lambda n: text[:n].encode())  # truncated
    ),
    st.sampled_from(
        [
            b"",
            b"<html><body>Wi-Fi login</body></html>",
            b"[" * 50_000 + b"]" * 50_000,  # deeper than the JSON parser recurses
            b'{"balance": ' + b"7" * 5000 + b"}",  # more digits than int() takes
            b'{"hold": "h1", "state": "held", "balance": NaN}',
            b"\xff\xfe{}",
        ]
    ),
    st.binary(max_size=64),
)
statuses = st.sampled_from([200, 201, 204, 299, 301, 302, 304, 400, 401, 402, 404, 409, 410])
statuses |= st.sampled_from([418, 422, 423, 429, 500, 502, 503, 504, 599])
headers = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": st.sampled_from(["text/html", "application/json; charset=bogus"]),
        "Retry-After": st.sampled_from(["5", "-1", "²", "soon", "9" * 30]),  # latin-1 only
    },
)
answers = st.builds(Answer, statuses, bodies, headers)
