"""Do the ledger, the kiosk's journal and the cabinet agree? Every reliability test ends here.

`disagreements()` reads all three from their own stores (the ledger's database, the journal's
SQLite file, the simulated cabinet) and lists, in words, every place the kiosk's promises broke:
  - a vend the journal has not finished, or a settlement the ledger never acknowledged;
  - a hold left open on the ledger, or a hold the journal knows nothing about;
  - a captured vend whose hold the ledger did not capture, a voided one it did capture;
  - a member's coins not equal to what they had less what the journal says they took;
  - an item handed out without a capture, a capture without an item handed out;
  - a locker pulsed twice for one vend, or pulsed for a vend that never reached `unlocking`;
  - the journal's stock not what is in the cabinet.
An empty list is agreement. `disagreements_apart()` runs the same audit in a process of its own
(`python -m tests.reliability.audit`), for a test that measures this process's memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from kiosk.core.journal import VendJournal, VendRecord
from kiosk.core.steps import VendStep
from ledger.db import Hold, IdempotencyRecord, make_engine, session_factory
from ledger.members import member_summary
from sim.world import Cabinet, SimLocker


@dataclass
class Baseline:
    """What the world held before the run: coins per member, items and pulses per locker."""

    balances: dict[str, int]
    items: dict[str, int]
    pulses: dict[str, int]
    holds: set[str] = field(default_factory=set)

    @classmethod
    def take(cls, db_url: str, members: list[str], cabinet: Cabinet) -> Baseline:
        ledger = _LedgerBook(db_url)
        try:
            balances = {m: ledger.balance(m) for m in members}
            holds = set(ledger.holds())
        finally:
            ledger.close()
        lockers = cabinet.lockers()
        return cls(
            balances,
            {f"{lk.board}:{lk.lock}": lk.items for lk in lockers},
            {f"{lk.board}:{lk.lock}": lk.pulses for lk in lockers},
            holds,
        )


def disagreements(
    db_url: str, journal_path: str | Path, cabinet: Cabinet, before: Baseline
) -> list[str]:
    """Every way the ledger, the journal and the cabinet disagree since `before`."""
    journal = VendJournal(journal_path)
    ledger = _LedgerBook(db_url)
    try:
        vends = journal.all_vends()
        reached = {v.id: set(journal.steps(v.id)) for v in vends}
        stock = {s.locker: s.count for s in journal.lockers()}
        holds = {h: s for h, s in ledger.holds().items() if h not in before.holds}
        by_key = ledger.holds_by_key([v.key for v in vends])
        balances = {m: ledger.balance(m) for m in before.balances}
    finally:
        ledger.close()
        journal.close()
    found: list[str] = []
    found += _journal_finished(vends)
    found += _holds_agree(vends, holds, by_key)
    found += _coins_agree(vends, before.balances, balances)
    found += _cabinet_agrees(vends, reached, cabinet, before, stock)
    return found


class Sold(Protocol):
    """A redemption as a client saw it: a journal's VendRecord, or a load test's record."""

    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str: ...  # the hold's Idempotency-Key
    @property
    def hold(self) -> str | None: ...
    @property
    def state(self) -> VendStep: ...  # CAPTURED if the client saw the capture answered
    @property
    def member(self) -> str: ...
    @property
    def price(self) -> int: ...


def ledger_disagreements(
    db_url: str, sales: Sequence[Sold], before_balances: dict[str, int], before_holds: set[str]
) -> list[str]:
    """The ledger's side of the audit alone, for clients without a journal or a cabinet (many
    simulated kiosks): every hold of the run belongs to a sale and is settled as the client
    saw it, and every member's coins are what they had less what was captured."""
    ledger = _LedgerBook(db_url)
    try:
        holds = {h: s for h, s in ledger.holds().items() if h not in before_holds}
        by_key = ledger.holds_by_key([v.key for v in sales])
        balances = {m: ledger.balance(m) for m in before_balances}
    finally:
        ledger.close()
    return _holds_agree(sales, holds, by_key) + _coins_agree(sales, before_balances, balances)


def disagreements_apart(
    db_url: str, journal_path: str | Path, cabinet: Cabinet, before: Baseline
) -> list[str]:
    """`disagreements()`, worked out in a child process from the same stores and a snapshot of
    the cabinet: the audit's reading of every vend leaves nothing behind in this process."""
    job = {
        "db_url": db_url,
        "journal": str(journal_path),
        "lockers": [asdict(lk) for lk in cabinet.lockers()],
        "before": asdict(before) | {"holds": sorted(before.holds)},
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.audit"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the audit process failed:\n{done.stderr[-3000:]}")
    found: list[str] = json.loads(done.stdout)
    return found


