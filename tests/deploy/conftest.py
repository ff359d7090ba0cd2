"""Shared set-up for the deployment tests: the external tools they need, and one wheel."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def require_tool(name: str, package: str) -> str:
    """The tool's path; missing, the test fails in CI (which installs it) and skips elsewhere."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} not found (Debian package {package}; .ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def kiosk_wheel(tmp_path_factory) -> Path:
    """A wheel of this checkout, built from a copy so the shared tree gets no build/ folder."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in ("kiosk", "drivers", "sim", "ledger"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(src)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("timebank_kiosk-*.whl")
    return wheel
