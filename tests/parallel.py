"""The suite in two processes (pytest-xdist): each notebook whole in one, the reports from both.

``python3 tasks.py test`` runs two pytest-xdist processes (``--dist=load``, scheduled here): a
test goes to whichever process is free, except the cells of a notebook under nbval and the
item that checks its kernel's memory, which run in order in one process, with one kernel, and
the tests of a file that defines a module or session fixture of its own (``KEPT_WHOLE``).
(pytest-xdist's own ``loadgroup`` cannot group them: under pytest 9 the node id it rewrites
is no longer the one pytest reads.) The notebooks go first, the longest first, as
``LoadScopeScheduling`` orders its scopes by their number of tests.

Tests append rows to ``gathered(config, name)``: the kernel memory of each notebook under
nbval (``memory``, :mod:`tests.notebook_memory`), the slider timings (``latency``) and the
notes (``notes``) of the browser tests. Under pytest-xdist every worker sends its rows to the
controller when it finishes (``workeroutput``), and the controller, or a run without workers,
writes each report once, from all the rows. Loaded with ``-p tests.parallel``, so that every run
has it, the controller too (which collects no tests, so it loads no conftest).
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

GATHERED = pytest.StashKey[dict]()
_TESTS = Path(__file__).resolve().parent
# ``@pytest.fixture(...)`` with ``scope="module"`` or ``"session"`` among its arguments.
_SHARED_FIXTURE = re.compile(r"""@pytest\.fixture\([^)]*\bscope=["'](?:module|session)["']""")


def files_sharing_a_fixture(folder: Path = _TESTS) -> set[str]:
    """Test files (paths as node ids give them) that define a module or session fixture.

    Their tests share what the fixture makes (the static site, a notebook run in JupyterLab,
    the lock resolved for every platform, Keras applications built): they run whole in one
    process rather than making it in both.
    """
    root = folder.parent
    return {
        path.relative_to(root).as_posix()
        for path in sorted(folder.rglob("test_*.py"))
        if _SHARED_FIXTURE.search(path.read_text(encoding="utf-8"))
    }


KEPT_WHOLE = files_sharing_a_fixture()
_OUTPUT = "c1x1_gathered"


def gathered(config: pytest.Config, name: str) -> list:
    """The rows gathered so far under ``name`` (a list to append to)."""
    return config.stash.setdefault(GATHERED, {}).setdefault(name, [])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Schedule ``--dist=load`` by test, except that a notebook's items go to one process."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        """pytest-xdist's scheduling by scope: a notebook, a file kept whole, or one test."""

        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".ipynb") or path in KEPT_WHOLE else nodeid

    return NotebookScheduling(config, log)


def is_worker(config: pytest.Config) -> bool:
    """True in a pytest-xdist worker, which leaves the reports to the controller."""
    return hasattr(config, "workeroutput")


@pytest.hookimpl(trylast=True)  # after the plugins that add their last rows
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if is_worker(config):
        config.workeroutput[_OUTPUT] = pickle.dumps(config.stash.get(GATHERED, {}))
        return
    rows = gathered(config, "latency")
    if rows:
        from tests.browser.browser_setup import LATENCY_REPORT
        from tests.browser.explorer_driver import latency_table

        LATENCY_REPORT.parent.mkdir(parents=True, exist_ok=True)
        LATENCY_REPORT.write_text(latency_table(rows), encoding="utf-8")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """On the controller: add a finished worker's rows to its own."""
    data = getattr(node, "workeroutput", {}).get(_OUTPUT)
    if data:
        for name, rows in pickle.loads(data).items():
            gathered(node.config, name).extend(rows)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    notes = gathered(config, "notes")
    if notes:
        terminalreporter.section("notes from the browser tests (not failures)")
        for note in notes:
            terminalreporter.write_line(note)
    rows = gathered(config, "latency")
    if rows:
        from tests.browser.browser_setup import LATENCY_REPORT
        from tests.browser.explorer_driver import latency_table

        terminalreporter.section("slider latency in JupyterLab (Chromium), reported only")
        terminalreporter.write(latency_table(rows))
        terminalreporter.write_line(f"(also written to {LATENCY_REPORT})")
