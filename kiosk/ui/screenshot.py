"""Save what the window shows to a PNG, reliably: from an on_flip handler after a redraw.

A capture taken at any other moment may be blank or a frame late (docs/architecture.md,
"Headless Kivy").
"""

from __future__ import annotations

import os
from collections.abc import Callable

from kivy.core.window import Window


def take_screenshot(path: str, on_done: Callable[[str], None] | None = None) -> None:
    """Ask for a redraw and save the next frame at exactly `path`; then call on_done(path).

    Call on the Kivy thread; returns at once, the file exists when on_done runs.
    """
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)

    def on_flip(*_args: object) -> None:
        Window.unbind(on_flip=on_flip)
        # Window.screenshot() appends a counter to the name ("x.png" -> "x0001.png"), and
        # formats it with str.format, so braces are escaped; the file is renamed to `path`.
        root, ext = os.path.splitext(path)
        escaped = root.replace("{", "{{").replace("}", "}}") + (ext or ".png")
        saved = Window.screenshot(name=escaped)
        if saved is None:
            raise OSError(f"the window could not save a screenshot for {path}")
        os.replace(saved, path)
        if on_done is not None:
            on_done(path)

    Window.bind(on_flip=on_flip)
    Window.canvas.ask_update()
