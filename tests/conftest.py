"""Test-wide set-up: Kivy runs headless (SDL offscreen, Mesa software GL) with its own home."""

import logging
from collections.abc import Iterator

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


@pytest.fixture(autouse=True)
def _root_handlers_keep_their_filters() -> Iterator[None]:
    """A test that runs a kiosk command in-process guards every root handler with the kiosk's
    redacting filter (kiosk.core.redaction.guard_all), pytest's own session-long handlers too;
    that filter rewrites each record in place, so later tests on the worker saw their captured
    messages redacted. Each test's changes to the root handlers' filters end with the test."""
    root = logging.getLogger()
    kept = {handler: list(handler.filters) for handler in root.handlers}
    yield
    for handler, filters in kept.items():
        handler.filters[:] = filters
