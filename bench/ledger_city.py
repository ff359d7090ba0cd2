"""A city's kiosks against several independent ledger processes on one PostgreSQL, with the
database going away mid-run; then the reliability audit (issue 19, section 3).

    python bench/ledger_city.py [--kiosks 300] [--processes 3] [--rate 10] [--seconds 60]
        [--outage-at 20] [--outage-for 5] [--restart]

`--rate 10` is ten times a city's peak (tests/ledger/city.py says what the peak is). The
outage terminates every connection of the ledgers (by their application_name) as it appears;
`--restart` instead restarts the PostgreSQL server itself with pg_ctlcluster (it breaks every
other user of that server: only on a machine of your own).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's tests package

from tests.ledger import city  # noqa: E402
from tests.ledger.test_many_ledgers import (  # noqa: E402
    balances,
    redemptions_per_hold,
    stored_events,
)
from tests.reliability.audit import ledger_disagreements  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def restart_postgres(after: float) -> threading.Thread:
    def run() -> None:
        time.sleep(after)
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
        subprocess.run(cmd, check=True, timeout=120)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kiosks", type=int, default=300)
    ap.add_argument("--processes", type=int, default=3)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--outage-at", type=float, default=20.0)
    ap.add_argument("--outage-for", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=0, help="visit threads (0: one per kiosk)")
    ap.add_argument("--restart", action="store_true")
    args = ap.parse_args()

    schema = "tb_city_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    db_url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        # A kiosk visits every 60/rate s; a member's code is taken once per 30 s step.
        per_kiosk = max(2, int(30 * args.rate / city.VISIT_EVERY_S) + 2)
        plans = city.seed_city(db_url, args.kiosks, per_kiosk)
        before = balances(db_url, plans)
        app_name = schema
        with city.ledgers(city.with_app_name(db_url, app_name), args.processes) as urls:
            if args.restart:
                outage = restart_postgres(args.outage_at)
            else:
                outage = city.cut_connections(PG_URL, app_name, args.outage_at, args.outage_for)
            load_before = os.getloadavg()[0]
            started = time.monotonic()
            threads = args.threads or args.kiosks
            tally = city.run_city(plans, urls, args.rate, args.seconds, threads)
            elapsed = time.monotonic() - started
            load_after = os.getloadavg()[0]
            outage.join(120)
        found = ledger_disagreements(db_url, tally.sales, before, set())
        captured = {s.hold for s in tally.sales if s.hold is not None}
        doubled = {h: n for h, n in redemptions_per_hold(db_url).items() if n != 1}
        missing = captured - set(redemptions_per_hold(db_url))
        events = stored_events(db_url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    want_visits = args.kiosks * args.rate / city.VISIT_EVERY_S
    want_health = args.kiosks * args.rate / city.HEALTH_EVERY_S
    terminated = getattr(outage, "stats", {}).get("terminated", "restart")
    print(f"kiosks {args.kiosks} on {args.processes} ledger processes, rate x{args.rate:g},")
    print(f"  {elapsed:.0f} s, load average {load_before:.1f} -> {load_after:.1f}")
    print(f"  visits/s {len(tally.sales) / elapsed:.1f} (wanted {want_visits:.1f})")
    print(f"  health checks/s {tally.health_ok / elapsed:.1f} ok (wanted {want_health:.1f}),")
    print(f"  {tally.health_failed} failed (during the outage)")
    print(f"  sessions {tally.sessions}, events sent {tally.events_sent}, stored {events}")
    print(f"  retries {tally.retries}, ledger connections terminated {terminated}")
    print(f"  refused {len(tally.refused)}: {tally.refused[:3]}")
    print(f"  audit: {len(found)} disagreements {found[:5]}")
    print(f"  captured holds {len(captured)}, doubled {len(doubled)}, missing {len(missing)}")
    clean = not (found or doubled or missing or tally.refused) and events == tally.events_sent
    print("RESULT: " + ("clean" if clean else "NOT CLEAN"))
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
