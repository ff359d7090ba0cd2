"""The bad-input properties (tests/reliability/test_bad_*.py), the long run: the same tests with
ten times the examples, in a fresh pytest so that every @settings picks the count up.

    pytest -m slow tests/reliability/test_bad_input_slow.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent


def test_the_bad_input_properties_hold_for_ten_times_the_examples() -> None:
    files = sorted(str(p) for p in HERE.glob("test_bad_*.py") if p.name != Path(__file__).name)
    assert len(files) >= 6
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
        cwd=HERE.parents[1],
        env={**os.environ, "BAD_INPUT_SCALE": "10"},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1], run.stdout[-2000:]
