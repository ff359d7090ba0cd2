"""Find a font that draws Simplified Chinese and make it Kivy's default, so no glyph is a tofu box.

Order: a configured path, then fontconfig (`fc-match ':lang=zh-cn'`), then a few well-known
Debian / Raspberry Pi OS paths. Runs once at start-up, before the Kivy event loop.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess

from kiosk.ui.errors import FontNotFound

log = logging.getLogger(__name__)

FC_PATTERN = ":lang=zh-cn"
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


def register_cjk_font(configured: str | None = None) -> str:
    """Find a CJK font and register it as Kivy's default font name; returns its path."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    path = find_cjk_font(configured)
    # Registering under the default name makes every Label use it without a font_name.
    LabelBase.register(DEFAULT_FONT, path)
    log.info("using font %s for %s", path, DEFAULT_FONT)
    return path
