"""The console's collected pools (/staff/pools, 已领取) read cleanly in an office PC's 1280x800
window, in Chinese: its nine columns fit the page, every heading is on one line, and so is
each row of two pools handed out at the office (a clerk's four-character name in 登记人, an
organiser's name and number, where the goods went, who received them), measured in headless
Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger import pool_pickups, pools
from ledger.cli import with_book
from tests.web.conftest import Console
from tests.web.test_pool_console import pools_made

# Each cell's text: the height of the union of its boxes, against the line height the page
# gives the cell; a cell on one line is no taller than one line, a wrapped one twice that.
# (The cell's own height is its row's, the tallest cell's: not a measure of its text.)
CELL_LINES = """
const lines = cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return {text: cell.textContent.trim(), column: cell.cellIndex,
          height: range.getBoundingClientRect().height,
          line: parseFloat(getComputedStyle(cell).lineHeight)};
};
const table = document.getElementById('collected');
const main = getComputedStyle(table.parentElement);
const room = table.parentElement.clientWidth - parseFloat(main.paddingLeft)
             - parseFloat(main.paddingRight);
return {cells: [...table.querySelectorAll('th, td')].map(lines),
        width: table.getBoundingClientRect().width, room: room,
        page: document.documentElement.scrollWidth, window: window.innerWidth};
"""


@pytest.fixture
def office_window(console: Console) -> Iterator[Console]:
    """The browser as a street office's PC: 1280x800."""
    size = console.driver.get_window_size()
    console.driver.set_window_size(1280, 800)
    try:
        yield console
    finally:
        console.driver.set_window_size(size["width"], size["height"])


def test_the_collected_pools_table_reads_on_one_line_a_row_at_1280(
    office_window: Console,
) -> None:
    console = office_window
    made = pools_made(console)
    console.add_staff("lin", "clerk", "林小红")
    console.add_staff("ouyang", "clerk", "欧阳晓明")
    db, now = console.db_url, datetime.now(UTC)
    with_book(
        db, lambda s: pool_pickups.collect_at_office(s, made["full"], "lin", "环卫站 张师傅", now)
    )
    sima = console.add_member("司马光明", coins=100)
    rice = with_book(db, lambda s: pools.start(s, sima, "rice", 2, now).id)
    with_book(db, lambda s: pools.pledge(s, rice, sima, 50, now))
    where = "龙华路居委会 王秀英阿姨"
    with_book(db, lambda s: pool_pickups.collect_at_office(s, rice, "ouyang", where, now))

    console.log_in("ouyang")
    console.open("/staff/pools")
    driver = console.driver
    measured: dict[str, Any] = driver.execute_script(CELL_LINES)
    driver.execute_script("document.getElementById('collected').scrollIntoView()")
    console.shot("pools-collected-1280x800-zh")

    assert measured["window"] <= 1280
    # No column pushed out of the page, no sideways scrolling.
    assert measured["width"] <= measured["room"], measured
    assert measured["page"] <= measured["window"], measured
    cells = measured["cells"]
    headings = [c["text"] for c in cells[:9]]
    assert headings[-1] == "登记人", headings
    recorded_by = [c for c in cells[9:] if c["column"] == 8]
    assert sorted(c["text"] for c in recorded_by) == ["林小红", "欧阳晓明"]
    for cell in recorded_by:  # the column that wrapped ("欧阳/晓明")
        assert 0 < cell["height"] <= cell["line"], cell
    wrapped = [c for c in cells if c["height"] > c["line"]]
    assert wrapped == [], wrapped
    row = driver.find_element("css selector", f"#collected #pool-{rice}").text
    assert "司马光明" in row and where in row and "欧阳晓明" in row
