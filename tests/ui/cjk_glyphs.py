"""Draws characters whose Chinese and Japanese shapes differ, in the font the kiosk registers
and in face 0 of the Noto CJK collection (Japanese), one process (Kivy's Window is a singleton).

Run as `python -m tests.ui.cjk_glyphs JSON` with out, cache (dirs), regular and bold (the .ttc
files); prints `RESULT <json>`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.ui.headless import use_offscreen_window

use_offscreen_window()

GLYPHS = "骨直今"
SIZE = 96


def render(text: str, out: Path, **kwargs: object) -> list[int]:
    """Draw `text` with Kivy's core label (as every kiosk Label does) into a PNG; its alpha."""
    from kivy.core.text import Label as CoreLabel
    from PIL import Image

    label = CoreLabel(text=text, font_size=SIZE, color=(0, 0, 0, 1), **kwargs)
    label.refresh()
    width, height = label.texture.size
    rgba = bytes(label.texture.pixels)
    white = Image.new("RGBA", (width, height), "white")
    white.alpha_composite(Image.frombytes("RGBA", (width, height), rgba))
    white.convert("RGB").save(out)
    return list(rgba[3::4])


def main(args: dict) -> dict:
    from kivy.core.text import DEFAULT_FONT, LabelBase
    from kivy.core.window import Window

    from kiosk.ui.fonts import register_cjk_font

    Window.size = (400, 200)
    out = Path(args["out"])
    path, bold = register_cjk_font(None, Path(args["cache"]))
    given = LabelBase._fonts[DEFAULT_FONT]  # what Kivy opens: [regular, italic, bold, bolditalic]
    result: dict = {"registered": [path, bold], "kivy_regular": given[0], "kivy_bold": given[2]}
    # Face 0 of the collections the kiosk found: what Kivy drew before (Noto Sans CJK JP).
    collections = {"regular": args["regular"], "bold": args["bold"]}
    for weight, collection in collections.items():
        kiosk = render(GLYPHS, out / f"kiosk-{weight}.png", bold=weight == "bold")
        face0 = render(GLYPHS, out / f"jp-{weight}.png", font_name=collection)
        result[weight] = {
            "same_size": len(kiosk) == len(face0),
            "differing": sum(a != b for a, b in zip(kiosk, face0, strict=False)),
            "inked": sum(1 for a in kiosk if a),
        }
    return result


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(json.loads(sys.argv[1]))))
