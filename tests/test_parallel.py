"""A run split by pytest-xdist keeps each notebook in one process and writes each report once."""

import os
import re
from pathlib import Path

import pytest

from tests.test_notebook_memory import two_cell_notebook

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[1]
# A line of pytest -v under xdist: "[gw1] [ 12%] PASSED second::ipynb::Cell 0".
RAN = re.compile(r"^\[(gw\d)\] \[\s*\d+%\] PASSED (\S+)")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="Linux only")
def test_rows_from_both_processes_reach_the_reports(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    two_cell_notebook(pytester.path / "first.ipynb", "x = 1")
    two_cell_notebook(pytester.path / "second.ipynb", "y = 2")
    for name in ("one", "two"):
        pytester.makepyfile(
            **{
                f"test_{name}": "from tests.parallel import gathered\n\n\n"
                f"def test_note(request):\n"
                f"    gathered(request.config, 'notes').append('a note from {name}')\n"
            }
        )
    options = ["-p", "no:playwright", "-p", "no:cacheprovider", "--nbval-current-env"]
    plugins = ["-p", "tests.parallel", "-p", "tests.notebook_memory"]
    result = pytester.runpytest_subprocess(
        *plugins, *options, "--nbval", "--numprocesses=2", "--dist=load", "-v"
    )

    result.assert_outcomes(passed=2 + 2 * 3)
    # The files ran in two processes, and the controller reports what both gathered.
    ran = [m.groups() for m in map(RAN.match, result.outlines) if m]  # (worker, test)
    assert len(ran) == 8 and {worker for worker, _ in ran} == {"gw0", "gw1"}, ran
    # Each notebook's cells, and its memory check, ran in one process.
    for notebook in ("first", "second"):
        assert len({worker for worker, test in ran if test.startswith(notebook)}) == 1, ran
    result.stdout.fnmatch_lines(["*notes from the browser tests*"])
    assert {"a note from one", "a note from two"} <= set(result.outlines)
    table = (pytester.path / "artifacts" / "memory.md").read_text(encoding="utf-8")
    assert "first.ipynb" in table and "second.ipynb" in table


def test_a_file_with_a_module_or_session_fixture_of_its_own_is_kept_whole(tmp_path):
    from tests.parallel import KEPT_WHOLE, files_sharing_a_fixture

    folder = tmp_path / "tests"
    (folder / "browser").mkdir(parents=True)
    fixture = "import pytest\n\n\n@pytest.fixture{}\ndef made():\n    return 1\n"
    (folder / "test_module.py").write_text(fixture.format('(scope="module")'))
    (folder / "browser" / "test_session.py").write_text(fixture.format("(scope='session')"))
    (folder / "test_autouse.py").write_text(fixture.format('(autouse=True, scope="module")'))
    (folder / "test_function.py").write_text(fixture.format("(autouse=True)"))
    (folder / "conftest.py").write_text(fixture.format('(scope="session")'))
    assert files_sharing_a_fixture(folder) == {
        "tests/test_module.py",
        "tests/test_autouse.py",
        "tests/browser/test_session.py",
    }
    # In this suite: the static site, the notebook of presets, the lock's resolutions.
    assert {
        "tests/browser/test_static_site.py",
        "tests/browser/test_explorers_by_hand.py",
        "tests/test_lock_platforms.py",
    } <= KEPT_WHOLE
