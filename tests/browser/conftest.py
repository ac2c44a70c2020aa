"""Fixtures for the real-browser tests: pytest-playwright's, set up for Debian's Chromium.

- ``browser``, ``context``, ``page``: pytest-playwright's fixtures. The launch options
  (``browser_type_launch_args``) point at ``/usr/bin/chromium`` (or ``C1X1_CHROMIUM``),
  headless unless ``--headed``, with ``CHROMIUM_ARGS``; Playwright never downloads a browser
  here. Without one the tests skip with instructions, except when ``CI`` is set: there a
  missing or broken browser is a failure. Only Chromium is driven (``only_browser``).
- ``lab``: a JupyterLab of its own (:class:`lab_server.LabServer`) serving a temporary copy
  of the notebooks, stopped at the end of the session whatever happens.
- ``lab_page``: pytest-playwright's ``page`` with the test scripts (``js/``) loaded and its
  console and page errors collected; the test's kernels are shut down afterwards.
- ``latency_rows``: slider timings of the whole session, printed at the end and written to
  ``artifacts/latency.md``. They are reported, never asserted.
- ``busy_cores``: with ``C1X1_BUSY_CORES=N`` set, N processes each keep one core busy
  while the lab runs (a learner on a busy Binder machine); the latency report says so.

Only the tests that use a browser fixture get the ``browser`` mark, so that
``-m "not browser"`` keeps the unit tests of this folder.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.parallel import gathered

from .browser_setup import (
    CHROMIUM_ARGS,
    CONTEXT_ARGS,
    HOW_TO_GET_A_BROWSER,
    chromium_executable,
    needs_browser,
    notebook_dir,
    skip_or_fail,
)
from .js_loader import install
from .lab_server import new_lab_server
from .page_checks import PageLog


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives a real Chromium (tests/browser); set by the fixtures used."
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if needs_browser(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.only_browser("chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options (``--headed``, ``--slowmo``…) on the system Chromium."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": chromium_executable(),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def launch_browser(launch_browser):
    """pytest-playwright's launcher; a Chromium that does not start skips (fails in CI)."""

    def launch(**kwargs):
        try:
            return launch_browser(**kwargs)
        except PlaywrightError as exc:
            skip_or_fail(f"Chromium did not start: {exc}. {HOW_TO_GET_A_BROWSER}")

    return launch


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """pytest-playwright's ``--base-url`` (its own fixture is a method: pytest 9 deprecates it)."""
    return pytestconfig.getoption("--base-url")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """pytest-playwright's context options, with the tests' window size and language."""
    return {**browser_context_args, **CONTEXT_ARGS}


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    """A running JupyterLab serving a temporary copy of the notebooks (if there are any)."""
    server = new_lab_server(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start(notebook_dir())
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def busy_cores():
    """Start ``C1X1_BUSY_CORES`` processes that each keep a core busy; stop them at the end."""
    count = int(os.environ.get("C1X1_BUSY_CORES", "0"))
    spin = [sys.executable, "-c", "while True: pass"]
    workers = [subprocess.Popen(spin) for _ in range(count)]
    try:
        yield count
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()


@pytest.fixture
def lab_page(page, lab, busy_cores):
    """pytest-playwright's page (own context: nothing shared between notebooks), ready."""
    page.set_default_timeout(30_000)
    install(page)
    log = PageLog()
    log.attach(page)
    try:
        yield page, log
    finally:
        page.context.close()
        lab.shutdown_kernels()


@pytest.fixture(scope="session")
def latency_rows(request):
    """Slider timings, written to ``artifacts/latency.md`` at the end (:mod:`tests.parallel`)."""
    return gathered(request.config, "latency")


@pytest.fixture(scope="session")
def page_notes(request):
    """Things worth a look that do not fail a test (e.g. warnings printed on stderr)."""
    return gathered(request.config, "notes")
