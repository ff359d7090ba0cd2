"""The simulated scanner writes CRLF lines and raw junk on its pty."""

import os
import select
import tty

import pytest

from sim.scanner import SimScanner


def read_all(fd: int) -> bytes:
    got = b""
    while select.select([fd], [], [], 0.1)[0]:
        got += os.read(fd, 4096)
    return got


def test_a_presented_code_is_one_crlf_line_and_noise_is_sent_as_is() -> None:
    with SimScanner() as sim:
        fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        try:
            sim.present("tb1:m-1:123")
            sim.noise(b"\x00\xff")
            assert read_all(fd) == b"tb1:m-1:123\r\n\x00\xff"
        finally:
            os.close(fd)


def test_a_stopped_scanner_refuses_to_send() -> None:
    sim = SimScanner()
    sim.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        sim.present("x")
