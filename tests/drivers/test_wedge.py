"""Keyboard-wedge decoder: a scanner's burst becomes one code, a person typing does not."""

from __future__ import annotations

import logging

import pytest

from drivers.scanner.wedge import WedgeDecoder, WedgeScanner

CODE = "tb1:m000001:12345678"


def burst(decoder: WedgeDecoder, text: str, start: float, gap: float = 0.008) -> float:
    """Feed `text` then Enter as a scanner types it; returns the time after the burst."""
    t = start
    for ch in text:
        decoder.feed(ch, t)
        t += gap
    decoder.feed("enter", t)
    return t + gap


@pytest.fixture
def codes() -> list[str]:
    return []


@pytest.fixture
def decoder(codes) -> WedgeDecoder:
    return WedgeDecoder(codes.append)


def test_a_scanner_burst_ending_in_enter_becomes_one_code(decoder, codes):
    burst(decoder, CODE, start=10.0)
    assert codes == [CODE]


def test_two_scans_in_a_row_are_two_codes(decoder, codes):
    t = burst(decoder, CODE, start=0.0)
    burst(decoder, "tbc1:c42:s3cret", start=t + 1.0)
    assert codes == [CODE, "tbc1:c42:s3cret"]


def test_a_person_typing_a_code_by_hand_is_not_taken_for_a_scan(decoder, codes):
    burst(decoder, CODE, start=0.0, gap=0.15)
    assert codes == []


def test_a_short_quick_burst_is_not_a_code(decoder, codes):
    burst(decoder, "1234", start=0.0)
    assert codes == []


def test_a_slow_key_before_a_burst_does_not_end_up_in_the_code(decoder, codes):
    decoder.feed("x", 0.0)
    burst(decoder, CODE, start=1.0)
    assert codes == [CODE]


def test_a_pause_in_the_middle_splits_the_burst_and_only_the_part_after_it_counts(decoder, codes):
    for i, ch in enumerate("tb1:m0"):
        decoder.feed(ch, i * 0.008)
    burst(decoder, "00001:12345678", start=1.0)
    assert codes == ["00001:12345678"]


def test_shift_and_other_named_keys_are_ignored_inside_a_burst(decoder, codes):
    t = 0.0
    for ch in "TB1:M1":
        decoder.feed("shift", t)
        decoder.feed(ch, t + 0.002)
        t += 0.008
    decoder.feed("enter", t)
    assert codes == ["TB1:M1"]


def test_an_oversize_burst_is_dropped_with_a_log_line_and_the_next_scan_works(
    decoder, codes, caplog
):
    caplog.set_level(logging.WARNING)
    t = burst(decoder, "A" * 600, start=0.0, gap=0.001)
    assert codes == []
    assert any("longer than 500" in r.message for r in caplog.records)
    burst(decoder, CODE, start=t + 1.0)
    assert codes == [CODE]
    assert decoder.status() == {"kind": "keyboard wedge", "delivered": 1, "dropped": 1}


def test_a_burst_of_control_characters_is_dropped_as_junk(decoder, codes, caplog):
    caplog.set_level(logging.WARNING)
    burst(decoder, "\x00\x01\x02\x1b[A\x7f", start=0.0)
    assert codes == []
    assert any("unreadable" in r.message for r in caplog.records)


def test_a_failing_handler_does_not_stop_the_next_code():
    seen: list[str] = []

    def handler(code: str) -> None:
        seen.append(code)
        if len(seen) == 1:
            raise RuntimeError("bug")

    decoder = WedgeDecoder(handler)
    t = burst(decoder, CODE, start=0.0)
    burst(decoder, CODE, start=t + 1)
    assert seen == [CODE, CODE]


def test_the_wedge_scanner_delivers_to_the_started_callback_and_nothing_after_close():
    seen: list[str] = []
    scanner = WedgeScanner()
    t = burst(scanner.decoder, CODE, start=0.0)  # before start: dropped
    scanner.start(seen.append)
    for ch in CODE:
        scanner.feed(ch, t)
    scanner.feed("enter", t)
    scanner.close()
    burst(scanner.decoder, CODE, start=t + 5)
    assert seen == [CODE]
    assert scanner.status()["state"] == "closed"
