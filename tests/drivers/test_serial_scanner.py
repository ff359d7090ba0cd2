"""SerialScanner reading the simulated scanner through a real pty."""

import logging
import queue
from collections.abc import Iterator

import pytest

from drivers.errors import ScannerUnavailable
from drivers.scanner.serial_scanner import SerialScanner, clean_code
from kiosk.core.interfaces import CodeReader
from sim.scanner import SimScanner


@pytest.fixture
def sim() -> Iterator[SimScanner]:
    with SimScanner() as scanner:
        yield scanner


@pytest.fixture
def codes(sim: SimScanner) -> Iterator["queue.Queue[str]"]:
    arrived: queue.Queue[str] = queue.Queue()
    scanner: CodeReader = SerialScanner(sim.path)
    scanner.start(arrived.put)
    yield arrived
    scanner.close()


def next_code(codes: "queue.Queue[str]") -> str:
    return codes.get(timeout=2)


def test_presented_codes_arrive_in_order(sim: SimScanner, codes: "queue.Queue[str]") -> None:
    for code in ["tb1:m-0001:12345678", "tbc1:c-42:s3cr3t", "tb1:m-0002:87654321"]:
        sim.present(code)
    assert [next_code(codes) for _ in range(3)] == [
        "tb1:m-0001:12345678",
        "tbc1:c-42:s3cr3t",
        "tb1:m-0002:87654321",
    ]


def test_lines_end_with_cr_lf_or_crlf_and_are_stripped(
    sim: SimScanner, codes: "queue.Queue[str]"
) -> None:
    sim.noise(b"one\rtwo\nthree\r\n  four  \r\n")
    assert [next_code(codes) for _ in range(4)] == ["one", "two", "three", "four"]


def test_binary_junk_is_dropped_with_a_log_line_and_the_next_code_arrives(
    sim: SimScanner, codes: "queue.Queue[str]", caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="drivers.scanner.serial_scanner"):
        sim.noise(b"\x00\xff\xfe\x80garbage\r\n")
        sim.noise(b"bell\x07inside\r\n")
        sim.present("tb1:m-0001:12345678")
        assert next_code(codes) == "tb1:m-0001:12345678"
    assert codes.empty()
    assert sum("unreadable scan dropped" in r.message for r in caplog.records) == 2


def test_an_oversize_line_is_dropped_and_the_next_code_arrives(
    sim: SimScanner, codes: "queue.Queue[str]", caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="drivers.scanner.serial_scanner"):
        sim.noise(b"A" * 3000 + b"\r\n")
        sim.present("tb1:m-0003:11112222")
        assert next_code(codes) == "tb1:m-0003:11112222"
    assert codes.empty()
    assert any("longer than 1024 bytes" in r.message for r in caplog.records)


def test_a_line_of_exactly_1024_bytes_is_kept(sim: SimScanner, codes: "queue.Queue[str]") -> None:
    line = "码" * 341 + "B"  # 1024 bytes of UTF-8, yet within a code's 500 characters
    sim.present(line)
    assert next_code(codes) == line


def test_a_failing_callback_does_not_stop_the_reader(sim: SimScanner) -> None:
    arrived: queue.Queue[str] = queue.Queue()

    def on_code(code: str) -> None:
        if code == "boom":
            raise RuntimeError("handler bug")
        arrived.put(code)

    with SerialScanner(sim.path) as scanner:
        scanner.start(on_code)
        sim.present("boom")
        sim.present("after")
        assert next_code(arrived) == "after"
        assert scanner.status_report() == {"port": sim.path, "state": "open"}


def test_a_missing_port_is_reported_plainly() -> None:
    with pytest.raises(ScannerUnavailable, match="cannot open scanner port"):
        SerialScanner("/dev/does-not-exist-scanner").start(print)


@pytest.mark.parametrize(
    ("line", "code"),
    [(b"tb1:a:1", "tb1:a:1"), (" 会员 ".encode(), "会员"), (b"\xff", None), (b"a\tb", None)],
)
def test_clean_code_keeps_printable_utf8_only(line: bytes, code: str | None) -> None:
    assert clean_code(line) == code
