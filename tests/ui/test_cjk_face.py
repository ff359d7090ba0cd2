"""The Simplified Chinese face of a CJK collection (kiosk/ui/cjk_face.py): Kivy opens face 0 of
a .ttc, which is Japanese in Noto Sans CJK, so the kiosk hands it the SC face extracted into a
cached .otf. The rendering test draws 骨直今 (their Chinese and Japanese shapes differ) with the
kiosk's registered font and with face 0, in a fresh process; the PNGs stay in its tmp folder.
"""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ui import cjk_face
from kiosk.ui.cjk_face import SC_FAMILY, family_name, sc_face

NOTO = Path("/usr/share/fonts/opentype/noto")
REGULAR = NOTO / "NotoSansCJK-Regular.ttc"
BOLD = NOTO / "NotoSansCJK-Bold.ttc"
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
needs_noto = pytest.mark.skipif(not REGULAR.is_file(), reason="needs fonts-noto-cjk")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("font-cache")


@needs_noto
def test_face_0_of_the_collection_is_japanese_so_kivy_alone_would_draw_japanese_shapes():
    assert family_name(REGULAR, 0) == "Noto Sans CJK JP"


@needs_noto
def test_the_sc_face_is_extracted_once_and_then_reused(cache, monkeypatch):
    extracted = sc_face(str(REGULAR), cache)
    assert extracted != str(REGULAR)
    assert Path(extracted).parent == cache
    assert family_name(extracted) == SC_FAMILY
    assert not list(cache.glob(".*.part"))  # the temporary file was renamed into place

    def no_second_extraction(*args, **kwargs):
        raise AssertionError("extracted again instead of reusing the cached face")

    monkeypatch.setattr("fontTools.ttLib.TTCollection", no_second_extraction)
    assert sc_face(str(REGULAR), cache) == extracted


def test_a_single_face_font_is_used_as_it_is(tmp_path):
    font = tmp_path / "font.otf"
    font.write_bytes(b"")
    assert sc_face(str(font), tmp_path / "cache") == str(font)
    assert not (tmp_path / "cache").exists()


@needs_noto
def test_without_fonttools_the_collection_is_kept_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "fontTools.ttLib", None)  # makes the import fail
    with caplog.at_level(logging.WARNING, logger=cjk_face.__name__):
        assert sc_face(str(REGULAR), tmp_path) == str(REGULAR)
    assert "fontTools is not installed" in caplog.text


@pytest.mark.skipif(not WQY.is_file(), reason="needs fonts-wqy-microhei")
def test_a_collection_without_the_sc_face_is_kept_with_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger=cjk_face.__name__):
        assert sc_face(str(WQY), tmp_path) == str(WQY)
    assert "has no 'Noto Sans CJK SC' face" in caplog.text
    assert not list(tmp_path.iterdir())


@needs_noto
def test_an_unwritable_cache_keeps_the_collection_with_a_warning(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    with caplog.at_level(logging.WARNING, logger=cjk_face.__name__):
        assert sc_face(str(REGULAR), blocked / "fonts") == str(REGULAR)
    assert "cannot extract" in caplog.text


@pytest.mark.ui
@needs_noto
def test_the_kiosk_draws_chinese_shapes_not_the_japanese_face_0(cache, tmp_path):
    repo = Path(__file__).resolve().parents[2]
    args = {"out": str(tmp_path), "cache": str(cache), "regular": str(REGULAR), "bold": str(BOLD)}
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.cjk_glyphs", json.dumps(args)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    result = json.loads(lines[-1][len("RESULT ") :])
    # The files Kivy was given (regular and bold) are the SC faces.
    assert family_name(result["kivy_regular"]) == SC_FAMILY
    assert family_name(result["kivy_bold"]) == SC_FAMILY
    for weight in ("regular", "bold"):
        drawn = result[weight]
        assert drawn["same_size"], weight
        # Same characters, same size: about half the inked pixels differ between SC and JP.
        assert drawn["differing"] > drawn["inked"] // 10, (weight, drawn)
        assert (tmp_path / f"kiosk-{weight}.png").stat().st_size > 0
