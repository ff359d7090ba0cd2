"""The Kivy config shipped for the kiosk (deploy/kivy/config.ini): one touch input provider."""

import ast
import configparser
import os
import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "kivy" / "config.ini"
TOUCH_PROVIDERS = {"mtdev", "hidinput", "linuxwacom", "mactouch", "wm_touch", "wm_pen", "tuio"}


def read_config() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(CONFIG, encoding="utf-8")
    return parser


def providers(parser: configparser.ConfigParser) -> list[str]:
    found = []
    for value in parser["input"].values():
        parts = [p.strip() for p in value.split(",")]
        named = [p.split("=", 1)[1] for p in parts if p.startswith("provider=")]
        found += named or parts[:1]
    return found


def test_the_kiosk_config_has_exactly_one_touch_provider_and_no_mouse():
    found = providers(read_config())
    assert len(found) == 1, found
    assert found[0] in {"mtdev", "hidinput"}
    assert "mouse" not in found
    assert not set(found) - TOUCH_PROVIDERS


def test_the_config_is_of_kivys_own_version_so_kivy_adds_no_default_providers():
    from kivy.config import KIVY_CONFIG_VERSION

    assert read_config().getint("kivy", "config_version") == KIVY_CONFIG_VERSION


def test_kivy_itself_reads_one_input_provider_from_it(tmp_path):
    # A fresh process with KIVY_HOME holding only this file, as on the kiosk.
    (tmp_path / "config.ini").write_bytes(CONFIG.read_bytes())
    env = {
        **os.environ,
        "KIVY_HOME": str(tmp_path),
        "KIVY_NO_ARGS": "1",
        "KIVY_NO_CONSOLELOG": "1",
        "KIVY_NO_FILELOG": "1",
    }
    code = "from kivy.config import Config; print(dict(Config.items('input')))"
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    items = ast.literal_eval(run.stdout.strip().splitlines()[-1])
    assert list(items.values()) == ["probesysfs,provider=mtdev"]
    assert read_config().getint("kivy", "exit_on_escape") == 0
