"""Camera scanner: QR codes rendered with `qrcode`, decoded by zxing-cpp on the reader thread,
delivered once per showing however many frames they stay in view."""

from __future__ import annotations

import logging
import os

import pytest
import qrcode
from PIL import Image

from drivers.scanner.camera import CameraScanner, CodeDeduplicator, FrameList

# zxing-cpp is the optional `camera` extra; the dev extra installs it, so CI must have it.
if os.environ.get("CI") != "true":
    pytest.importorskip("zxingcpp")

CODE = "tb1:m000001:12345678"


def qr(text: str) -> Image.Image:
    return qrcode.make(text, border=4).get_image().convert("L")


def blank() -> Image.Image:
    return Image.new("L", (300, 300), 255)


def scan(frames, forget_after: int = 3) -> tuple[list[str], CameraScanner]:
    codes: list[str] = []
    scanner = CameraScanner(FrameList(frames), forget_after=forget_after)
    scanner.start(codes.append)
    assert scanner.wait_until_ended(30), "the reader never got through its frames"
    scanner.close()
    return codes, scanner


def test_a_qr_code_held_in_view_for_many_frames_is_delivered_once():
    image = qr(CODE)
    codes, scanner = scan([blank(), image, image, image, image, image, blank()])
    assert codes == [CODE]
    assert scanner.status() == {"kind": "camera", "state": "closed", "frames": 7, "delivered": 1}


def test_a_code_shown_again_after_it_was_taken_away_is_delivered_again():
    image = qr(CODE)
    codes, _ = scan([image, image, blank(), blank(), blank(), image], forget_after=3)
    assert codes == [CODE, CODE]


def test_a_frame_where_the_code_is_missed_does_not_deliver_it_twice():
    image = qr(CODE)
    codes, _ = scan([image, blank(), image], forget_after=3)
    assert codes == [CODE]


def test_an_oversize_code_is_dropped_with_a_log_line(caplog):
    caplog.set_level(logging.WARNING)
    codes, _ = scan([qr("A" * 600), qr(CODE)])
    assert codes == [CODE]
    assert any("600 characters dropped" in r.message for r in caplog.records)


def test_frames_without_codes_deliver_nothing():
    codes, scanner = scan([blank(), blank()])
    assert codes == [] and scanner.frames == 2


def test_the_deduplicator_forgets_a_code_only_after_enough_empty_frames():
    d = CodeDeduplicator(forget_after=2)
    assert d.frame(["a"]) == ["a"]
    assert d.frame([]) == []
    assert d.frame(["a"]) == []  # one empty frame: still the same showing
    assert d.frame([]) == [] and d.frame([]) == []
    assert d.frame(["a", "b", "b"]) == ["a", "b"]
