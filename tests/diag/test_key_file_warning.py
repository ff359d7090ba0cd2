"""`kiosk diag` warns when the kiosk's ledger key can be read by more than the kiosk's user: a
key file of mode 0644, or a key written inline in a config file others can read."""

from __future__ import annotations

import json

from kiosk.core.config import load_config
from kiosk.diag.checks import Status
from kiosk.diag.health import key_file_check
from tests.diag.conftest import kiosk


def use_key_file(site, mode: int):
    """The site's config with its key moved to kiosk.key of `mode`; returns the key file."""
    key = site.demo["kiosk_key"]
    key_file = site.config_path.parent / "kiosk.key"
    key_file.write_text(key + "\n")
    key_file.chmod(mode)
    text = site.config_path.read_text().replace(f'key = "{key}"', 'key_file = "kiosk.key"')
    site.config_path.write_text(text)
    site.config_path.chmod(0o600)
    return key_file


def test_diag_warns_about_a_key_file_everyone_can_read(site):
    key_file = use_key_file(site, 0o644)
    run = kiosk("diag", "--config", str(site.config_path), "--json")
    assert run.returncode == 0, run.stdout + run.stderr  # a warning, not a failure
    check = next(c for c in json.loads(run.stdout)["checks"] if c["name"] == "key file")
    assert check["status"] == "warn"
    assert check["value"] == "mode 0644: open to every user"
    assert f"chmod 600 {key_file}" in check["detail"]
    assert site.demo["kiosk_key"] not in run.stdout + run.stderr


def test_a_key_file_of_mode_0600_is_ok_and_0640_warns_about_its_group(site):
    key_file = use_key_file(site, 0o600)
    check = key_file_check(load_config(site.config_path))
    assert check.status is Status.OK and check.value == "mode 0600"
    key_file.chmod(0o640)
    check = key_file_check(load_config(site.config_path))
    assert check.status is Status.WARN and check.value == "mode 0640: open to its group"


def test_a_key_inline_in_a_readable_config_warns_and_says_to_move_it(site):
    site.config_path.chmod(0o644)
    check = key_file_check(load_config(site.config_path))
    assert check.status is Status.WARN
    assert "holds inline the ledger key" in check.detail and "ledger.key_file" in check.detail
    site.config_path.chmod(0o600)
    assert key_file_check(load_config(site.config_path)).status is Status.OK
