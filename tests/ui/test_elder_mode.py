"""Elder mode (长辈模式): one tap on the attract screen makes the text larger (6 mm), black on
white, two items a page, and says each step in Mandarin through Kivy's SoundLoader, from the
prompts `kiosk voice render` writes with espeak-ng; the next visit starts in the default mode;
`voice_prompts = false` keeps it silent."""

import logging
import os
import shutil

import pytest

from kiosk.commands.voice import render
from kiosk.core.view import KioskView, ResultView, SessionState
from kiosk.ui.voice import PROMPTS, VoicePrompts
from tests.ui.scenarios import run_scenario

pytestmark = pytest.mark.ui
STEPS = ["pin.wav", "catalog.wav", "confirm.wav", "vending.wav", "result_ok.wav"]


@pytest.fixture(scope="module")
def voice_dir(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is needed (apt install espeak-ng; .ci/run installs it)")
    out = tmp_path_factory.mktemp("voice")
    render(out)
    return out


@pytest.fixture(scope="module")
def elder(voice_dir):
    return run_scenario("elder", voice_dir=str(voice_dir))


def test_kiosk_voice_render_writes_every_prompt_as_a_wav(voice_dir):
    assert sorted(p.name for p in voice_dir.iterdir()) == sorted(f"{k}.wav" for k in PROMPTS)
    for path in voice_dir.iterdir():
        assert path.read_bytes()[:4] == b"RIFF" and path.stat().st_size > 20_000


def test_one_tap_turns_elder_mode_on_with_larger_text_and_black_on_white(elder):
    large, small, label = elder["before"]
    assert (large, label) == (False, "长辈模式")
    large_after, small_after, label_after = elder["after_tap"]
    assert (large_after, label_after) == (True, "标准字体")
    assert small_after > small * 1.25  # the 6 mm floor against the 4.5 mm one
    assert elder["colours"] == [[0, 0, 0, 1], [1, 1, 1, 1]]
    assert elder["page"] == [3, 2]  # six items, two a page


def test_each_step_is_said_once_in_mandarin_through_the_sound_loader(elder):
    assert elder["asked"] == ["elder_on.wav", *STEPS]
    assert all(length > 0.5 for length in elder["lengths"]), elder["lengths"]


def test_the_next_visit_starts_in_the_default_mode_and_silent(elder):
    assert elder["after_visit"] == [False, "长辈模式"]
    assert elder["asked_after_visit"] == []


def test_voice_prompts_off_in_the_config_says_nothing(voice_dir):
    silent = run_scenario("elder", voice_dir=str(voice_dir), voice=False)
    assert silent["asked"] == [] and silent["after_tap"][0] is True


class Recorder:
    def __init__(self):
        self.played = []

    def load(self, path):
        recorder = self

        class Sound:
            def play(self):
                recorder.played.append(os.path.basename(path))

            def stop(self):
                pass

        return Sound()


def test_a_failed_visit_says_so_and_a_missing_file_is_logged_once(tmp_path, caplog):
    (tmp_path / "result_failed.wav").write_bytes(b"RIFF")
    rec = Recorder()
    voice = VoicePrompts(tmp_path, load=rec.load)
    failed = KioskView(
        state=SessionState.RESULT, result=ResultView(ok=False, message="x", balance=0)
    )
    voice.step(failed, elder=True)
    assert rec.played == ["result_failed.wav"]
    with caplog.at_level(logging.WARNING):
        voice.step(KioskView(state=SessionState.PIN_ENTRY), elder=True)
        voice.step(KioskView(state=SessionState.BROWSING), elder=True)
        voice.step(KioskView(state=SessionState.PIN_ENTRY), elder=True)
    assert rec.played == ["result_failed.wav"]
    assert sum("pin.wav" in r.message for r in caplog.records) == 1
