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
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scan_floor import durable_commit, round_trip  # beside this script
from scan_site import PHASES, ScanSite, VendTiming

from drivers.lockboard.kerong import codec as kerong

TARGET_P95_MS = 150.0
TARGET_RATIO = 3.0
ROUND_TRIPS = 300  # bare round trips sampled per run
COMMITS = 200  # durable commits sampled per run
# Journalled before the unlock, each its own durable commit (docs/architecture.md, "The vend
# transaction").
JOURNAL_WRITES = ("intent", "held", "unlocking")


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(rig: ScanSite, timings: list[VendTiming], rtt: float, commit: float) -> dict[str, Any]:
    """One run's figures, in milliseconds. The pty hands the kiosk's command bytes to the board
    at once; a line at the baud would not, so their wire time is added to what was observed
    (and is part of the floor too). The board's answers were paced by the simulator.
    `rtt`, `commit`: a bare round trip's and a durable commit's median seconds (scan_floor)."""
    char = 10 / rig.board_baud  # 8N1: start + 8 data + stop bits
    cmd_bytes, answer_bytes = kerong.COMMAND_LENGTH, kerong.REPLY_LENGTH
    latency = [(t.observed + t.commands * cmd_bytes * char) * 1000 for t in timings]
    wire = [(t.commands * cmd_bytes + t.answers * answer_bytes) * char * 1000 for t in timings]
    http = [len(t.requests) * rtt * 1000 for t in timings]
    floor = [w + h for w, h in zip(wire, http, strict=True)]
    ledger = [sum(ms for _, ms in t.requests) for t in timings]  # its middleware's clock
    # Each POST the ledger answered is one durable write; GETs only read.
    writes = [
        len(JOURNAL_WRITES) + sum(r.startswith("POST") for r, _ in t.requests) for t in timings
    ]
    durable = [f + w * commit * 1000 for f, w in zip(floor, writes, strict=True)]
    client = [t.client_http * 1000 for t in timings]
    beyond = [c - g - h for c, g, h in zip(client, ledger, http, strict=True)]
    journal = [t.journal * 1000 for t in timings]
    other = [x - w - c - j for x, w, c, j in zip(latency, wire, client, journal, strict=True)]
    p95, floor_p50 = pct(latency, 95), statistics.median(floor)
    routes = sorted({r for t in timings for r, _ in t.requests})
    phases = [t.phases for t in timings if t.phases]
    return {
        "vends": len(timings),
        "p50_ms": statistics.median(latency),
        "p95_ms": p95,
        "p99_ms": pct(latency, 99),
        "max_ms": max(latency),
        "observed_p50_ms": statistics.median(t.observed * 1000 for t in timings),
        "floor_p50_ms": floor_p50,
        "ratio_p95_floor": p95 / floor_p50,
        "commit_ms": commit * 1000,
        "durable_writes_p50": statistics.median(writes),
        "floor_with_commits_p50_ms": statistics.median(durable),
        "ratio_p95_floor_with_commits": p95 / statistics.median(durable),
        "wire_p50_ms": statistics.median(wire),
        "bare_http_p50_ms": statistics.median(http),
        "bare_rtt_p50_ms": rtt * 1000,
        "ledger_own_p50_ms": statistics.median(ledger),
        "http_beyond_p50_ms": statistics.median(beyond),
        "journal_p50_ms": statistics.median(journal),
        "kiosk_other_p50_ms": statistics.median(other),
        "http_calls_p50": statistics.median(len(t.requests) for t in timings),
        "board_frames_p50": statistics.median(t.commands + t.answers for t in timings),
        "routes": dict(Counter(r for t in timings for r, _ in t.requests)),
        "ledger_ms_p50": {
            r: statistics.median(ms for t in timings for seen, ms in t.requests if seen == r)
            for r in routes
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
        # The floors with the kiosk still running (idle) in this same process, on the same disk.
        rtt, commit = round_trip(ROUND_TRIPS), durable_commit(Path(folder), COMMITS)
        figures = measure(rig, timings, rtt, commit)
        code_bytes = len(f"tb1:{rig.codes.people[0][0]}:") + 8 + 2  # 8-digit code, CR LF
        scanner_baud = rig.runtime.config.scanner.baud if rig.runtime else 9600
    figures["scanner_line_ms"] = code_bytes * 10 / scanner_baud * 1000
    figures["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return figures


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (the ratio too: the median of the runs' ratios)."""
    keys = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    out: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in keys}
    for group in ("phases_p50_ms", "ledger_ms_p50"):
        names = runs[0][group]
        out[group] = {n: statistics.median(r[group].get(n, 0.0) for r in runs) for n in names}
    out["target_met"] = out["p95_ms"] < TARGET_P95_MS and out["ratio_p95_floor"] < TARGET_RATIO
    return out


def table(runs: list[dict[str, Any]], med: dict[str, Any]) -> str:
    lines = [
        "| run | vends | p50 ms | p95 ms | p99 ms | floor p50 ms | p95 / floor "
        "| floor + commits p50 ms | p95 / (floor + commits) | load avg |",
        "|---" * 10 + "|",
    ]
    for name, r in [*((str(i), r) for i, r in enumerate(runs, 1)), ("median", med)]:
        load = "" if name == "median" else f"{r['load_average'][0]}–{r['load_average'][1]}"
        lines.append(
            f"| {name} | {r['vends']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['floor_p50_ms']:.1f} | {r['ratio_p95_floor']:.2f} "
            f"| {r['floor_with_commits_p50_ms']:.1f} | {r['ratio_p95_floor_with_commits']:.2f} "
            f"| {load} |"
        )
    calls = ", ".join(f"{r} {ms:.1f}" for r, ms in med["ledger_ms_p50"].items())
    lines += [
        "",
        "| where the median vend's time goes (each row's median over vends, then over runs) | ms |",
        "|---|---|",
        f"| floor: wire time of {med['board_frames_p50']:g} board frame(s) | "
        f"{med['wire_p50_ms']:.1f} |",
        f"| floor: {med['http_calls_p50']:g} bare loopback round trips of "
        f"{med['bare_rtt_p50_ms']:.2f} ms | {med['bare_http_p50_ms']:.1f} |",
        f"| the ledger's own work, by its access log ({calls}) | {med['ledger_own_p50_ms']:.1f} |",
        "| HTTP beyond the bare round trip and the ledger's own work (the kiosk's client, "
        f"the ledger's server stack outside its timer) | {med['http_beyond_p50_ms']:.1f} |",
        f"| the kiosk's journal writes ({len(JOURNAL_WRITES)} durable commits; a bare one "
        f"takes {med['commit_ms']:.2f} ms) | {med['journal_p50_ms']:.1f} |",
        "| the kiosk's other work (scanner hand-over, views, inventory, event log, "
        f"threads) | {med['kiosk_other_p50_ms']:.1f} |",
        "",
        "| phase (views the kiosk published; medians of runs) | ms |",
        "|---|---|",
    ]
    lines += [f"| {name} | {ms:.1f} |" for name, ms in med["phases_p50_ms"].items()]
    return "\n".join(lines)


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
