"""The keyboard wedge bound to Kivy's real (offscreen) window: typed keys reach the decoder."""

from __future__ import annotations

import pytest

from drivers.scanner.wedge import WedgeDecoder
from kiosk.ui.wedge import KeyboardWedge

pytestmark = pytest.mark.ui

CODE = "tb1:m000001:12345678"


class SteppingClock:
    """Each reading is `step` seconds after the one before: a scanner's pace, or a person's."""

    def __init__(self, step: float) -> None:
        self.t, self.step = 0.0, step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


def type_into(window, text: str) -> None:
    for ch in text:
        window.dispatch("on_textinput", ch)
    window.dispatch("on_key_down", 13, 36, None, [])


def test_a_scanner_typing_into_the_window_delivers_one_code():
    from kivy.core.window import Window

    codes: list[str] = []
    wedge = KeyboardWedge(WedgeDecoder(codes.append).feed, clock=SteppingClock(0.005))
    wedge.start()
    try:
        type_into(Window, CODE)
    finally:
        wedge.close()
    assert codes == [CODE]


def test_a_person_typing_into_the_window_delivers_nothing():
    from kivy.core.window import Window

    codes: list[str] = []
    wedge = KeyboardWedge(WedgeDecoder(codes.append).feed, clock=SteppingClock(0.2))
    wedge.start()
    try:
        type_into(Window, CODE)
    finally:
        wedge.close()
    assert codes == []


def test_once_closed_the_wedge_hears_no_more_keys():
    from kivy.core.window import Window

    keys: list[str] = []
    wedge = KeyboardWedge(lambda key, t: keys.append(key), clock=SteppingClock(0.005))
    wedge.start()
    type_into(Window, "a")
    wedge.close()
    type_into(Window, "b")
    assert keys == ["a", "enter"]
