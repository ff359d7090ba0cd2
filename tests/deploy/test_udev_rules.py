"""The udev rules give the lock-board and scanner adapters their stable names, in valid syntax
(bookworm's udevadm has no `verify`, so the rule grammar is checked here)."""

import re

from tests.deploy.conftest import DEPLOY

RULES = DEPLOY / "udev/99-timebank-kiosk.rules"
# KEY, KEY{attr}; the operators udev knows; a double-quoted value.
PAIR = re.compile(r'^[A-Z_]+(\{[^}]+\})?(==|!=|\+=|-=|:=|=)"[^"]*"$')


def rules() -> list[str]:
    return [
        line.strip()
        for line in RULES.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_every_udev_rule_is_a_list_of_quoted_key_value_pairs():
    for number, rule in enumerate(rules(), 1):
        for pair in rule.split(", "):
            assert PAIR.match(pair), f"rule {number}: {pair!r}"


def test_the_rules_name_the_lock_board_and_the_scanner_for_the_dialout_group():
    active = rules()
    for name in ("timebank-lockboard0", "timebank-scanner"):
        (rule,) = [r for r in active if f'SYMLINK+="{name}"' in r]
        assert 'GROUP="dialout"' in rule and 'MODE="0660"' in rule
        assert 'ATTRS{idVendor}=="' in rule and 'ATTRS{idProduct}=="' in rule


def test_the_rules_skip_everything_that_is_not_a_tty_being_added():
    active = rules()
    assert 'SUBSYSTEM!="tty", GOTO="timebank_kiosk_end"' in active
    assert active[-1] == 'LABEL="timebank_kiosk_end"'
