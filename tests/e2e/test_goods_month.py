"""A month of donated goods at one kiosk (issue 18): the books of goods reconcile.

Thirty office days, each on both clocks (the kiosk's office date and the ledger's clock move a
day at a time): lots taken in with different best-before dates, moved to the kiosk, restocked
into lockers by scanning the lot; members take water every other day and rice every third day
through the real kiosk (scanner, session, vend transaction, simulated cabinet) and the real
ledger over HTTP; a lot leaves sale by the kiosk's own date and is written off, a unit is
damaged in the store, one goes missing at the kiosk, two go back to the store, and the kiosk
is restarted in the middle of a restock whose report the ledger never got.

The test keeps its own account of every unit (store, the kiosk's back room, each locker,
handed out, written off) and asserts each day that the kiosk offers only the lot that leaves
sale first and never one past its last sale day. At the end `timebank-ledger lot reconcile`
must balance, every lot's books must equal the test's account, and each lot's hand-outs at
the ledger must equal the kiosk's captured vends of that lot.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.app import KioskRuntime, build
from kiosk.core.config import KioskConfig, load_config
from kiosk.core.errors import LedgerUnreachable
from kiosk.core.journal import Settlement
from kiosk.core.view import SessionState
from kiosk.diag.restock import Restock
from sim.site import SimulatedSite
from tests.core.conftest import visitor
from tests.core.test_session import Views

DAYS = 30
OFFICE = ZoneInfo("Asia/Shanghai")  # the default office_tz of both the kiosk and the ledger
WITHDRAW_DAYS = 2  # the ledger's default lot_withdraw_days
BATCH = 3  # a technician puts at most this many units in a locker


class Clock:
    """The simulated month's time: from 08:00 at the office today, moved on by whole days (and
    minutes between visits, so a member's phone code is never the same twice). Both the ledger
    and the kiosk read it, so each side's office date is the same simulated day."""

    def __init__(self) -> None:
        opening = datetime.combine(datetime.now(OFFICE).date(), time(8), OFFICE)
        self.offset = opening - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def today(self) -> date:
        return self.now().astimezone(OFFICE).date()

    def next_day(self) -> None:
        self.offset += timedelta(days=1)

    def minutes(self, n: int) -> None:
        self.offset += timedelta(minutes=n)


@dataclass
class LotBook:
    """The test's own account of one lot's units."""

    code: str
    sku: str
    locker: str
    best_before: date
    intake: int
    store: int
    back_room: int = 0  # at the kiosk, not in its locker
    in_locker: int = 0
    handed_out: int = 0
    written_off: int = 0
    removed: bool = False  # withdrawn and taken out of the kiosk

    @property
    def last_sale_day(self) -> date:
        return self.best_before - timedelta(days=WITHDRAW_DAYS)


