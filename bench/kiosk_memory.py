"""Memory and main-thread stalls: the real kiosk app (UI included, offscreen) in a process of its
own, driven through N vends by a member tapping its screen (bench/kiosk_driven.py), on a
simulated site (ledger, lock board, scanner, a visitor who takes each item) that runs in THIS
process. Reports the kiosk's RSS after the 100th and the last vend beside a bare Kivy window's
(bench/bare_kivy.py, same environment, measured before and after the kiosk in the same run),
and the Kivy main thread's frame intervals while the visits run. Afterwards the ledger's holds
are audited: every vend the kiosk reports handed out is one captured hold and one item gone.

    python -m bench.kiosk_memory [--vends 1000] [--screenshot PNG]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.app_harness import (
    BENCH,
    BenchSite,
    NotifyListener,
    bare_kivy_command,
    compile_bytecode,
    kivy_env,
    load_average,
    machine,
    median,
    rss_mib,
    stop,
)
from sim.visitor import Visitor

TARGET_RATIO = 1.6
TARGET_GROWTH = 0.10
TARGET_FRAME_MS = 50.0
STOCK = 2_000  # items per locker: more than a long run takes
HOURS = 10_000  # volunteer hours per member: 100,000 coins, more than a long run spends
VEND_TIMINGS = {"door_open_timeout": 5.0, "poll_interval": 0.05}  # a quick visitor
BARE_SETTLE_S = 5.0


def bare_rss(folder: Path, kivy_home: Path) -> float:
    """A bare Kivy window's RSS, BARE_SETTLE_S after its first frame."""
    notify = NotifyListener(folder / "notify-bare")
    child = subprocess.Popen(
        bare_kivy_command(),
        env=kivy_env(kivy_home, notify.path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        notify.wait_ready(child)
        time.sleep(BARE_SETTLE_S)
        return rss_mib(child.pid)
    finally:
        stop(child)
        notify.close()


def drive_kiosk(site: BenchSite, cards: list[str], args: Any, folder: Path) -> dict[str, Any]:
    """Run the driven kiosk to its end; present a card to the scanner whenever it asks."""
    command = [sys.executable, str(BENCH / "kiosk_driven.py"), str(site.config_path)]
    # The first RSS reading: after the 100th vend (earlier in a short run).
    command += ["--vends", str(args.vends), "--mark", str(min(100, args.vends // 2))]
    if args.screenshot:
        command += ["--screenshot", str(Path(args.screenshot).resolve())]
    if args.no_flush:
        command.append("--no-flush")
    log = folder / "kiosk.log"
    turn = itertools.cycle(cards)
    result: dict[str, Any] = {}
    with log.open("w") as err:
        child = subprocess.Popen(
            command,
            env=kivy_env(folder / "kivy-kiosk"),
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        assert child.stdout is not None
        for line in child.stdout:
            kind, _, payload = line.strip().partition(" ")
            if kind == "SCAN":
                site.scanner.present(next(turn))
            elif kind == "MARK":
                print(f"  {payload}  (load {load_average()})", flush=True)
            elif kind == "RESULT":
                result = json.loads(payload)
        code = child.wait(60)
    if not result or result["errors"] or code != 0:
        print(log.read_text()[-4000:], file=sys.stderr)
        raise RuntimeError(f"the driven kiosk failed (exit {code}): {result.get('errors')}")
    return result


def audit(site: BenchSite, visitor: Visitor, result: dict[str, Any], stock_before: int) -> str:
    """The ledger, the cabinet and the kiosk's own count agree on what was handed out."""
    states = [h["state"] for h in site.holds()]
    captured, open_holds = states.count("captured"), states.count("held")
    gone = stock_before - site.items_left()
    agree = captured == result["handed_out"] == visitor.took == gone and open_holds == 0
    line = (
        f"{result['vends']} vends in {result['visits']} visits; kiosk says handed out "
        f"{result['handed_out']}, ledger captured {captured} (voided {states.count('voided')}, "
        f"open {open_holds}), visitor took {visitor.took}, cabinet lost {gone}"
    )
    if not agree:
        raise RuntimeError("disagreement: " + line)
    return line


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vends", type=int, default=1000)
    ap.add_argument("--screenshot", help="save the last result screen here (PNG)")
    ap.add_argument(
        "--no-flush",
        action="store_true",
        help="leave the offscreen window's swaps unflushed (bench/kiosk_probes.py)",
    )
    ap.add_argument("--keep", help="work in this folder and keep it (logs, ledger, journal)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = Path(args.keep or tmp)
        bare_home = folder / "kivy-bare"
        with BenchSite(folder / "site", stock=STOCK, **VEND_TIMINGS) as site:
            cards = [site.fund_with_card(name, HOURS) for name in ("王阿姨", "李伯伯")]
            stock_before = site.items_left()
            # A person takes a while at the door: longer than the kiosk's poll interval.
            visitor = Visitor(site.cabinet, random.Random(9), reach=0.25).start()
            print(f"load average at start: {load_average()}")
            compile_bytecode(kivy_env(bare_home))
            bare_rss(folder, bare_home)  # a warm-up: Kivy writes its KIVY_HOME
            bare = [bare_rss(folder, bare_home)]
            started = time.monotonic()
            result = drive_kiosk(site, cards, args, folder)
            took = time.monotonic() - started
            bare.append(bare_rss(folder, bare_home))
            visitor.stop()
            checked = audit(site, visitor, result, stock_before)
            print(f"load average at end: {load_average()}")
    report(result, bare, took, checked)
    return 0


def report(result: dict[str, Any], bare: list[float], took: float, checked: str) -> None:
    frames = result["frames"]
    kiosk, at_mark, bare_mib = result["rss_end_mib"], result["rss_mark_mib"], median(bare)
    ratio, growth = kiosk / bare_mib, kiosk / at_mark - 1
    vends = result["vends"]
    print(f"\n{machine()}\n{checked}; {took:.0f} s, {vends / took:.1f} vends/s\n")
    print("| figure | measured | target | met? |")
    print("|---|---|---|---|")
    print(f"| kiosk RSS after {vends} vends (attract screen) | {kiosk:.1f} MiB | - | - |")
    print(f"| kiosk peak RSS (VmHWM, mid-visit) | {result['rss_peak_mib']:.1f} MiB | - | - |")
    print(f"| bare Kivy window RSS (median of {len(bare)}) | {bare_mib:.1f} MiB | - | - |")
    print(
        f"| kiosk / bare Kivy | {ratio:.2f}x | < {TARGET_RATIO}x | {_yes(ratio < TARGET_RATIO)} |"
    )
    print(
        f"| growth, vend {result['mark']} ({at_mark:.1f} MiB) to {vends} | {growth * 100:+.1f} % "
        f"| < {TARGET_GROWTH * 100:.0f} % | {_yes(growth < TARGET_GROWTH)} |"
    )
    worst = frames["max_ms"]
    print(
        f"| longest frame while vending | {worst:.0f} ms | < {TARGET_FRAME_MS:.0f} ms "
        f"| {_yes(worst < TARGET_FRAME_MS)} |"
    )
    print(f"| frame p99 | {frames['p99_ms']} ms | - | - |")
    print(f"| frames > 50 ms | {frames['over_50ms']} of {frames['frames']} | - | - |")
    print(f"\nkiosk RSS at ready {result['rss_ready_mib']:.1f} MiB; bare runs {bare}")
    print(f"frames > 50 ms by the screen they ended on: {frames['over_50ms_by_screen']}")
    print(f"slowest frames (ms, where): {frames['slowest']}")
    if result.get("screenshot"):
        print(f"screenshot of the last result: {result['screenshot']}")


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"


if __name__ == "__main__":
    sys.exit(main())
