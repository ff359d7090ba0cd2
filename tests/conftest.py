"""Test-wide set-up: Kivy runs headless (SDL offscreen, Mesa software GL) with its own home."""

import logging
from collections.abc import Iterator

import pytest

from kiosk.ui.headless import use_offscreen_window

# Must happen before anything imports kivy (docs/architecture.md, "Headless Kivy").
use_offscreen_window()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """For pytest-xdist's `--dist loadgroup` (`make test`): tests spread one by one over the
    workers, except that a file whose tests share a module- or session-wide fixture of ours (a
    running Kivy app, a built wheel, a venv) stays on one worker, which builds it once.
    First among the hooks (tryfirst): xdist's worker reads the marks in its own."""
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


def pytest_configure(config: pytest.Config) -> None:
    """Refuse the one known pairing whose `--dist loadgroup` does not group (below)."""
    import xdist
    from packaging.version import Version

    if getattr(config.option, "dist", "no") != "loadgroup":
        return
    if Version(pytest.__version__) >= Version("9.2") and Version(xdist.__version__) <= Version(
        "3.8.0"
    ):
        raise pytest.UsageError(
            f"pytest {pytest.__version__} with pytest-xdist {xdist.__version__}: --dist "
            "loadgroup would not group (pytest-xdist issue 1386); pyproject.toml pins pytest<9.2"
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    """On an xdist worker under `--dist loadgroup`: every grouped test's id must carry its group
    (xdist's `@group` suffix), or the scheduler spreads the file over the workers and each one
    builds the file's shared fixture again. pytest 9.2 silently broke that (pytest-xdist issue
    1386; pyproject.toml pins pytest below it): a broken grouping stops the run, never slows it
    unseen."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [
        item.nodeid
        for item in session.items
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
    ]
    if lost:
        raise pytest.UsageError(
            f"--dist loadgroup is not grouping ({len(lost)} tests, e.g. {lost[0]}): this pytest "
            "and pytest-xdist do not agree on node ids; see pyproject.toml's pytest pin"
        )


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