@dataclass
class Month:
    site: SimulatedSite
    clock: Clock
    runtime: KioskRuntime
    views: Views
    lots: dict[str, LotBook] = field(default_factory=dict)
    restarted: bool = False
    emptied: list[str] = field(default_factory=list)  # lockers emptied of a withdrawn lot

    @property
    def kiosk(self) -> str:
        return str(self.site.demo["kiosk"])

    def staff(self, *argv: str) -> Any:
        return self.site.staff.command(*argv)

    def start_kiosk(self) -> None:
        self.runtime = build(load_config(self.site.config_path))
        self.runtime.start()
        self.views = Views()
        self.runtime.controller.subscribe(self.views)
        if self.runtime.health.reason is not None:  # a first check timed out under load
            self.runtime.health.check_now()
            self.views.wait(SessionState.IDLE, timeout=30)

    def take_in(self, name: str, sku: str, qty: int, days: int, locker: str) -> LotBook:
        bb = self.clock.today() + timedelta(days=days)
        made = self.staff(
            "lot", "add", "--sku", sku, "--qty", str(qty), "--best-before", bb.isoformat(),
            "--donor", f"{name}爱心超市", "--donor-kind", "organisation",
        )  # fmt: skip
        book = LotBook(made["lot"], sku, locker, bb, qty, qty)
        self.lots[name] = book
        return book

    def move(self, book: LotBook, qty: int) -> None:
        assert book.store >= qty, book  # the month's plan moves only what the store has
        self.staff("lot", "move", book.code, "--to-kiosk", self.kiosk, "--qty", str(qty))
        book.store -= qty
        book.back_room += qty

    def write_off(self, book: LotBook, qty: int, reason: str, at_kiosk: bool) -> None:
        assert (book.back_room + book.in_locker if at_kiosk else book.store) >= qty, book
        where = ["--kiosk", self.kiosk] if at_kiosk else []
        self.staff("lot", "writeoff", book.code, "--qty", str(qty), "--reason", reason, *where)
        book.written_off += qty
        if not at_kiosk:
            book.store -= qty  # at the kiosk, the caller says whence (back room or locker)

    def restock(self, book: LotBook, lose_report: bool = False) -> int:
        """The technician fills the lot's locker from the back room (scanning the lot's label).
        `lose_report`: the line is down for the restock's report to the ledger."""
        count = min(BATCH, book.back_room + book.in_locker)
        parts = self.runtime.desk.parts
        if lose_report:

            def down(*_args: object, **_kw: object) -> None:
                raise LedgerUnreachable("connection refused")

            parts.ledger.restock_lot = down  # type: ignore[method-assign]
        board, lock = (int(x) for x in book.locker.split(":"))
        self.site.cabinet.restock(board, lock, count, book.sku)
        Restock(parts, "tech", today=self.clock.today).fill_lot(
            book.locker, f"tblot:{book.code}", count
        )
        book.back_room -= count - book.in_locker
        book.in_locker = count
        return count

    def vend(self, member: str, sku: str) -> tuple[str, str | None]:
        """One member takes one `sku`; returns the locker and lot of the captured vend."""
        self.clock.minutes(20)
        code = self.site.phone_code(member, at=self.clock.now().timestamp())
        controller = self.runtime.controller
        self.site.scanner.present(code)
        self.views.wait(SessionState.BROWSING, timeout=15)
        locker = self.runtime.inventory.locker_for(sku)
        assert locker is not None
        taker = visitor(self.site, str(locker[0]))
        controller.add(sku)
        controller.checkout()
        self.views.wait(SessionState.CONFIRMING)
        controller.confirm()
        v = self.views.wait(SessionState.RESULT, timeout=15)
        taker.join()
        assert v.result is not None and v.result.ok, v
        controller.finish()
        self.views.wait(SessionState.IDLE)
        last = self.runtime.journal.all_vends()[-1]
        assert last.settlement is Settlement.CAPTURE, last
        return last.locker, last.lot

    def offered(self, sku: str) -> LotBook | None:
        """The lot the kiosk would sell a `sku` from now, by its own date."""
        found = self.runtime.inventory.locker_for(sku)
        if found is None:
            return None
        [book] = [b for b in self.lots.values() if b.locker == str(found[0])]
        return book

    def expected_offer(self, sku: str) -> LotBook | None:
        """First expired, first out, among the lots on sale with units in their locker."""
        on_sale = [
            b
            for b in self.lots.values()
            if b.sku == sku and b.in_locker > 0 and self.clock.today() <= b.last_sale_day
        ]
        return min(on_sale, key=lambda b: b.last_sale_day, default=None)


def kiosk_today(clock: Clock) -> Any:
    return lambda _config: clock.today()


def test_a_month_of_goods_reconciles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(KioskConfig, "today", kiosk_today(clock))
    site = SimulatedSite(tmp_path / "site")
    site.ledger.clock = clock.now  # before start: the ledger's app takes its clock then
    with site:
        month = Month(site, clock, runtime=None, views=Views())  # type: ignore[arg-type]
        month.start_kiosk()
        try:
            run_the_month(month)
            assert wait_until(lambda: month.runtime.journal.pending_settlements() == [])
            check_the_books(month)
        finally:
            month.runtime.close()


def run_the_month(m: Month) -> None:
    wang, li = m.site.member("王阿姨")["member"], m.site.member("李伯伯")["member"]
    for member, coins in ((wang, "400"), (li, "600")):
        m.staff("adjust", member, coins, "--reason", "a month of hours", "--yes")
    # Day 0: three donations. Water of two dates: the older lot must go first.
    w1 = m.take_in("w1", "water", 10, days=10, locker="0:1")
    w2 = m.take_in("w2", "water", 14, days=45, locker="0:2")
    r1 = m.take_in("r1", "rice", 12, days=60, locker="0:3")
    m.move(w1, 6)
    m.move(w2, 8)
    m.move(r1, 8)
    for book in (w1, w2, r1):
        m.restock(book)
    for day in range(DAYS):
        today = m.clock.today()
        for sku in ("water", "rice"):
            offered, expected = m.offered(sku), m.expected_offer(sku)
            assert offered is expected, (day, sku, offered, expected)
            assert offered is None or today <= offered.last_sale_day  # never past its day
        if day == 12:
            m.write_off(r1, 1, "damaged", at_kiosk=False)
        if day == 15:
            m.move(w2, 4)  # more water for the kiosk
        if day == 20:
            m.write_off(w2, 1, "lost", at_kiosk=True)  # missing from the back room
            w2.back_room -= 1
        if day == 25:
            assert w2.back_room >= 2, w2
            m.staff("lot", "return", w2.code, "--from-kiosk", m.kiosk, "--qty", "2")
            w2.back_room -= 2
            w2.store += 2
        for book in m.lots.values():  # the day's removal: what left sale goes out
            if today > book.last_sale_day and not book.removed:
                remove_withdrawn(m, book)
        if day % 2 == 0 and m.expected_offer("water") is not None:
            take(m, wang, "water")
        if day % 3 == 0 and m.expected_offer("rice") is not None:
            take(m, li, "rice")
        for book in m.lots.values():  # the technician's round: empty lockers filled
            if book.in_locker == 0 and book.back_room > 0 and today <= book.last_sale_day:
                lose = day >= 5 and not m.restarted
                m.restock(book, lose_report=lose)
                if lose:
                    restart_mid_restock(m, book)
        m.clock.next_day()
    # The month really saw a lot leave sale with a unit still in its locker.
    assert w1.removed and w1.written_off > 0 and m.emptied == [w1.locker]