def _journal_finished(vends: list[VendRecord]) -> list[str]:
    out = []
    for v in vends:
        if v.awaiting_count:  # open, not fine: its coins are held and its locker out of sale
            out.append(
                f"vend {v.id} ({v.sku}) awaits a count of locker {v.locker}: still open, "
                f"its coins held"
            )
        elif not v.state.final:
            out.append(f"vend {v.id} ({v.sku}) is unfinished in the journal: {v.state.value}")
        if v.refused:
            out.append(f"vend {v.id}: the ledger refused its {v.settlement}: {v.refused}")
    return out


def _holds_agree(vends: Sequence[Sold], holds: dict[str, str], by_key: dict[str, str]) -> list[str]:
    out = []
    claimed: set[str] = set()
    for v in vends:
        hold = v.hold or by_key.get(v.key)
        if hold is None:
            if v.state is VendStep.CAPTURED:
                out.append(f"vend {v.id} is captured in the journal with no hold on the ledger")
            continue
        claimed.add(hold)
        state = holds.get(hold, "missing")
        if v.state is VendStep.CAPTURED and state != "captured":
            out.append(f"vend {v.id} is captured in the journal, its hold {hold} is {state}")
        if v.state is VendStep.VOIDED and state not in ("voided", "expired"):
            out.append(f"vend {v.id} is voided in the journal, its hold {hold} is {state}")
    for hold, state in holds.items():
        if state == "held":
            out.append(f"hold {hold} is left open on the ledger")
        if hold not in claimed:
            out.append(f"hold {hold} ({state}) belongs to no vend in the journal")
    return out


def _coins_agree(vends: Sequence[Sold], before: dict[str, int], after: dict[str, int]) -> list[str]:
    spent: Counter[str] = Counter()
    for v in vends:
        if v.state is VendStep.CAPTURED:
            spent[v.member] += v.price
    return [
        f"member {m} has {after[m]} coins; {before[m]} less {spent[m]} captured is"
        f" {before[m] - spent[m]}"
        for m in before
        if after[m] != before[m] - spent[m]
    ]


def _cabinet_agrees(
    vends: list[VendRecord],
    reached: dict[int, set[str]],
    cabinet: Cabinet,
    before: Baseline,
    stock: dict[str, int],
) -> list[str]:
    out = []
    captured: Counter[str] = Counter(v.locker for v in vends if v.state is VendStep.CAPTURED)
    unlocking: Counter[str] = Counter(
        v.locker for v in vends if VendStep.UNLOCKING.value in reached[v.id]
    )
    for lk in cabinet.lockers():
        name = f"{lk.board}:{lk.lock}"
        taken = before.items.get(name, 0) - lk.items
        if taken != captured[name]:
            out.append(f"locker {name}: {taken} items handed out, {captured[name]} captured")
        pulses = lk.pulses - before.pulses.get(name, 0)
        if pulses > unlocking[name]:
            out.append(
                f"locker {name}: {pulses} unlock pulses for {unlocking[name]} vends that"
                " reached unlocking (a duplicate unlock)"
            )
        if name in stock and stock[name] != lk.items:
            out.append(f"locker {name}: the journal counts {stock[name]}, the cabinet {lk.items}")
    return out


class _LedgerBook:
    """The ledger's own tables, read directly (not through the API under test)."""

    def __init__(self, db_url: str) -> None:
        self._engine = make_engine(db_url)
        self._db = session_factory(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def balance(self, member: str) -> int:
        with self._db() as s:
            return int(member_summary(s, member)["balance"])

    def holds(self) -> dict[str, str]:
        with self._db() as s:
            return {h.id: h.state.value for h in s.scalars(select(Hold))}

    def holds_by_key(self, keys: list[str]) -> dict[str, str]:
        """The hold each vend's hold request made, found by its idempotency key (the journal
        has no hold id when the answer was lost)."""
        out: dict[str, str] = {}
        with self._db() as s:
            for start in range(0, len(keys), 500):  # SQLite's bound-parameter limit
                chunk = keys[start : start + 500]
                query = select(IdempotencyRecord).where(IdempotencyRecord.key.in_(chunk))
                for rec in s.scalars(query):
                    response: Any = rec.response
                    if isinstance(response, dict) and "hold" in response:
                        out[rec.key] = str(response["hold"])
        return out


def main() -> None:
    """The child of `disagreements_apart()`: a job on stdin, the findings as JSON on stdout."""
    job = json.load(sys.stdin)
    cabinet = Cabinet([SimLocker(**lk) for lk in job["lockers"]])
    before = Baseline(**(job["before"] | {"holds": set(job["before"]["holds"])}))
    json.dump(disagreements(job["db_url"], job["journal"], cabinet, before), sys.stdout)


if __name__ == "__main__":
    main()
