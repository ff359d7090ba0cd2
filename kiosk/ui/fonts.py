"""Find a font that draws Simplified Chinese and make it Kivy's default, so no glyph is a tofu box;
with its real bold face where one is installed (Noto Sans CJK Bold), not a smeared outline.

Order: a configured path, then fontconfig (`fc-match ':lang=zh-cn'`), then a few well-known
Debian / Raspberry Pi OS paths. Runs once at start-up, before the Kivy event loop.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from kiosk.ui.cjk_face import sc_face
from kiosk.ui.errors import FontNotFound

log = logging.getLogger(__name__)

FC_PATTERN = ":lang=zh-cn"
# The glyph text height is measured on: a full-height ideograph (its ink, not the line box).
REFERENCE_GLYPH = "国"
FC_TIMEOUT_S = 10.0
KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def _fc_match() -> tuple[str | None, str]:
    """Ask fontconfig for its best Chinese font; returns (path or None, what happened)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None, "fc-match: not installed"
    try:
        out = subprocess.run(
            [fc_match, "-f", "%{file}|%{lang}", FC_PATTERN],
            capture_output=True,
            text=True,
            timeout=FC_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"fc-match {FC_PATTERN!r}: {e}"
    path, _, langs = out.stdout.strip().partition("|")
    # fc-match always answers with *some* font; make sure it really covers Chinese.
    if not path or "zh-cn" not in langs.split("|"):
        return None, f"fc-match {FC_PATTERN!r}: no Chinese font (best match {path or 'none'})"
    return path, f"fc-match {FC_PATTERN!r}: {path}"


def find_cjk_font(configured: str | None = None) -> str:
    """The path of a font that can draw Simplified Chinese. Raises FontNotFound naming the tries."""
    tried: list[str] = []
    if configured:
        if os.path.isfile(configured):
            return configured
        tried.append(f"configured path {configured}: no such file")
        log.warning("configured font %s does not exist; looking for another", configured)
    path, note = _fc_match()
    tried.append(note)
    if path and os.path.isfile(path):
        return path
    for known in KNOWN_PATHS:
        if os.path.isfile(known):
            return known
    tried.append("known paths: " + ", ".join(KNOWN_PATHS) + " (none exist)")
    raise FontNotFound(
        "no font that can draw Chinese was found; tried "
        + "; ".join(tried)
        + ". Install one (Debian: apt install fonts-wqy-microhei) or set the font path."
    )


def find_bold_face(regular: str) -> str | None:
    """The bold face beside a regular CJK font file (Noto's "-Regular" -> "-Bold"), or None."""
    folder, name = os.path.split(regular)
    for weight in ("-Regular.", "-Medium.", "-Light."):
        if weight in name:
            bold = os.path.join(folder, name.replace(weight, "-Bold.", 1))
            if os.path.isfile(bold):
                return bold
    return None


def register_cjk_font(
    configured: str | None = None, cache_dir: Path | None = None
) -> tuple[str, str | None]:
    """Find a CJK font (and its bold face) and register them as Kivy's default font name, as
    their Simplified Chinese faces (cjk_face.py, cached in `cache_dir`); returns (regular path,
    bold path or None: bold text is then drawn with an outline) as given to Kivy."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    found = find_cjk_font(configured)
    bold_found = find_bold_face(found)
    # Kivy opens face 0 of a .ttc, which is Japanese in Noto CJK: hand it the SC face instead.
    path = sc_face(found, cache_dir)
    bold = sc_face(bold_found, cache_dir) if bold_found else None
    # Registering under the default name makes every Label use it without a font_name.
    LabelBase.register(DEFAULT_FONT, path, fn_bold=bold)
    log.info("using font %s (bold: %s) for %s", path, bold or "none, outlined", DEFAULT_FONT)
    return path, bold


def ink_height(font_size: float, bold: bool = False, text: str = REFERENCE_GLYPH) -> int:
    """The height in pixels of the ink of `text` drawn at `font_size` px in the default font:
    how tall a member sees the characters (a CJK ideograph is a little shorter than its em)."""
    from kivy.core.text import Label as CoreLabel

    label = CoreLabel(text=text, font_size=font_size, bold=bold)
    label.refresh()
    texture = label.texture
    width, height = texture.size
    alpha = texture.pixels[3::4]
    rows = [y for y in range(height) if any(alpha[y * width : (y + 1) * width])]
    return (rows[-1] - rows[0] + 1) if rows else 0
