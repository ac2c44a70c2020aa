"""Fixtures for the real-browser tests: Debian's Chromium through Playwright, and JupyterLab.

- ``browser``: a headless Chromium launched from ``/usr/bin/chromium`` (or ``C1X1_CHROMIUM``);
  Playwright never downloads a browser here. Without one the tests skip, except when ``CI`` is
  set: there a missing or broken browser is a failure.
- ``lab``: ``jupyter lab`` from this Python environment on 127.0.0.1, a free port and a random
  token, serving a temporary copy of the notebooks (runs never touch the committed files),
  with its own config, settings and workspace folders. It is stopped at the end of the
  session whatever happens.
- ``lab_page``: a fresh browser context and page per test, with console and page errors
  collected; the test's kernels are shut down afterwards.
- ``latency_rows``: slider timings of the whole session, printed at the end and written to
  ``artifacts/latency.md``.
"""

from __future__ import annotations

import os
import shutil

import pytest
from lab_harness import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    PageLog,
    latency_table,
    new_lab_server,
    notebook_dir,
    truthy_env,
)

HOW_TO_GET_A_BROWSER = (
    "The browser tests drive a system Chromium and never download one. Install it "
    "(Debian/Ubuntu: `sudo apt-get install chromium`) or point C1X1_CHROMIUM at a "
    "Chromium/Chrome executable, e.g. C1X1_CHROMIUM=/path/to/chrome."
)

_LATENCY_KEY = pytest.StashKey[list]()
_NOTES_KEY = pytest.StashKey[list]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives JupyterLab in a real Chromium (tests/browser)."
    )
    config.stash[_LATENCY_KEY] = []
    config.stash[_NOTES_KEY] = []


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str):
    """Fail in CI, skip elsewhere (with instructions)."""
    if truthy_env("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure). {HOW_TO_GET_A_BROWSER}")
    pytest.skip(f"{reason}. {HOW_TO_GET_A_BROWSER}")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    exe = os.environ.get("C1X1_CHROMIUM", DEFAULT_CHROMIUM)
    resolved = shutil.which(exe) or exe
    if not (os.path.isfile(resolved) and os.access(resolved, os.X_OK)):
        _unavailable(f"no Chromium executable at {exe}")
    return resolved


@pytest.fixture(scope="session")
def browser(chromium_executable):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the `playwright` Python package is not installed (pip install playwright)")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:  # noqa: BLE001 - reported as skip or failure
        pw.stop()
        _unavailable(f"Chromium at {chromium_executable} did not start: {exc}")
    try:
        yield browser
    finally:
        try:
            browser.close()
        finally:
            pw.stop()


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    """A running JupyterLab serving a temporary copy of the notebooks (if there are any)."""
    server = new_lab_server(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start(notebook_dir())
        yield server
    finally:
        server.stop()


@pytest.fixture
def lab_page(browser, lab):
    """A fresh page (own context: no cookies or storage shared between notebooks)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, device_scale_factor=1, locale="en-US"
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    log = PageLog()
    log.attach(page)
    try:
        yield page, log
    finally:
        context.close()
        lab.shutdown_kernels()


@pytest.fixture(scope="session")
def latency_rows(request):
    rows = request.config.stash[_LATENCY_KEY]
    yield rows
    if rows:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "latency.md").write_text(latency_table(rows), encoding="utf-8")


@pytest.fixture(scope="session")
def page_notes(request):
    """Things worth a look that do not fail a test (e.g. warnings printed on stderr)."""
    return request.config.stash[_NOTES_KEY]


def pytest_terminal_summary(terminalreporter, config):
    notes = config.stash.get(_NOTES_KEY, [])
    if notes:
        terminalreporter.section("notes from the browser tests (not failures)")
        for note in notes:
            terminalreporter.write_line(note)
    rows = config.stash.get(_LATENCY_KEY, [])
    if rows:
        terminalreporter.section("slider latency in JupyterLab (Chromium)")
        terminalreporter.write(latency_table(rows))
        terminalreporter.write_line(f"(also written to {ARTIFACTS / 'latency.md'})")
