"""A board family's factory settings are one table (kiosk/core/board_families.py): the kiosk,
built from a config that names only the family, talks to its boards exactly as `kiosk board`
does with no options (the drivers' profile of that family)."""

from __future__ import annotations

import pytest

from drivers.lockboard.profile import BoardProfile
from kiosk.core.board_families import FACTORY_SETTINGS, FAMILIES
from kiosk.core.config import load_config
from kiosk.wiring.boards import build_board

CONFIG = """
[ledger]
url = "http://127.0.0.1:9"
key = "k3y"
[lockboard]
port = "socket://127.0.0.1:9"
protocol = "{family}"
[scanner]
port = "/dev/null"
"""


@pytest.mark.parametrize("family", FAMILIES)
def test_a_config_naming_only_the_family_gets_the_boards_factory_profile(tmp_path, family):
    path = tmp_path / "kiosk.toml"
    path.write_text(CONFIG.format(family=family))
    config = load_config(path)
    assert config.lockboard.baud == FACTORY_SETTINGS[family]["baud"]
    board = build_board(config)  # opened on first use: nothing is sent here
    try:
        assert board.profile == BoardProfile.for_protocol(family)
    finally:
        board.close()


def test_the_factory_settings_are_those_docs_protocols_md_gives():
    # docs/protocols.md, "Board profiles"
    xor = BoardProfile.for_protocol("xor")
    assert (xor.baud, xor.locks, xor.hook_open_bit, xor.item_sensors) == (9600, 24, 0, False)
    kerong = BoardProfile.for_protocol("kerong")
    assert (kerong.baud, kerong.locks, kerong.hook_open_bit, kerong.item_sensors) == (
        19200,
        16,
        1,
        True,
    )
