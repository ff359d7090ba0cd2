"""`kiosk diag fonts`: the font the screens draw Chinese with, prepared now.

    kiosk diag fonts [--config FILE] [--json]

Finds the font as the screens do (the config's [kiosk] font_path, then fontconfig, then the
usual Debian paths) and copies its Simplified Chinese face out of a CJK collection into the
data folder's fonts/ (kiosk/ui/cjk_face.py), where `kiosk run` finds it: the installer runs it
as the kiosk's user, so the first start after installing does not spend its time on it. Run
again, it finds the copies made and says so. No window, no board, no ledger.
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def run(args: argparse.Namespace) -> int:
    from kiosk.core.config import load_config
    from kiosk.core.errors import ConfigError
    from kiosk.ui.cjk_face import sc_face
    from kiosk.ui.errors import FontNotFound
    from kiosk.ui.fonts import find_bold_face, find_cjk_font

    if args.sim:
        print("kiosk diag fonts: prepares this machine's fonts; give --config", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config)
        cache = config.make_data_dir() / "fonts"
        found = find_cjk_font(config.font_path)
    except (ConfigError, FontNotFound) as e:
        print(f"kiosk diag fonts: {e}", file=sys.stderr)
        return 2
    started = time.monotonic()
    bold_found = find_bold_face(found)
    faces = {
        "regular": sc_face(found, cache),
        "bold": sc_face(bold_found, cache) if bold_found else None,
    }
    report = {
        "font": found,
        "bold": bold_found,
        "drawn_with": faces,
        "cache": str(cache),
        "seconds": round(time.monotonic() - started, 1),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return _configured_missing(config.font_path, found)
    print(f"font:       {found}")
    print(f"bold face:  {bold_found or 'none (bold text is outlined)'}")
    for weight, path in faces.items():
        if path is not None:
            note = "the Chinese face, copied out" if path.startswith(str(cache)) else "as is"
            print(f"{weight + ':':<11} {path} ({note})")
    print(f"took {report['seconds']} s")
    return _configured_missing(config.font_path, found)


def _configured_missing(configured: str | None, found: str) -> int:
    """1 when [kiosk] font_path names a file that is not there (the screens use another)."""
    if configured is None or configured == found:
        return 0
    print(
        f"FAIL: [kiosk] font_path {configured} does not exist; the screens use {found}. "
        "Fix or remove font_path.",
        file=sys.stderr,
    )
    return 1
