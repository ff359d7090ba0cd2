"""Kivy without a screen (docs/architecture.md, "Headless Kivy"): the environment it must see
before it is first imported. Used by `kiosk demo` and the tests; imports no Kivy itself.
"""

from __future__ import annotations

import os
import tempfile


def use_offscreen_window() -> None:
    """SDL's offscreen driver on Mesa software GL, a throw-away KIVY_HOME, logging left to us."""
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    os.environ.setdefault("KIVY_WINDOW", "sdl2")
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_NO_CONSOLELOG"] = "1"
    os.environ["KIVY_NO_FILELOG"] = "1"
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))
