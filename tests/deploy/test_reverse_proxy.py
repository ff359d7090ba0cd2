"""The shipped reverse proxy (deploy/nginx), started for real in front of a real ledger and probed
over HTTPS: requests pass with the client's scheme, oversized bodies and floods are refused in
the contract's JSON, and 1,100 slowloris connections from one address neither lock another
client out nor outlive the header timeout. Also what uvicorn alone does (it cannot resist)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme
from prometheus_client.parser import text_string_to_metric_families

from ledger import bodies, kiosks
from ledger.cli import with_book
from ledger.web import coin_pages
from tests.deploy.conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
RENDER = REPO / "deploy" / "nginx" / "render-ledger-proxy.sh"
TEMPLATE = REPO / "deploy" / "nginx" / "timebank-ledger.conf.in"
LEDGER = Path(sys.executable).parent / "timebank-ledger"
HEADER_TIMEOUT_S = 8  # small, so the test ends soon; the template's default is 10 s
SLOWLORIS = 1_100
# What nginx needs in its main context for 1,100 idle connections (install-ledger.sh --proxy
# raises Debian's worker_connections 768 to this).
WORKER_CONNECTIONS = 4096


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Any, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not come up within {timeout} s")


@dataclass
class Ledger:
    url: str
    db_url: str
    process: subprocess.Popen[bytes]

    def requests_seen(self, route: str) -> float:
        """How many requests to `route` the ledger has answered (its own /metrics)."""
        text = requests.get(self.url + "/metrics", timeout=10).text
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "ledger_http_requests_total" and sample.labels["route"] == route
        )


def start_ledger(tmp: Path, *serve_args: str) -> Ledger:
    port = free_port()
    db_url = f"sqlite:///{tmp / 'ledger.db'}"
    env = {**os.environ, "TIMEBANK_LEDGER_HOME": str(tmp)}
    log = (tmp / f"ledger-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(LEDGER), "--db", db_url, "serve", "--port", str(port), *serve_args],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: requests.get(url + "/v1/health", timeout=1).ok, "the ledger")
    return Ledger(url, db_url, process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    running = start_ledger(tmp_path_factory.mktemp("ledger"))
    yield running
    stop(running.process)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 (trustme), as nginx and clients read them."""
    where = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "ledger.test")
    paths = {"ca": where / "ca.pem", "cert": where / "cert.pem", "key": where / "key.pem"}
    ca.cert_pem.write_to_path(str(paths["ca"]))
    paths["cert"].write_bytes(b"".join(pem.bytes() for pem in issued.cert_chain_pems))
    issued.private_key_pem.write_to_path(str(paths["key"]))
    return paths


