"""`kiosk diag fonts` prepares the screens' Chinese face where `kiosk run` looks for it (the
data folder's fonts/), so the installer can do the slow part once, before the first start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ui.cjk_face import SC_FAMILY, family_name

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
KIOSK = str(Path(sys.executable).parent / "kiosk")
CONFIG = """
[kiosk]
name = "Street office 3"
data_dir = "data"
font_path = "{font}"
[ledger]
url = "https://ledger.example:8443"
key = "secret-key"
[lockboard]
port = "/dev/serial/by-id/usb-lockboard"
[scanner]
port = "/dev/serial/by-id/usb-scanner"
"""


def fonts(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [KIOSK, "diag", "fonts", "--config", str(config), *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not NOTO.is_file(), reason="needs fonts-noto-cjk (.ci/run installs it)")
def test_the_simplified_chinese_face_is_copied_into_the_data_folder_once(tmp_path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(CONFIG.format(font=NOTO))
    first = fonts(config, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    regular = Path(report["drawn_with"]["regular"])
    assert regular.parent == tmp_path / "data" / "fonts"  # where `kiosk run` passes its cache
    assert family_name(regular) == SC_FAMILY  # not face 0, Noto Sans CJK JP
    made = regular.stat().st_mtime_ns

    again = fonts(config)  # as a technician reads it
    assert again.returncode == 0, again.stderr
    assert f"regular:    {regular} (the Chinese face, copied out)" in again.stdout
    assert regular.stat().st_mtime_ns == made  # found, not made again


def test_a_configured_font_that_is_not_there_fails_and_says_which_font_is_used(tmp_path) -> None:
    config = tmp_path / "kiosk.toml"
    missing = tmp_path / "missing.ttc"
    config.write_text(CONFIG.format(font=missing))
    run = fonts(config)
    assert run.returncode == 1
    assert f"FAIL: [kiosk] font_path {missing} does not exist; the screens use " in run.stderr


def test_a_config_with_a_wrong_key_is_named(tmp_path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(CONFIG.format(font=NOTO).replace("[scanner]", "[scanner]\nspeed = 9"))
    run = fonts(config)
    assert run.returncode == 2
    assert run.stderr.startswith("kiosk diag fonts: ") and "speed" in run.stderr
