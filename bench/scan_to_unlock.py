"""Scan to unlock: from the serial scanner's last byte to the unlock frame's last byte on the
board's wire, through the real kiosk (headless) with the board simulator paced at its baud and
the embedded ledger on loopback, beside the floor measured in the same run: the wire time of
the frames on the line in that interval plus as many bare loopback HTTP round trips (a raw
ASGI app on the ledger's own server stack, uvicorn + httptools + uvloop, with a keep-alive
requests.Session) as the kiosk made. How it is measured: bench/README.md and scan_site.py.

    python bench/scan_to_unlock.py [--runs 3] [--vends 100] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
import uvicorn
from scan_site import PHASES, ScanSite, VendTiming  # beside this script

from drivers.lockboard import kerong

TARGET_P95_MS = 150.0
TARGET_RATIO = 3.0
ROUND_TRIPS = 300  # bare round trips sampled per run
HOLD_BODY = {"session": "s" * 32, "sku": "tissues", "locker": "0:1", "price": 15}
ANSWER = json.dumps(
    {"hold": "h" * 32, "state": "held", "balance": 985, "expires_at": "2026-11-23T10:00:00+00:00"}
).encode()


async def bare_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the request, answers a fixed JSON body: HTTP with none of our code in it."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(ANSWER))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": ANSWER})


class BareServer:
    """bare_app on uvicorn in a thread of this process, configured as EmbeddedLedger is."""

    def __enter__(self) -> str:
        config = uvicorn.Config(bare_app, host="127.0.0.1", port=0, log_level="warning")
        config.lifespan = "off"
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def round_trips(url: str, n: int) -> list[float]:
    """n sequential POSTs on one kept-alive connection, as the kiosk's client makes them."""
    with requests.Session() as http:
        http.post(url + "/v1/holds", json=HOLD_BODY).raise_for_status()  # connect first
        times = []
        for _ in range(n):
            started = time.perf_counter()
            r = http.post(url + "/v1/holds", json=HOLD_BODY)
            r.raise_for_status()
            r.json()
            times.append(time.perf_counter() - started)
    return times


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(rig: ScanSite, timings: list[VendTiming], rtt: float) -> dict[str, Any]:
    """One run's figures, in milliseconds. The pty hands the kiosk's command bytes to the board
    at once; a line at the baud would not, so their wire time is added to what was observed
    (and is part of the floor too). The board's answers were paced by the simulator."""
    char = 10 / rig.board_baud  # 8N1: start + 8 data + stop bits
    cmd_bytes, answer_bytes = kerong.COMMAND_LENGTH, kerong.REPLY_LENGTH
    latency = [(t.observed + t.commands * cmd_bytes * char) * 1000 for t in timings]
    wire = [(t.commands * cmd_bytes + t.answers * answer_bytes) * char * 1000 for t in timings]
    floor = [w + len(t.requests) * rtt * 1000 for w, t in zip(wire, timings, strict=True)]
    p95, floor_p50 = pct(latency, 95), statistics.median(floor)
    phases = [t.phases for t in timings if t.phases]
    return {
        "vends": len(timings),
        "p50_ms": statistics.median(latency),
        "p95_ms": p95,
        "p99_ms": pct(latency, 99),
        "max_ms": max(latency),
        "floor_p50_ms": floor_p50,
        "ratio_p95_floor": p95 / floor_p50,
        "wire_p50_ms": statistics.median(wire),
        "bare_rtt_p50_ms": rtt * 1000,
        "http_calls_p50": statistics.median(len(t.requests) for t in timings),
        "board_frames_p50": statistics.median(t.commands + t.answers for t in timings),
        "routes": dict(Counter(r for t in timings for r, _ in t.requests)),
        "ledger_ms_p50": {
            route: statistics.median(ms for t in timings for r, ms in t.requests if r == route)
            for route in sorted({r for t in timings for r, _ in t.requests})
        },
        "phases_p50_ms": {
            name: statistics.median(p[name] for p in phases) * 1000 for name, _, _ in PHASES
        },
    }


def one_run(vends: int, warmup: int, gap: float, rng: random.Random) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder, ScanSite(Path(folder)) as rig:
        for _ in range(warmup):  # first connections, first SQLite pages, lazy imports
            rig.vend()
            time.sleep(gap)
        timings = []
        for _ in range(vends):
            # A pause between members, at random so background work (the 15 s health check,
            # the inventory event after each capture) lands anywhere in a vend, as it would.
            time.sleep(rng.uniform(gap, 2 * gap))
            timings.append(rig.vend())
        with BareServer() as url:  # the kiosk still running, idle, in this same process
            rtt = statistics.median(round_trips(url, ROUND_TRIPS))
        figures = measure(rig, timings, rtt)
        code_bytes = len(f"tb1:{rig.codes.people[0][0]}:") + 8 + 2  # 8-digit code, CR LF
        scanner_baud = rig.runtime.config.scanner.baud if rig.runtime else 9600
    figures["scanner_line_ms"] = code_bytes * 10 / scanner_baud * 1000
    figures["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return figures


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (the ratio too: the median of the runs' ratios)."""
    keys = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    out: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in keys}
    out["phases_p50_ms"] = {
        name: statistics.median(r["phases_p50_ms"][name] for r in runs) for name, _, _ in PHASES
    }
    out["target_met"] = out["p95_ms"] < TARGET_P95_MS and out["ratio_p95_floor"] < TARGET_RATIO
    return out


def table(runs: list[dict[str, Any]], med: dict[str, Any]) -> str:
    head = (
        "| run | vends | p50 ms | p95 ms | p99 ms | floor p50 ms | p95 / floor | wire ms "
        "| bare RTT ms | HTTP calls | board frames | load avg |\n" + "|---" * 12 + "|\n"
    )
    rows = []
    for name, r in [*((str(i), r) for i, r in enumerate(runs, 1)), ("median", med)]:
        load = "–" if name == "median" else f"{r['load_average'][0]}–{r['load_average'][1]}"
        rows.append(
            f"| {name} | {r['vends']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['floor_p50_ms']:.1f} | {r['ratio_p95_floor']:.2f} "
            f"| {r['wire_p50_ms']:.1f} | {r['bare_rtt_p50_ms']:.2f} | {r['http_calls_p50']:g} "
            f"| {r['board_frames_p50']:g} | {load} |"
        )
    phases = "\n| phase (median ms) | |\n|---|---|\n" + "\n".join(
        f"| {name} | {ms:.1f} |" for name, ms in med["phases_p50_ms"].items()
    )
    return head + "\n".join(rows) + "\n" + phases


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="each on a fresh site and kiosk")
    ap.add_argument("--vends", type=int, default=100, help="measured vends per run")
    ap.add_argument("--warmup", type=int, default=3, help="vends per run not measured")
    ap.add_argument("--gap", type=float, default=0.2, help="pause between members: gap..2*gap s")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = ap.parse_args()
    if args.vends < 2:
        ap.error("--vends must be at least 2 for percentiles")
    rng = random.Random(args.seed)
    runs = []
    for i in range(args.runs):
        runs.append(one_run(args.vends, args.warmup, args.gap, rng))
        if not args.json:
            print(f"run {i + 1}: p95 {runs[-1]['p95_ms']:.1f} ms", file=sys.stderr, flush=True)
    med = summary(runs)
    report = {
        "command": shlex.join(["python", "bench/scan_to_unlock.py", *sys.argv[1:]]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "target": {"p95_ms": TARGET_P95_MS, "ratio": TARGET_RATIO},
        "median": med,
        "runs": runs,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else table(runs, med))
    return 0


if __name__ == "__main__":
    sys.exit(main())
