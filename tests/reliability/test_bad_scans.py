"""Bad scans at the kiosk: whatever text or bytes a scanner reads, the scanner layer hands on a
clean code or drops it (never raises), junk lines never swallow the good code after them, and
the session engine, talking to the real ledger over loopback, classifies every code it is given
(a card asks for its PIN, anything else is refused with a notice) and signs nobody in.
"""

from __future__ import annotations

import logging
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drivers.scanner.codes import MAX_CODE, accept_code
from drivers.scanner.serial_scanner import MAX_LINE, ScanLines
from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.view import SessionState
from tests.core.conftest import rig  # noqa: F401  (the real ledger and board, as a fixture)
from tests.reliability.near_misses import OTHER_DIGITS, TRICKY, NearMiss, any_code, near_misses
from tests.reliability.scale import examples

QUICK = settings(max_examples=examples(150), deadline=None, database=None)


def printable(code: str) -> bool:
    return not any(unicodedata.category(ch).startswith("C") for ch in code)


@QUICK
@given(text=any_code() | st.text(min_size=MAX_CODE - 5, max_size=MAX_CODE + 5))
def test_any_text_is_either_a_clean_code_or_dropped(text: str) -> None:
    code = accept_code(text, "test")
    if code is not None:
        assert code == text.strip() and 0 < len(code) <= MAX_CODE and printable(code)
        assert accept_code(code, "test") == code  # a delivered code passes the check again


# A good code: what accept_code keeps unchanged, short enough to fit a serial line.
good_codes = st.text(st.sampled_from(TRICKY) | st.characters(), min_size=1, max_size=200).filter(
    lambda c: accept_code(c, "test") == c
)
junk_lines = st.one_of(
    st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"") + b"\xff"),
    st.builds(
        lambda a, c, b: f"{a}{c}{b}".encode(),
        good_codes,
        st.sampled_from("\x00\x07\x1b\x7f\u200b"),
        good_codes,
    ),
    st.integers(MAX_LINE + 1, MAX_LINE + 300).map(lambda n: b"A" * n),
    st.integers(MAX_CODE + 1, MAX_LINE).map(lambda n: b"7" * n),  # fits a line, not a code
    st.sampled_from([b"", b"   ", b"\t"]),
)


@QUICK
@given(
    lines=st.lists(st.tuples(st.booleans(), good_codes, junk_lines), max_size=12),
    ends=st.lists(st.sampled_from([b"\r", b"\n", b"\r\n"]), min_size=12, max_size=12),
    cuts=st.lists(st.integers(0, 5000), max_size=12),
)
@example(
    lines=[(False, "x", b"7" * (MAX_CODE + 1)), (True, "tb1:m000001:12345678", b"")],
    ends=[b"\r\n"] * 12,
    cuts=[],
)
def test_junk_lines_are_dropped_and_every_good_code_arrives_once_in_order(
    lines: list[tuple[bool, str, bytes]], ends: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(
        (code.encode() if good else junk) + end
        for (good, code, junk), end in zip(lines, ends, strict=False)
    )
    delivered: list[str] = []
    scan = ScanLines(delivered.append, "test")
    # The reader thread gets the bytes in whatever pieces the port gives it.
    at = 0
    for cut in sorted(c % (len(stream) + 1) for c in cuts) + [len(stream)]:
        scan.data_received(stream[at:cut])
        at = cut
    assert delivered == [code for good, code, _ in lines if good]
    assert all(accept_code(code, "test") == code for code in delivered)


@pytest.fixture
def kiosk(rig):  # noqa: F811
    controller = SessionController(
        rig.ledger, rig.inventory, rig.vends, SessionTimeouts(idle=60, pin=60, pairing=60)
    )
    yield rig, controller
    controller.close()


def settled(controller: SessionController) -> SessionState:
    """The state once the worker has done everything asked so far (it runs intents in order)."""
    barrier = controller.worker.submit(lambda: None)
    assert barrier is not None
    barrier.result(timeout=30)
    return controller.view.state


def test_the_engine_classifies_every_scanned_code_and_signs_nobody_in(
    kiosk, caplog: pytest.LogCaptureFixture
) -> None:
    site_rig, controller = kiosk

    @settings(QUICK, max_examples=examples(80), suppress_health_check=[HealthCheck.too_slow])
    @given(text=any_code(), miss=near_misses())
    @example(text="", miss=NearMiss("digits", 0.99, OTHER_DIGITS[1]))
    # Scanners took up to 512 characters, the ledger 500: the member saw "unknown error".
    @example(text="7" * 505, miss=NearMiss("truncate", 0.5))
    def classified(text: str, miss: NearMiss) -> None:
        real = site_rig.site.phone_code("王阿姨")
        for scanned in (text, miss.apply(real)):
            code = accept_code(scanned, "test")
            if code is None or code == real:
                continue  # no scanner hands this over, or the near miss missed nothing
            controller.present_code(code)
            state = settled(controller)
            if code.startswith("tbc1:"):
                assert state is SessionState.PIN_ENTRY, code
                controller.back()
                assert settled(controller) is SessionState.IDLE
            else:
                assert state is SessionState.IDLE, (code, controller.view)
                assert controller.view.notice == "error.invalid_code", (code, controller.view)

    with caplog.at_level(logging.ERROR):
        classified()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # And the kiosk is still fine: the member's real code signs her in.
    controller.present_code(site_rig.site.phone_code("王阿姨"))
    assert settled(controller) is SessionState.BROWSING
