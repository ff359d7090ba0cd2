"""A flaky serial line while vends run: garbled answers, answers in two pieces, silence, and the
adapter unplugged and plugged back. The driver the kiosk started with rides it out: once the
line is well, vends hand out again without a restart or a new driver; every vend the fault
caught finishes by itself (none is left for start-up recovery); no lock is pulsed twice for one
vend; and the ledger, the journal and the cabinet agree (audit.py).

Each fault comes in two spells: one struck just before a vend's unlock, one at a random moment
into a later vend; the vends that start meanwhile meet it too. The kiosk's patience at the
locker (door_open_timeout) and the member's (they wait at the open door until the kiosk has
seen it) both outlast a spell: a line dead for longer than the kiosk waits leaves the vend to
start-up recovery, and that is the crash matrix's ground (test_crash_matrix.py).

    pytest tests/reliability/test_serial_faults.py                    spells under a few seconds
    pytest -m slow tests/reliability/test_serial_faults.py            a 60 s unplug
    RELIABILITY_SEED=N pytest ...                                     replay one run's choices
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.errors import LockBoardError
from kiosk.core.interfaces import LockerAddress
from kiosk.core.steps import VendStep
from kiosk.core.vend import VendOutcome, VendTimings
from sim.lockboard.base import SimBoard
from tests.reliability.rig import VendRig

PROTOCOLS = ("kerong", "xor", "wkly")
WARM = 3  # vends on a good line before the first spell; the next one is struck at its hold
AFTER = 5  # vends that must hand out once the line is well again

# What the line does during a spell. Split answers 0.05 s apart fit in the driver's 0.2 s
# command timeout (a Kerong frame is whole by its length; an XOR frame ends at the first quiet
# gap, so its halves are two bad frames); 0.3 s apart, the second half comes too late for
# either and lands in the next command's answer.
FAULTS: dict[str, Callable[[SimBoard], None]] = {
    "corrupt": lambda board: board.fault("corrupt", -1),
    "split": lambda board: board.fault("split", 0.05),
    "split-late": lambda board: board.fault("split", 0.3),
    "silent": lambda board: board.fault("silent"),
}


def patient(spell: float) -> VendTimings:
    """The kiosk waits at the locker longer than the line stays dead (plus the driver's reopen
    back-off, at most 5 s), so a vend the fault caught is settled by the vend itself."""
    wait = spell + 10.0
    return VendTimings(door_open_timeout=wait, door_close_timeout=wait, poll_interval=0.01)


class Spells:
    """Two spells of one fault, each lifted after `seconds` (an unplugged adapter plugs itself
    back in): the first struck as a vend's hold is journalled, so its unlock goes out on the bad
    line; the second from a thread of its own, a random moment into a later vend."""

    def __init__(self, rig: VendRig, fault: str, seconds: float, rng: random.Random) -> None:
        self.rig, self.fault, self.seconds, self.rng = rig, fault, seconds, rng
        self.board = rig.site.board
        self.over = threading.Event()
        self.unlocks_heard = 0  # unlock frames that went out while the fault was on
        self.error = ""
        self._first = threading.Event()
        self._struck_at = 0.0
        self._unlocks_before = 0
        self._thread = threading.Thread(target=self._run, name="spells", daemon=True)

    def __enter__(self) -> Spells:
        journal = self.rig.journal
        advance = journal.advance

        def advance_then_strike(vend_id: int, step: VendStep, **kw: Any) -> Any:
            rec = advance(vend_id, step, **kw)
            if step is VendStep.HELD and not self._first.is_set():
                self._strike()
                self._first.set()  # only now: the spell's clock starts at the strike
            return rec

        journal.advance = advance_then_strike  # type: ignore[method-assign]
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join(2 * self.seconds + 60)
        vars(self.rig.journal).pop("advance", None)
        self.board.clear_faults()

    def _run(self) -> None:
        try:
            if not self._first.wait(30):
                raise RuntimeError("no vend reached its hold for the first spell")
            self._lift()
            vars(self.rig.journal).pop("advance", None)
            while self.rig.vending.is_set():  # the second spell strikes a vend of its own
                time.sleep(0.005)
            if not self.rig.vending.wait(30):
                raise RuntimeError("no vend ran for the second spell")
            time.sleep(self.rng.uniform(0.0, 0.1))  # a vend here lasts about 0.1 s
            self._strike()
            self._lift()
        except Exception as e:  # told to the test, which fails with it
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.over.set()

    def _strike(self) -> None:
        self._unlocks_before = self._unlocks()
        if self.fault == "unplug":
            self.board.unplug(self.seconds)
        else:
            FAULTS[self.fault](self.board)
        self._struck_at = time.monotonic()

    def _lift(self) -> None:
        time.sleep(max(0.0, self._struck_at + self.seconds - time.monotonic()))
        if self.fault != "unplug":
            self.board.clear_faults()
        self.unlocks_heard += self._unlocks() - self._unlocks_before

    def _unlocks(self) -> int:
        lockers = self.rig.site.cabinet.lockers()
        return sum(self.board.heard_unlocks(lk.board, lk.lock) for lk in lockers)


class UnlockCount:
    """Unlock frames the simulated board heard, counted around each vend."""

    def __init__(self, rig: VendRig) -> None:
        self.board = rig.site.board
        self.lockers = [(lk.board, lk.lock) for lk in rig.site.cabinet.lockers()]
        self.most_for_one_vend = 0

    def total(self) -> int:
        return sum(self.board.heard_unlocks(board, lock) for board, lock in self.lockers)

    def vend(self, rig: VendRig) -> VendOutcome:
        before = self.total()
        outcome = rig.vend()
        self.most_for_one_vend = max(self.most_for_one_vend, self.total() - before)
        return outcome


def run_through(
    tmp_path: Path, protocol: str, fault: str, spell: float, seed: int
) -> tuple[VendRig, list[VendOutcome], Spells, UnlockCount]:
    """Vends before, during and after one spell of `fault`; returns what the checks need."""
    rng = random.Random(seed)
    rig = VendRig(
        tmp_path, seed=seed, protocol=protocol, timings=patient(spell), patience=spell + 15.0
    ).start()
    try:
        driver = rig.board
        unlocks = UnlockCount(rig)
        outcomes = [unlocks.vend(rig) for _ in range(WARM)]
        assert all(o.handed_out for o in outcomes), f"seed {seed}: the line was not well to begin"
        with Spells(rig, fault, spell, rng) as struck:
            while not struck.over.is_set():
                outcomes.append(unlocks.vend(rig))
        assert struck.error == "", f"seed {seed}: {struck.error}"
        # The health probe: no new visit until the board answers a status read again.
        wait_until_the_board_answers(rig, within=spell + 15.0)
        after = [unlocks.vend(rig) for _ in range(AFTER)]
        assert [o.handed_out for o in after] == [True] * AFTER, (
            f"seed {seed}: after the {fault} spell: {[o.message for o in after]}"
        )
        assert rig.board is driver and rig.kiosk_restarts == 0
        return rig, outcomes + after, struck, unlocks
    except BaseException:
        rig.stop()
        raise


def wait_until_the_board_answers(rig: VendRig, within: float) -> None:
    first = rig.site.cabinet.lockers()[0]
    deadline = time.monotonic() + within
    while True:
        try:
            rig.board.read(LockerAddress(first.board, first.lock))
            return
        except LockBoardError:
            assert time.monotonic() < deadline, "the board never answered again"
            time.sleep(0.1)


def check_agreement(rig: VendRig, unlocks: UnlockCount, seed: int) -> None:
    """Nothing left for recovery, one pulse per vend at most, and the audit finds nothing."""
    unfinished = [(v.id, v.state.value) for v in rig.journal.all_vends() if not v.state.final]
    assert unfinished == [], f"seed {seed}: vends left for start-up recovery: {unfinished}"
    assert unlocks.most_for_one_vend <= 1, f"seed {seed}: one vend pulsed its lock twice"
    assert rig.settle() == 0
    assert rig.disagreements() == [], f"seed {seed}"


def seed_for_this_run() -> int:
    seed = int(os.environ.get("RELIABILITY_SEED") or random.randrange(2**32))
    print(f"seed {seed} (replay with RELIABILITY_SEED={seed})")
    return seed


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_vends_hand_out_again_after_a_spell_of_bad_answers_with_one_pulse_per_vend(
    tmp_path: Path, protocol: str, fault: str
) -> None:
    seed = seed_for_this_run()
    rig, outcomes, struck, unlocks = run_through(tmp_path, protocol, fault, 0.6, seed)
    try:
        assert struck.unlocks_heard > 0, f"seed {seed}: no unlock went out on the {fault} line"
        # The lock moved whatever the answer was, and the member took the item.
        assert outcomes[WARM].handed_out, f"seed {seed}: {outcomes[WARM]}"
        check_agreement(rig, unlocks, seed)
        print(f"{protocol} {fault}: {[o.message for o in outcomes]}")
    finally:
        rig.stop()


UNPLUGS = [
    pytest.param(2.0, id="2s"),
    pytest.param(60.0, id="60s", marks=[pytest.mark.slow, pytest.mark.timeout(600)]),
]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("seconds", UNPLUGS)
def test_an_adapter_unplugged_during_a_vend_is_reopened_by_the_same_driver(
    tmp_path: Path, protocol: str, seconds: float
) -> None:
    seed = seed_for_this_run()
    rig, outcomes, _struck, unlocks = run_through(tmp_path, protocol, "unplug", seconds, seed)
    try:
        assert rig.board.status_report()["reconnects"] >= 1, f"seed {seed}"
        # The unlock met a dead line and never reached the lock: no coins taken.
        assert outcomes[WARM].message == "result.no_coins_taken", f"seed {seed}: {outcomes[WARM]}"
        check_agreement(rig, unlocks, seed)
        print(f"{protocol} unplug {seconds:g} s: {[o.message for o in outcomes]}")
    finally:
        rig.stop()
