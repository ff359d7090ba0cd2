"""`kiosk diag` as a technician runs it over SSH, against a simulated site."""

import json
import re
import tarfile

from tests.diag.conftest import kiosk, ledger_events


def test_diag_on_the_simulator_passes_and_its_json_parses():
    run = kiosk("diag", "--sim", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    doc = json.loads(run.stdout)
    assert doc["status"] in ("ok", "warn")
    by_name = {c["name"]: c for c in doc["checks"]}
    for name in ("ledger", "clock", "lock board 0", "scanner", "journal", "disk", "version"):
        assert by_name[name]["status"] == "ok", by_name[name]
    assert all(set(c) == {"name", "status", "value", "detail"} for c in doc["checks"])


def test_a_silent_board_is_a_failure_in_the_table_and_the_exit_code(site):
    site.board.silent = True
    run = kiosk("diag", "--config", str(site.config_path))
    assert run.returncode == 1
    row = next(line for line in run.stdout.splitlines() if "lock board 0" in line)
    assert row.startswith("FAIL") and "no answer" in row
    assert "FAIL: lock board 0" in run.stdout
    assert "RS485 A and B swapped" in run.stdout  # the wiring hint, with the error
    assert "Traceback" not in run.stderr


def test_the_table_aligns_its_columns(site):
    run = kiosk("diag", "--config", str(site.config_path))
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [line for line in run.stdout.splitlines()[1:] if line and not line.startswith("all")]
    value_column = rows[0].index("value")
    assert all(row[value_column - 2 : value_column] == "  " for row in rows)


def test_service_off_is_stored_and_shown_by_the_next_check(site):
    off = kiosk(
        "diag",
        "--config",
        str(site.config_path),
        "--by",
        "tech-7",
        "service",
        "off",
        "--reason",
        "door 0:3 sticks",
    )
    assert off.returncode == 0, off.stderr
    check = kiosk("diag", "--config", str(site.config_path), "--json")
    service = next(c for c in json.loads(check.stdout)["checks"] if c["name"] == "service")
    assert service["status"] == "warn" and service["value"] == "OUT OF SERVICE"
    assert "door 0:3 sticks" in service["detail"] and "tech-7" in service["detail"]
    # Back in service as the technician's guide writes it: no reason needed.
    on = kiosk("diag", "--config", str(site.config_path), "--by", "tech-7", "service", "on")
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "in_service: checked"
    refused = kiosk("diag", "--config", str(site.config_path), "--by", "tech-7", "service", "off")
    assert refused.returncode == 2 and "--reason" in refused.stderr


def test_a_restock_with_a_bad_count_is_refused_naming_the_locker_and_field(site):
    run = kiosk(
        "diag",
        "--config",
        str(site.config_path),
        "restock",
        "0:1",
        "--sku",
        "tissues",
        "--count",
        "-2",
        "--open",
    )
    assert run.returncode == 2
    assert "locker 0:1" in run.stderr and "count -2" in run.stderr
    assert site.cabinet.pulses(0, 1) == 0  # refused before the door was opened


def test_a_walk_asks_at_each_locker_and_stops_when_told(site):
    run = kiosk("diag", "--config", str(site.config_path), "walk", stdin="y\nmaybe\ny\nq\n")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("did it open?") == 4  # "maybe" is asked again
    # Each locker says how far the walk is: three of the site's six opened before "q".
    assert re.findall(r"\[\d/\d\] locker", run.stdout) == [
        "[1/6] locker",
        "[2/6] locker",
        "[3/6] locker",
    ]
    assert [site.cabinet.pulses(0, n) for n in (1, 2, 3, 4)] == [1, 1, 1, 0]


def test_a_missing_config_file_is_named():
    run = kiosk("diag", "--config", "/nonexistent/kiosk.toml")
    assert run.returncode == 2
    assert "/nonexistent/kiosk.toml" in run.stderr and "Traceback" not in run.stderr


def test_selftest_and_bundle_from_the_command_line(site, tmp_path):
    config = str(site.config_path)
    test = kiosk("diag", "--config", config, "--by", "tech-5", "selftest", "--json")
    assert test.returncode == 0, test.stdout + test.stderr
    assert json.loads(test.stdout)["reported"] is True
    assert ledger_events(site, "self_test")[-1]["data"]["by"] == "tech-5"
    bundle = kiosk("diag", "--config", config, "bundle", "--out", str(tmp_path), "--json")
    assert bundle.returncode == 0, bundle.stderr
    path = json.loads(bundle.stdout)["bundle"]
    assert path.startswith(str(tmp_path)) and tarfile.is_tarfile(path)
    assert ledger_events(site, "technician")[-1]["data"]["action"] == "bundle"
