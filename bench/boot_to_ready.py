"""Boot to ready: from starting the process (Popen) to READY=1 on $NOTIFY_SOCKET, which the
kiosk sends after the first frame of its attract screen is drawn. The real `kiosk run --config
FILE` (the systemd unit's ExecStart) on a simulated site that runs in THIS process, beside a
bare Kivy App with one Label (bench/bare_kivy.py) measured the same way. Runs alternate, so
both see the same load; the first run of each is a warm-up (Kivy writes its KIVY_HOME, Mesa
fills its shader cache) and is not counted.

    python bench/boot_to_ready.py [--runs 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.app_harness import (
    BenchSite,
    NotifyListener,
    bare_kivy_command,
    kiosk_command,
    kivy_env,
    load_average,
    machine,
    median,
    stop,
)

TARGET_S = 2.0
TARGET_RATIO = 2.5


def time_to_ready(
    command: list[str], env: dict[str, str], notify: NotifyListener, log: Path
) -> float:
    """Seconds from Popen to READY=1; the process is then stopped as systemd would stop it."""
    with log.open("a") as out:
        started = time.monotonic()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            return notify.wait_ready(child) - started
        except RuntimeError:
            print(log.read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            stop(child)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="counted runs of each (after a warm-up)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-boot-") as tmp:
        folder = Path(tmp)
        notify = NotifyListener(folder / "notify")
        with BenchSite(folder / "site") as site:
            kinds = {
                "kiosk": (
                    kiosk_command(site.config_path),
                    kivy_env(folder / "kivy-kiosk", notify.path),
                ),
                "bare Kivy": (bare_kivy_command(), kivy_env(folder / "kivy-bare", notify.path)),
            }
            times: dict[str, list[float]] = {kind: [] for kind in kinds}
            ratios: list[float] = []
            print(f"load average at start: {load_average()}")
            for run in range(args.runs + 1):
                # Each pair in turn order swapped, so neither always runs right after the other.
                order = list(kinds) if run % 2 == 0 else list(reversed(kinds))
                this = {}
                for kind in order:
                    command, env = kinds[kind]
                    this[kind] = time_to_ready(command, env, notify, folder / f"{kind}.log")
                line = "  ".join(f"{kind} {this[kind]:.2f} s" for kind in kinds)
                print(f"{'warm-up' if run == 0 else f'run {run}'}: {line}", flush=True)
                if run == 0:
                    continue
                for kind in kinds:
                    times[kind].append(this[kind])
                ratios.append(this["kiosk"] / this["bare Kivy"])
            print(f"load average at end: {load_average()}")
        notify.close()
    kiosk, bare = median(times["kiosk"]), median(times["bare Kivy"])
    ratio = median(ratios)
    print(f"\n{machine()}\n")
    print("| figure | measured (median) | target | met? |")
    print("|---|---|---|---|")
    print(
        f"| boot to ready, kiosk | {kiosk:.2f} s | < {TARGET_S:.1f} s | {_yes(kiosk < TARGET_S)} |"
    )
    print(f"| boot to ready, bare Kivy | {bare:.2f} s | - | - |")
    met = ratio < TARGET_RATIO
    print(f"| kiosk / bare Kivy (per pair) | {ratio:.2f}x | < {TARGET_RATIO}x | {_yes(met)} |")
    print(f"\nkiosk runs: {_list(times['kiosk'])}\nbare runs:  {_list(times['bare Kivy'])}")
    return 0


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
