"""`kiosk voice render`: the elder mode's spoken Mandarin prompts (kiosk/ui/voice.py PROMPTS) as
WAV files, rendered with espeak-ng's `cmn` voice. The installer runs it once per install; the
files are not shipped (2.4 MB for the eight at espeak-ng's 22 kHz, and renderable anywhere).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ESPEAK_TIMEOUT_S = 30.0


def add_parser(sub: Any) -> None:
    """Register `kiosk voice render` on the `kiosk` command's subparsers."""
    v = sub.add_parser("voice", help="the elder mode's spoken prompts")
    vsub = v.add_subparsers(dest="voice_command", required=True)
    r = vsub.add_parser("render", help="render every prompt to OUT/<key>.wav with espeak-ng")
    r.add_argument("--out", required=True, help="folder for the WAV files ([kiosk] voice_dir)")
    r.add_argument("--voice", default="cmn", help="espeak-ng voice (default cmn: Mandarin)")
    r.add_argument("--speed", type=int, default=140, help="words a minute (default 140: slow)")


def render(out: Path, voice: str = "cmn", speed: int = 140) -> list[Path]:
    """Write every prompt as OUT/<key>.wav; returns the files. OSError naming what failed."""
    from kiosk.ui.voice import PROMPTS

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise OSError("espeak-ng is not installed (Debian: apt install espeak-ng)")
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o755)  # the kiosk user reads what root rendered
    written = []
    for key, text in PROMPTS.items():
        path = out / f"{key}.wav"
        run = subprocess.run(
            [espeak, "-v", voice, "-s", str(speed), "-w", str(path), text],
            capture_output=True,
            text=True,
            timeout=ESPEAK_TIMEOUT_S,
            check=False,
        )
        if run.returncode != 0 or not path.is_file() or path.stat().st_size < 1000:
            raise OSError(f"espeak-ng could not render {key}: {run.stderr.strip() or 'no file'}")
        path.chmod(0o644)  # the kiosk user reads what root rendered
        written.append(path)
    return written


def run(args: argparse.Namespace) -> int:
    try:
        files = render(Path(args.out), args.voice, args.speed)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"kiosk voice render: {e}", file=sys.stderr)
        return 1
    print(f"{len(files)} prompts in {args.out}")
    return 0
