"""The diagnostic bundle: the files staff need, on a USB stick when one is in, and no secret in any
file — not the kiosk key, a member's TOTP secret, a PIN, a card code or a phone code."""

import json
import tarfile

import pytest

from kiosk.core.steps import Settlement, SettleReason
from kiosk.diag.bundle import Redactor, usb_stick, write_bundle
from kiosk.diag.errors import BundleError

PIN = "73914"
CARD = "tbc1:card-0042:Zq8vK2mN5pR7sT1w"


def plant_careless_log(parts, site):
    """A log that recorded everything a visit sees, as a buggy or verbose build might."""
    member = site.member("王阿姨")
    phone = site.phone_code("王阿姨")
    key = parts.config.ledger.key
    lines = [
        json.dumps({"event": "scan", "code": phone}),
        json.dumps({"event": "scan", "code": CARD, "pin": PIN}),
        json.dumps({"event": "member", "secret": member["secret"]}),
        f"POST /v1/sessions Authorization: Bearer {key} pin={PIN}",
    ]
    (parts.config.data_dir / "events.jsonl").write_text("\n".join(lines) + "\n")
    return [key, member["secret"], PIN, CARD.split(":")[2], phone.split(":")[2]]


def unpack(path, into):
    with tarfile.open(path) as tar:
        tar.extractall(into, filter="data")
    return {
        p.relative_to(into).as_posix().split("/", 1)[1]: p for p in into.rglob("*") if p.is_file()
    }


def test_no_secret_appears_anywhere_in_the_bundle(parts, site, tmp_path):
    secrets = plant_careless_log(parts, site)
    path = write_bundle(parts, tmp_path / "out")
    files = unpack(path, tmp_path / "unpacked")
    assert {"config.toml", "health.json", "journal.json", "logs/events.jsonl"} <= set(files)
    raw = path.read_bytes()
    for name, file in files.items():
        text = file.read_text()
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into {name}"
    assert all(s.encode() not in raw for s in secrets)  # nor in the archive's own bytes
    log = files["logs/events.jsonl"].read_text()
    assert "<redacted>" in log and "tb1:" in log  # what happened stays readable


def test_the_bundle_holds_config_health_journal_selftest_and_versions(parts, site, tmp_path):
    vend = parts.journal.begin("sess-secret-1", "member-1", "water", 20, "0:2")
    parts.journal.decide(vend.id, Settlement.CAPTURE, SettleReason.HANDED_OUT)
    files = unpack(write_bundle(parts, tmp_path / "b.tar.gz"), tmp_path / "unpacked")
    config = files["config.toml"].read_text()
    assert 'key = "<redacted>"' in config and site.board.url in config
    health = json.loads(files["health.json"].read_text())
    assert any(c["name"] == "lock board 0" and c["status"] == "ok" for c in health)
    journal = json.loads(files["journal.json"].read_text())
    assert journal["unfinished"][0]["locker"] == "0:2"
    assert "sess-secret-1" not in files["journal.json"].read_text()
    assert "member-1" not in files["journal.json"].read_text()
    versions = json.loads(files["versions.json"].read_text())
    assert versions["kiosk"] and versions["packages"]["pyserial"]


def test_a_key_file_and_its_contents_are_kept_out(site, tmp_path):
    from kiosk.core.config import load_config
    from kiosk.wiring.parts import KioskParts

    key = site.demo["kiosk_key"]
    (site.config_path.parent / "kiosk.key").write_text(key + "\n")
    text = site.config_path.read_text().replace(f'key = "{key}"', 'key_file = "kiosk.key"')
    site.config_path.write_text(text)
    with KioskParts.from_config(load_config(site.config_path)) as parts:
        path = write_bundle(parts, tmp_path)
    assert key.encode() not in path.read_bytes()
    files = unpack(path, tmp_path / "unpacked")
    assert all(key not in f.read_text() for f in files.values())


def test_the_bundle_goes_to_a_mounted_usb_stick(parts, tmp_path):
    stick = tmp_path / "media" / "pi" / "STICK"
    stick.mkdir(parents=True)
    found = usb_stick([str(tmp_path / "media" / "*" / "*")], is_mount=lambda p: p == str(stick))
    assert found == stick
    path = write_bundle(parts, usb=lambda: found)
    assert path.parent == stick and path.name.endswith(".tar.gz")
    assert not list(stick.glob("*.part"))


def test_without_a_stick_or_a_path_the_bundle_stays_in_the_data_folder(parts):
    path = write_bundle(parts, usb=lambda: None)
    assert path.parent == parts.config.data_dir / "bundles"


def test_an_unwritable_destination_is_a_clear_error(parts, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(BundleError, match="cannot write the diagnostic bundle"):
        write_bundle(parts, blocker / "sub")


def test_secret_named_config_values_are_redacted_but_others_kept():
    toml = 'url = "http://l"\nkey = "abc123456"\napi_token = 99999999\nbaud = 9600\n'
    out = Redactor([]).config(toml)
    assert 'key = "<redacted>"' in out and 'api_token = "<redacted>"' in out
    assert "baud = 9600" in out and 'url = "http://l"' in out