@dataclass
class Proxy:
    url: str
    port: int
    ca: Path
    log: Path

    def get(self, path: str, **kw: Any) -> requests.Response:
        return requests.get(self.url + path, verify=str(self.ca), timeout=10, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return requests.post(self.url + path, verify=str(self.ca), timeout=30, **kw)


def render(upstream: str, listen: str, certs: dict[str, Path], *options: str) -> str:
    args = ["--server-name", "ledger.test", "--cert", str(certs["cert"])]
    args += ["--cert-key", str(certs["key"]), "--listen", listen, "--upstream", upstream]
    done = subprocess.run(
        ["bash", str(RENDER), *args, *options], capture_output=True, text=True, check=True
    )
    return done.stdout


def nginx_path() -> str:
    # /usr/sbin is not on every user's PATH.
    return shutil.which("nginx", path="/usr/sbin") or require_tool("nginx", "nginx-light")


def start_nginx(where: Path, site: str) -> subprocess.Popen[bytes]:
    """nginx in the foreground with every path under `where` (no root, no /var/log)."""
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (where / temp).mkdir(parents=True, exist_ok=True)
    (where / "timebank-ledger.conf").write_text(site)
    (where / "nginx.conf").write_text(
        f"""daemon off;
master_process off;
worker_rlimit_nofile 8192;
pid {where}/nginx.pid;
error_log {where}/error.log info;
events {{ worker_connections {WORKER_CONNECTIONS}; }}
http {{
    access_log {where}/access.log;
    client_body_temp_path {where}/body;
    proxy_temp_path {where}/proxy;
    fastcgi_temp_path {where}/fastcgi;
    uwsgi_temp_path {where}/uwsgi;
    scgi_temp_path {where}/scgi;
    include {where}/timebank-ledger.conf;
}}
"""
    )
    command = [nginx_path(), "-p", str(where), "-e", str(where / "error.log"), "-c"]
    checked = subprocess.run([*command, str(where / "nginx.conf"), "-t"], capture_output=True)
    assert checked.returncode == 0, checked.stderr.decode()
    return subprocess.Popen([*command, str(where / "nginx.conf")], stderr=subprocess.DEVNULL)


@pytest.fixture
def proxy_factory(tmp_path: Path, ledger: Ledger, certs: dict[str, Path]) -> Iterator[Any]:
    nginx_path()
    started: list[subprocess.Popen[bytes]] = []

    def start(*options: str) -> Proxy:
        port = free_port()
        where = tmp_path / f"nginx-{port}"
        upstream = ledger.url.removeprefix("http://")
        started.append(start_nginx(where, render(upstream, f"127.0.0.1:{port}", certs, *options)))
        proxy = Proxy(f"https://127.0.0.1:{port}", port, certs["ca"], where / "error.log")
        wait_for(lambda: proxy.get("/v1/health").ok, "nginx")
        return proxy

    yield start
    for process in started:
        stop(process)


@pytest.fixture
def proxy(proxy_factory: Any) -> Proxy:
    # Generous rates: these tests probe the other limits.
    return proxy_factory(
        "--header-timeout", f"{HEADER_TIMEOUT_S}s", "--rate", "500", "--burst", "500"
    )


def kiosk_key(ledger: Ledger) -> str:
    return with_book(ledger.db_url, lambda s: kiosks.add_kiosk(s, "Proxy test")[1])


# --- passing through --------------------------------------------------------------------------


def test_the_template_holds_the_ledgers_own_body_limits() -> None:
    text = TEMPLATE.read_text()
    assert f"client_max_body_size {bodies.SMALL_BODY_MAX // 1024}k;" in text
    assert f"client_max_body_size {bodies.EVENTS_BODY_MAX // (1024 * 1024)}m;" in text
    assert f"client_max_body_size {coin_pages.SHEET_BODY_MAX // 1024}k;" in text


def test_a_request_passes_through_and_the_ledger_knows_it_came_over_https(
    proxy: Proxy, ledger: Ledger
) -> None:
    health = proxy.get("/v1/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.headers["Strict-Transport-Security"].startswith("max-age=")
    key = {"Authorization": f"Bearer {kiosk_key(ledger)}"}
    # The pairing page's link is built from the scheme and host the proxy passes on; the
    # client's own X-Forwarded-Proto is overwritten, not believed.
    made = proxy.post("/v1/pairings", headers={**key, "X-Forwarded-Proto": "http"})
    assert made.status_code == 201, made.text
    assert made.json()["url"].startswith(f"https://127.0.0.1:{proxy.port}/pair/")
    direct = requests.post(ledger.url + "/v1/pairings", headers=key, timeout=10)
    assert direct.json()["url"].startswith(ledger.url + "/pair/")
    # The unauthenticated metrics stay on the ledger's own loopback port.
    hidden = proxy.get("/metrics")
    assert (hidden.status_code, hidden.json()["error"]) == (404, "not_found")
    assert requests.get(ledger.url + "/metrics", timeout=10).status_code == 200


# --- bodies -----------------------------------------------------------------------------------


def test_an_oversized_body_is_413_in_the_contracts_json_before_the_ledger_sees_it(
    proxy: Proxy, ledger: Ledger
) -> None:
    seen = ledger.requests_seen("/v1/holds")
    big = b'{"session": "' + b"s" * bodies.SMALL_BODY_MAX + b'"}'
    r = proxy.post("/v1/holds", data=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {
        "error": "too_large",
        "message": "the body is larger than this route takes",
    }
    assert ledger.requests_seen("/v1/holds") == seen  # refused by nginx alone
    small = proxy.post("/v1/holds", json={"session": "s"})
    assert small.status_code == 401  # a small one reaches the ledger (no kiosk key)
    assert ledger.requests_seen("/v1/holds") == seen + 1


def test_the_events_route_takes_a_kiosks_full_batch_but_no_more(
    proxy: Proxy, ledger: Ledger
) -> None:
    key = {"Authorization": f"Bearer {kiosk_key(ledger)}"}
    event = {"kind": "inventory", "at": "2024-05-01T08:00:00+08:00", "data": {"x": "y" * 9000}}
    batch = proxy.post("/v1/kiosks/me/events", json={"events": [event] * 200}, headers=key)
    assert batch.status_code == 202, batch.text  # ~1.8 MB: past 16 KiB, within 2 MiB
    over = proxy.post("/v1/kiosks/me/events", json={"events": [event] * 240}, headers=key)
    assert (over.status_code, over.json()["error"]) == (413, "too_large")


# --- floods -----------------------------------------------------------------------------------


def test_a_flood_from_one_address_gets_429_in_the_contracts_json(proxy_factory: Any) -> None:
    proxy = proxy_factory("--rate", "2", "--burst", "3")
    answers = [proxy.get("/v1/health") for _ in range(12)]
    refused = [r for r in answers if r.status_code == 429]
    assert refused and len(refused) < 12
    assert refused[0].json()["error"] == "too_many_requests"
    assert refused[0].headers["Retry-After"] == "1"


def test_requests_held_open_past_the_per_address_limit_get_429(proxy_factory: Any) -> None:
    proxy = proxy_factory("--connections", "4", "--rate", "500", "--burst", "500")
    context = ssl.create_default_context(cafile=str(proxy.ca))
    held = []
    for _ in range(4):  # whole headers, body never sent: each request is being served
        raw = socket.create_connection(("127.0.0.1", proxy.port), timeout=10)
        tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
        tls.sendall(b"POST /v1/holds HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
        held.append(tls)
    time.sleep(0.3)  # nginx reads the headers
    try:
        r = proxy.get("/v1/health")
        assert (r.status_code, r.json()["error"]) == (429, "too_many_requests")
    finally:
        for tls in held:
            tls.close()
    wait_for(lambda: proxy.get("/v1/health").status_code == 200, "the address's next request")


# --- slowloris --------------------------------------------------------------------------------


async def slowloris(port: int, ca: Path, count: int, probe: Any) -> dict[str, Any]:
    """`count` connections from 127.0.0.1 that never finish a request (most start one over TLS
    and add a header line every second; a tenth never start TLS), then `probe()` run while all
    are open. Returns when the server has closed every one (or 3x the header timeout)."""
    context = ssl.create_default_context(cafile=str(ca))
    opened_at: dict[int, float] = {}
    closed_at: dict[int, float] = {}
    writers: dict[int, asyncio.StreamWriter] = {}
    gate = asyncio.Semaphore(64)

    async def one(i: int) -> None:
        async with gate:
            tls = context if i % 10 else None
            # nginx's header timer starts at accept, before the TLS handshake, which under load
            # takes a while: a lifetime counts from the moment we connect.
            connecting_at = time.monotonic()
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=tls, server_hostname="127.0.0.1" if tls else None
            )
            opened_at[i] = connecting_at
            if tls:
                writer.write(b"POST /v1/holds HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            writers[i] = writer
        with contextlib.suppress(ConnectionError, ssl.SSLError, OSError):
            await reader.read()  # returns (or raises) when the server closes the connection
        closed_at[i] = time.monotonic()

    async def dribble() -> None:
        while True:
            await asyncio.sleep(1)
            for i, writer in list(writers.items()):
                if i % 10 and i not in closed_at and not writer.is_closing():
                    writer.write(b"X-Slow: still-coming\r\n")

    readers = [asyncio.create_task(one(i)) for i in range(count)]
    dribbler = asyncio.create_task(dribble())
    deadline = time.monotonic() + 60
    while len(opened_at) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    all_open = len(opened_at) == count and not closed_at
    open_before_probe = count - len(closed_at)
    answers = await asyncio.to_thread(probe)
    open_after_probe = count - len(closed_at)
    await asyncio.wait(readers, timeout=3 * HEADER_TIMEOUT_S)
    dribbler.cancel()
    for writer in writers.values():
        writer.close()
    lifetimes = [closed_at[i] - opened_at[i] for i in closed_at if i in opened_at]
    return {
        "opened": len(opened_at),
        "all_open_at_once": all_open,
        "open_before_probe": open_before_probe,
        "open_after_probe": open_after_probe,
        "closed": len(closed_at),
        "lifetimes": lifetimes,
        "answers": answers,
    }


def timed_requests(get: Any, count: int = 10) -> list[tuple[int, float]]:
    answers = []
    for _ in range(count):
        started = time.monotonic()
        r = get()
        answers.append((r.status_code, time.monotonic() - started))
    return answers


def test_slowloris_from_one_address_neither_locks_others_out_nor_outlives_the_header_timeout(
    proxy: Proxy,
) -> None:
    result = asyncio.run(
        slowloris(
            proxy.port, proxy.ca, SLOWLORIS, lambda: timed_requests(lambda: proxy.get("/v1/health"))
        )
    )
    assert result["opened"] == SLOWLORIS and result["all_open_at_once"], result["closed"]
    assert result["open_after_probe"] == SLOWLORIS  # the probe ran while every one was open
    statuses = [status for status, _ in result["answers"]]
    slowest = max(seconds for _, seconds in result["answers"])
    assert statuses == [200] * 10 and slowest < 2.0, result["answers"]
    # Every one closed by nginx, though most kept sending a header line a second.
    assert result["closed"] == SLOWLORIS
    assert min(result["lifetimes"]) > HEADER_TIMEOUT_S - 1.5
    assert max(result["lifetimes"]) < HEADER_TIMEOUT_S + 4


def test_uvicorn_alone_answers_503_once_half_sent_requests_fill_it_and_never_closes_them(
    tmp_path: Path,
) -> None:
    # What the ledger's own limits do without the proxy: --limit-concurrency turns a slowloris
    # into quick 503s for everyone (better than a hang, still a lock-out), and nothing closes a
    # half-sent request (uvicorn has no header timeout). Hence the proxy in front.
    bare = start_ledger(tmp_path, "--limit-concurrency", "30", "--timeout-keep-alive", "1")
    port = int(bare.url.rsplit(":", 1)[1])
    held = []
    try:
        for _ in range(30):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"POST /v1/holds HTTP/1.1\r\nHost: x\r\n")
            held.append(s)
        time.sleep(0.3)
        started = time.monotonic()
        r = requests.get(bare.url + "/v1/health", timeout=10)
        assert r.status_code == 503 and time.monotonic() - started < 2.0
        time.sleep(3)  # three times the keep-alive timeout
        for s in held:
            s.settimeout(0.01)
            with pytest.raises(TimeoutError):
                s.recv(1)  # nothing to read and not closed: still held open
    finally:
        for s in held:
            s.close()
        stop(bare.process)
