"""Test-wide set-up: Kivy runs headless (SDL offscreen, Mesa software GL) with its own home."""

import pytest

from kiosk.ui.headless import use_offscreen_window

# Must happen before anything imports kivy (docs/architecture.md, "Headless Kivy").
use_offscreen_window()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """For pytest-xdist's `--dist loadgroup` (`make test`): tests spread one by one over the
    workers, except that a file whose tests share a module- or session-wide fixture of ours (a
    running Kivy app, a built wheel, a venv) stays on one worker, which builds it once."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        shared = any(
            d.scope != "function" and d.func.__module__.startswith("tests.")
            for defs in info.name2fixturedefs.values()
            for d in defs
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
