"""A kiosk installed as on a Pi: this checkout's wheel plus the kiosk's own dependencies only
(no [ledger] extra), in a fresh venv that cannot see the dev venv. The simulator's commands
need the ledger service: they must say what to install, not fail with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

pytestmark = pytest.mark.install

INSTALL_HINT = "pip install 'timebank-kiosk[ledger]'"


def kiosk_dependencies() -> list[str]:
    """[project.dependencies] of pyproject.toml: what a kiosk gets without extras."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


@pytest.fixture(scope="module")
def kiosk_venv(tmp_path_factory: pytest.TempPathFactory, kiosk_wheel: Path) -> Path:
    """The venv's bin folder. pip's own cache and configured indexes make this ~10 s."""
    venv = tmp_path_factory.mktemp("pi") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    for args in (kiosk_dependencies(), ["--no-deps", str(kiosk_wheel)]):
        run = subprocess.run([*pip, *args], capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout + run.stderr
    return venv / "bin"


def run_in(bin_dir: Path, tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`argv` with the venv's program `argv[0]`, headless, away from the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"))
    return subprocess.run(
        [str(bin_dir / argv[0]), *argv[1:]],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,  # not the checkout: its packages must not be importable from the cwd
    )


def test_the_pi_venv_has_the_kiosk_but_not_the_ledgers_packages(
    kiosk_venv: Path, tmp_path: Path
) -> None:
    probe = (
        "import importlib.util as u, kiosk, sim;"
        "print(kiosk.__file__);"
        "print([m for m in ('sqlalchemy', 'fastapi', 'uvicorn', 'pytest') if u.find_spec(m)])"
    )
    run = run_in(kiosk_venv, tmp_path, "python", "-c", probe)
    assert run.returncode == 0, run.stderr
    where, found = run.stdout.splitlines()
    assert where.startswith(str(kiosk_venv.parent))  # the venv's copy, not the checkout
    assert found == "[]"


@pytest.mark.parametrize(
    "argv",
    [("diag", "--sim"), ("demo", "--out", "shots"), ("sim",)],
    ids=["diag-sim", "demo", "sim"],
)
def test_the_simulator_commands_say_what_to_install(
    kiosk_venv: Path, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    run = run_in(kiosk_venv, tmp_path, "kiosk", *argv)
    said = run.stdout + run.stderr
    assert run.returncode == 1, said
    assert "Traceback" not in said
    assert INSTALL_HINT in run.stderr
    assert "ledger service" in run.stderr
