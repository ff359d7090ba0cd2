"""Every `kiosk ...` command in docs/technician-guide.md runs as written against the simulator:
in the guide's order, exit 0, no traceback.

What stands in for the field: the guide's adapter path /dev/timebank-lockboard0 (and its "..."
for a port) is a simulated bus answering boards 0 and 1, of the family the command names
(Kerong unless `--protocol xor|wkly`); the default config /etc/timebank-kiosk/kiosk.toml is a
simulated site's ($TIMEBANK_KIOSK_CONFIG, as `kiosk diag` reads it); `kiosk diag walk` is
answered "y". Inline code that is only a command's name (`kiosk board open`, NAMES) is a mention
in the text, not a command to run.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sim.lockboard import make_board
from sim.site import SimulatedSite
from sim.world import Cabinet, SimLocker

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "technician-guide.md"
ADAPTER = "/dev/timebank-lockboard0"
CONFIG = "/etc/timebank-kiosk/kiosk.toml"
VENV_KIOSK = "sudo -u kiosk /opt/timebank-kiosk/venv/bin/kiosk "
NAMES = {"kiosk", "kiosk board", "kiosk board open", "kiosk board status", "kiosk board capture"}


def guide_commands(text: str) -> list[str]:
    """The `kiosk` commands of the guide: code-block lines (with their continuations) and inline
    code, in order; a heading's inline code names a command, it does not run one."""
    commands, block, pending = [], False, ""
    for line in text.splitlines():
        if line.startswith("```"):
            block = not block
            continue
        if block:
            pending += line.strip()
            if pending.endswith("\\"):
                pending = pending[:-1]
                continue
            if pending.startswith("kiosk "):
                commands.append(pending)
            pending = ""
        elif not line.startswith("#"):
            for span in re.findall(r"`([^`]+)`", line):
                span = span.replace(VENV_KIOSK, "kiosk ")
                if span.startswith("kiosk ") and span not in NAMES:
                    commands.append(span)
    return commands


def test_the_guide_names_the_commands_a_technician_needs():
    commands = guide_commands(GUIDE.read_text(encoding="utf-8"))
    for start in ("kiosk diag service off --reason", "kiosk diag service on", "kiosk diag walk"):
        assert any(c.startswith(start) for c in commands), start
    assert any(c.startswith("kiosk board status --port") for c in commands)
    assert any(c.startswith("kiosk board open 1:5") for c in commands)
    assert any(c.startswith("kiosk board capture --port") for c in commands)


@pytest.fixture
def field(tmp_path):
    two_boards = Cabinet(
        [SimLocker(board, lock, "water", 1) for board in (0, 1) for lock in range(1, 7)]
    )
    kerong = make_board("kerong", two_boards, link=tmp_path / "timebank-lockboard0").start()
    buses = {"kerong": kerong}
    for family in ("xor", "wkly"):
        cabinet = Cabinet([SimLocker(b, n, "soap", 1) for b in (0, 1) for n in range(1, 9)])
        buses[family] = make_board(family, cabinet).start()
    with SimulatedSite(tmp_path / "site") as site:
        yield {"ports": {f: b.url for f, b in buses.items()}, "site": site}
    for bus in buses.values():
        bus.stop()


def test_every_kiosk_command_in_the_technicians_guide_runs_as_written(field, tmp_path):
    commands = guide_commands(GUIDE.read_text(encoding="utf-8"))
    env = {**os.environ, "TIMEBANK_KIOSK_CONFIG": str(field["site"].config_path)}
    failed = []
    for command in commands:
        family = re.search(r"--protocol (\w+)", command)
        port = field["ports"][family.group(1) if family else "kerong"]
        line = command.replace(ADAPTER, port).replace("--port ...", f"--port {port}")
        line = line.replace(CONFIG, str(field["site"].config_path))
        args = [a if a != "..." else "checked" for a in shlex.split(line, comments=True)]
        run = subprocess.run(
            [sys.executable, "-m", "kiosk.cli", *args[1:]],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=env,
            input="y\n" * 20,
        )
        if run.returncode != 0 or "Traceback" in run.stderr:
            failed.append(f"{command}\n  exit {run.returncode}: {run.stderr.strip()[-400:]}")
    assert not failed, "\n".join(failed)