def take(m: Month, member: str, sku: str) -> None:
    expected = m.expected_offer(sku)
    assert expected is not None
    locker, lot = m.vend(member, sku)
    assert (locker, lot) == (expected.locker, expected.code)
    expected.in_locker -= 1
    expected.handed_out += 1


def remove_withdrawn(m: Month, book: LotBook) -> None:
    """Past its last sale day: the kiosk lists the locker for removal by its own date; the
    technician empties it and the office writes off what was at the kiosk and in the store."""
    removal = {s.locker for s in m.runtime.inventory.for_removal()}
    assert (book.locker in removal) == (book.in_locker > 0), (book, removal)
    at_kiosk = book.in_locker + book.back_room
    if book.in_locker:
        board, lock = (int(x) for x in book.locker.split(":"))
        m.site.cabinet.restock(board, lock, 0)
        m.emptied.append(book.locker)
        parts = m.runtime.desk.parts
        Restock(parts, "tech", today=m.clock.today).fill(book.locker, book.sku, 0, None)
    if at_kiosk:
        m.write_off(book, at_kiosk, "expired", at_kiosk=True)
    if book.store:
        m.write_off(book, book.store, "expired", at_kiosk=False)
    book.in_locker = book.back_room = book.store = 0
    book.removed = True


def restart_mid_restock(m: Month, book: LotBook) -> None:
    """The kiosk goes down with the restock's report unsent; the restarted kiosk sends it."""
    [waiting] = m.runtime.journal.lot_reports()
    assert (waiting.lot, waiting.locker, waiting.count) == (book.code, book.locker, book.in_locker)
    m.runtime.close()
    m.start_kiosk()  # its settlement queue sends the report
    assert wait_until(lambda: m.runtime.journal.lot_reports() == [])
    restocks = [
        (mv["locker"], mv["qty"])
        for mv in m.staff("lot", "trace", book.code)["movements"]
        if mv["kind"] == "restock"
    ]
    assert restocks[-1] == (book.locker, book.in_locker)
    m.restarted = True


def wait_until(check: Any, timeout: float = 20.0) -> bool:
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        if check():
            return True
        sleep(0.1)
    return bool(check())


def check_the_books(m: Month) -> None:
    assert m.restarted
    answer = m.staff("lot", "reconcile")
    assert answer["mismatches"] == 0 and len(answer["lots"]) == len(m.lots), answer
    captured = Counter(
        v.lot for v in m.runtime.journal.all_vends() if v.settlement is Settlement.CAPTURE
    )
    handed_holds: set[str] = set()
    for name, book in m.lots.items():
        trace = m.staff("lot", "trace", book.code)
        at_kiosk = trace["kiosks"].get(m.kiosk, 0)
        assert (
            trace["intake"], trace["store"], at_kiosk, trace["handed_out"], trace["written_off"]
        ) == (
            book.intake, book.store, book.back_room + book.in_locker, book.handed_out,
            book.written_off,
        ), name  # fmt: skip
        assert trace["handed_out"] == captured[book.code] > 0, name
        handouts = [mv for mv in trace["movements"] if mv["kind"] == "handout"]
        assert all(mv["kiosk"] == m.kiosk and mv["hold"] for mv in handouts), name
        handed_holds |= {mv["hold"] for mv in handouts}
        assert trace["donor"]["name"] == f"{name}爱心超市"
    # Every captured hold at the ledger is one hand-out of one lot, and nothing else is.
    captured_holds = {h["hold"] for h in m.site.holds() if h["state"] == "captured"}
    assert handed_holds == captured_holds and len(captured_holds) == sum(captured.values())
