"""[kiosk] voice_prompts and voice_dir: elder mode's spoken prompts, on by default, read from the
folder the installer renders them into; a wrong value or an unknown key stops the kiosk in words."""

from pathlib import Path

import pytest

from kiosk.core.config import load_config
from kiosk.core.errors import ConfigError
from tests.core.test_config import GOOD, write


def test_voice_prompts_are_on_by_default_from_the_installers_folder(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.voice_prompts is True
    assert config.voice_dir == Path("/opt/timebank-kiosk/voice")


def test_voice_prompts_can_be_turned_off_and_a_relative_folder_lies_beside_the_config(tmp_path):
    text = GOOD.replace("[kiosk]", '[kiosk]\nvoice_prompts = false\nvoice_dir = "voice"')
    config = load_config(write(tmp_path, text))
    assert config.voice_prompts is False and config.voice_dir == tmp_path / "voice"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('voice_prompts = "no"', "kiosk.voice_prompts"),
        ("voice_dir = 3", "kiosk.voice_dir"),
        ("voice_promts = false", "voice_promts"),
    ],
)
def test_a_bad_voice_key_is_refused_naming_the_file_and_key(tmp_path, line, words):
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path, GOOD.replace("[kiosk]", f"[kiosk]\n{line}")))
    assert words in str(e.value) and "kiosk.toml" in str(e.value)
