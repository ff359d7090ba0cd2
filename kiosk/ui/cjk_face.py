"""Pick the Simplified Chinese face out of a CJK font collection (.ttc).

Kivy's SDL2 text provider always opens face 0 of a collection; in Debian's fonts-noto-cjk
that is Noto Sans CJK **JP**, so characters Chinese and Japanese share (骨 直 今 ...) are drawn
with Japanese shapes. At first use the "Noto Sans CJK SC" face is copied out with fontTools
into a cached .otf (written atomically, then reused); when fontTools or the face is missing, a
warning is logged and the collection is used as before.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

SC_FAMILY = "Noto Sans CJK SC"


def default_cache_dir() -> Path:
    """Where extracted faces live when the caller names no directory: the user's cache dir."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "timebank-kiosk", "fonts")


def family_name(path: str | os.PathLike[str], index: int = 0) -> str:
    """The family name (typographic if present) of face `index` in a font file."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        return str(font["name"].getBestFamilyName())


def sc_face(path: str, cache_dir: Path | None = None, family: str = SC_FAMILY) -> str:
    """The path of a single-face font holding `family` from the collection at `path`, extracted
    into `cache_dir` on first use; `path` itself when it is no collection or cannot be split."""
    if not path.lower().endswith((".ttc", ".otc")):
        return path
    stat = os.stat(path)
    folder = cache_dir or default_cache_dir()
    # Size and mtime in the name: a font package upgrade gets a fresh extraction.
    tag = family.replace(" ", "")
    out = folder / f"{Path(path).stem}-{tag}-{stat.st_size}-{int(stat.st_mtime)}.otf"
    if out.is_file():
        return str(out)
    try:
        from fontTools.ttLib import TTCollection
    except ImportError:
        log.warning(
            "fontTools is not installed; %s draws with its first face, not %s", path, family
        )
        return path
    started = time.monotonic()
    try:
        collection = TTCollection(path, lazy=True)
        faces = [f for f in collection.fonts if f["name"].getBestFamilyName() == family]
        if not faces:
            log.warning("%s has no %r face; drawing with its first face", path, family)
            return path
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".otf.part")
        try:
            with os.fdopen(fd, "wb") as f:
                faces[0].save(f)
            os.replace(tmp, out)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as e:  # unreadable collection, read-only or full cache dir
        log.warning("cannot extract %r from %s (%s); drawing with its first face", family, path, e)
        return path
    log.info(
        "extracted %r from %s into %s in %.1f s (%.1f MB)",
        family,
        path,
        out,
        time.monotonic() - started,
        out.stat().st_size / 1e6,
    )
    return str(out)
