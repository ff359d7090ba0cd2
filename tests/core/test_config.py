"""A bad config file is refused with an error that names the file and the key."""

from pathlib import Path

import pytest

from kiosk.core.config import load_config
from kiosk.core.errors import ConfigError

GOOD = """
[kiosk]
name = "Street office 3"
[ledger]
url = "https://ledger.example:8443"
key = "secret-key"
[lockboard]
port = "/dev/serial/by-id/usb-lockboard"
[scanner]
port = "/dev/serial/by-id/usb-scanner"
[[locker]]
address = "0:1"
sku = "water"
count = 2
best_before = "2027-01-01"
"""


def write(tmp_path, text):
    p = tmp_path / "kiosk.toml"
    p.write_text(text)
    return p


def test_a_good_file_loads_with_defaults(tmp_path):
    c = load_config(write(tmp_path, GOOD))
    assert c.name == "Street office 3"
    assert c.language == "zh"
    assert c.lockboard.baud == 19200 and c.lockboard.protocol == "kerong"
    assert c.ledger.verify_tls is True
    assert c.lockers[0].locker == "0:1" and c.lockers[0].count == 2
    assert c.journal_path == tmp_path / "data" / "journal.db"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('key = "secret-key"', 'kee = "secret-key"'), "ledger.kee"),
        (("[lockboard]", "[lockboard]\nbaud = -5"), "lockboard.baud must be above 0"),
        (("[lockboard]", '[lockboard]\nbaud = "fast"'), "lockboard.baud must be int"),
        (("[lockboard]", '[lockboard]\nprotocol = "modbus"'), "lockboard.protocol must be one of"),
        (('address = "0:1"', 'address = "zero"'), "locker[0].address"),
        (('url = "https://ledger.example:8443"', 'url = "ftp://x"'), "ledger.url must start"),
        (("[scanner]", "[scaner]"), "unknown section [scaner]"),
        (('port = "/dev/serial/by-id/usb-scanner"', ""), "scanner.port is missing"),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(path) in str(e.value)
    assert message in str(e.value)


def test_broken_toml_is_reported_with_the_file(tmp_path):
    path = write(tmp_path, "[kiosk\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_the_key_may_come_from_a_file_beside_the_config(tmp_path):
    (tmp_path / "kiosk.key").write_text("from-a-file\n")
    c = load_config(write(tmp_path, GOOD.replace('key = "secret-key"', 'key_file = "kiosk.key"')))
    assert c.ledger.key == "from-a-file"


def test_the_shipped_example_config_is_valid(tmp_path):
    example = Path(__file__).parents[2] / "deploy" / "kiosk.example.toml"
    copy = tmp_path / "kiosk.toml"
    copy.write_text(example.read_text())
    (tmp_path / "kiosk.key").write_text("the-kiosk-key\n")
    c = load_config(copy)
    assert c.ledger.key == "the-kiosk-key" and c.ledger.url.startswith("https://")
    assert c.idle_timeout == 45.0
    assert [s.locker for s in c.lockers] == ["0:1", "0:2"]


def test_the_office_day_is_the_office_zone_s_date_not_the_system_s(tmp_path, monkeypatch):
    """At 23:30 UTC it is already tomorrow in Beijing: stock leaves sale by the office's date
    (the default zone), and a kiosk set to UTC keeps UTC's."""
    from dataclasses import replace
    from datetime import UTC, date, datetime

    from kiosk.core import config as config_module

    late = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return late.astimezone(tz)

    monkeypatch.setattr(config_module, "datetime", Clock)
    office = load_config(write(tmp_path, GOOD))
    assert office.office_tz == "Asia/Shanghai" and office.today() == date(2026, 12, 7)
    assert replace(office, office_tz="UTC").today() == date(2026, 12, 6)
    bad = GOOD.replace("[kiosk]\n", '[kiosk]\noffice_tz = "Mars/Olympus"\n', 1)
    with pytest.raises(ConfigError, match="kiosk.office_tz 'Mars/Olympus' is not a time zone"):
        load_config(write(tmp_path, bad))
