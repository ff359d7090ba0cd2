"""A fault-injecting HTTP proxy on loopback between the kiosk and the ledger.

The kiosk's ledger URL points here; requests pass through to the real ledger unless a fault
is set: `down` (the connection is dropped unanswered), `slow` (the answer comes after
`delay` seconds), `error` (503 without reaching the ledger), `lose_response` (the ledger
commits, the answer is dropped), `reset` (the connection is reset with a TCP RST before the
request reaches the ledger). A fault can be limited to paths starting with `only` and to the
next `times` requests. `chaos()` instead gives each request a fault at random, at a set rate.

    python -m sim.ledger_proxy --upstream http://127.0.0.1:8080 [--port P]
"""

from __future__ import annotations

import argparse
import enum
import http.client
import random
import socket
import struct
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Fault(enum.Enum):
    NONE = "none"
    DOWN = "down"
    SLOW = "slow"
    ERROR = "error"
    LOSE_RESPONSE = "lose_response"
    RESET = "reset"


@dataclass
class _Rule:
    fault: Fault
    delay: float
    only: str
    times: int | None  # None: until cleared


class LedgerProxy:
    """Forwards to `upstream`; `url` is where the kiosk should send its requests."""

    def __init__(self, upstream: str, host: str = "127.0.0.1", port: int = 0) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._rule = _Rule(Fault.NONE, 0.0, "", None)
        self._lock = threading.Lock()
        self._chaos: _Chaos | None = None
        # (method, path, what the proxy did) for the latest requests; `counts()` for all of them
        self.seen: deque[tuple[str, str, str]] = deque(maxlen=10_000)
        self._counts: Counter[str] = Counter()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms a request), which no real server adds.
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                proxy._serve(self)

            do_GET = do_POST = do_DELETE = do_PUT = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LedgerProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LedgerProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(
        self, fault: Fault, *, delay: float = 0.0, only: str = "", times: int | None = None
    ) -> None:
        """Set the fault for requests whose path starts with `only` (all by default)."""
        with self._lock:
            self._rule = _Rule(fault, delay, only, times)

    def clear(self) -> None:
        with self._lock:
            self._chaos = None
        self.inject(Fault.NONE)

    def chaos(
        self,
        rate: float,
        faults: tuple[Fault, ...] = (
            Fault.DOWN,
            Fault.SLOW,
            Fault.ERROR,
            Fault.LOSE_RESPONSE,
            Fault.RESET,
        ),
        *,
        delay: float = 0.5,
        only: str = "",
        seed: int | None = None,
    ) -> None:
        """From now on each request (under `only`) meets one of `faults`, with probability
        `rate`, chosen at random; `seed` makes the sequence repeatable."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"chaos rate must be within 0..1, not {rate}")
        if Fault.NONE in faults or not faults:
            raise ValueError("chaos needs at least one real fault")
        with self._lock:
            self._chaos = _Chaos(rate, faults, delay, only, random.Random(seed))

    def counts(self) -> dict[str, int]:
        """How many requests met each fault so far ("none": passed through)."""
        with self._lock:
            return dict(self._counts)

    def status(self) -> dict[str, Any]:
        with self._lock:
            r = self._rule
            return {"url": self.url, "fault": r.fault.value, "only": r.only, "times": r.times}

    def _fault_for(self, path: str) -> _Rule | None:
        with self._lock:
            c = self._chaos
            if c is not None:
                if not path.startswith(c.only) or c.rng.random() >= c.rate:
                    return None
                return _Rule(c.rng.choice(c.faults), c.delay, c.only, None)
            r = self._rule
            if r.fault is Fault.NONE or not path.startswith(r.only) or r.times == 0:
                return None
            if r.times is not None:
                r.times -= 1
            return _Rule(r.fault, r.delay, r.only, r.times)

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        rule = self._fault_for(h.path)
        fault = rule.fault if rule else Fault.NONE
        self.seen.append((h.command, h.path, fault.value))
        with self._lock:
            self._counts[fault.value] += 1
        if fault is Fault.DOWN:
            h.close_connection = True
            h.connection.close()
            return
        if fault is Fault.RESET:
            h.close_connection = True
            # Linger on with a zero timeout: close() sends RST instead of FIN.
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
            return
        if fault is Fault.ERROR:
            _answer(h, 503, {"content-type": "application/json"}, b'{"error": "unavailable"}')
            return
        status, headers, answer = self._forward(h, body)
        if fault is Fault.LOSE_RESPONSE:
            h.close_connection = True
            h.connection.close()  # the ledger committed; the kiosk hears nothing
            return
        if fault is Fault.SLOW and rule is not None:
            time.sleep(rule.delay)
        _answer(h, status, headers, answer)

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP_BY_HOP}
            conn.request(h.command, h.path, body=body or None, headers=headers)
            r = conn.getresponse()
            answer = r.read()
            kept = {k: v for k, v in r.getheaders() if k.lower() not in _HOP_BY_HOP}
            return r.status, kept, answer
        finally:
            conn.close()


@dataclass
class _Chaos:
    rate: float
    faults: tuple[Fault, ...]
    delay: float
    only: str
    rng: random.Random


def _answer(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
    h.send_response(status)
    for k, v in headers.items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.ledger_proxy", description=__doc__)
    p.add_argument("--upstream", required=True, help="the real ledger's URL")
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args(argv)
    with LedgerProxy(args.upstream, port=args.port) as proxy:
        print(proxy.url, flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
