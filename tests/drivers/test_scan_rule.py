"""One rule for what a scan may be (drivers/scanner/codes.py): a line from the serial scanner
and a burst from the keyboard wedge or camera are kept or dropped alike."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from drivers.scanner.codes import MAX_CODE, Junk, accept_code, junk
from drivers.scanner.serial_scanner import clean_code

LONG = "x" * (MAX_CODE + 1)


@given(st.text(max_size=MAX_CODE + 20) | st.sampled_from(["", "  ", LONG, "tb1:\x02m-1", " ok "]))
def test_a_serial_line_and_a_wedge_burst_pass_the_same_rule(text: str) -> None:
    assert clean_code(text.encode()) == accept_code(text, "test")


def test_each_drop_has_its_reason_and_only_junk_is_logged(caplog) -> None:
    assert [junk(t) for t in ("", LONG, "tb1:\x1bm", "tb1:m-1")] == [
        Junk.EMPTY,
        Junk.TOO_LONG,
        Junk.UNPRINTABLE,
        None,
    ]
    with caplog.at_level(logging.WARNING, logger="drivers.scanner.codes"):
        assert accept_code("   ", "wedge") is None
        assert accept_code(LONG, "wedge") is None
        assert accept_code("tb1:\x1bm", "wedge") is None
    assert [r.getMessage() for r in caplog.records] == [
        f"wedge: code of {MAX_CODE + 1} characters dropped (limit {MAX_CODE})",
        "wedge: unreadable code dropped: 'tb1:\\x1bm'",
    ]
