"""Finding a font that draws Chinese."""

import shutil

import pytest

from kiosk.ui import fonts
from kiosk.ui.errors import FontNotFound


def test_a_configured_font_that_exists_is_used(tmp_path):
    font = tmp_path / "font.ttf"
    font.write_bytes(b"")
    assert fonts.find_cjk_font(str(font)) == str(font)


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="needs fontconfig")
def test_fontconfig_finds_an_installed_chinese_font():
    path = fonts.find_cjk_font(None)
    assert path.endswith((".ttc", ".ttf", ".otf"))


def test_no_font_raises_an_error_naming_what_was_tried(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    monkeypatch.setattr(fonts, "KNOWN_PATHS", (str(tmp_path / "nope.ttc"),))
    with pytest.raises(FontNotFound) as caught:
        fonts.find_cjk_font(str(tmp_path / "configured.ttf"))
    message = str(caught.value)
    assert "configured.ttf" in message
    assert "fc-match" in message
    assert "nope.ttc" in message
