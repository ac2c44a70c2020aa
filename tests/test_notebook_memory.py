"""The kernel-memory plugin (``tests/notebook_memory.py``): its parts, then a real nbval run.

The last test runs two two-cell notebooks under nbval in-process (pytester), one of them
allocating 192 MiB, and checks that the plugin saw the difference and failed that one only.
"""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

import pytest

from tests import notebook_memory as nm

pytest_plugins = ["pytester"]

STATUS = """\
Name:\tpython
State:\tS (sleeping)
Pid:\t4242
VmPeak:\t 2500000 kB
VmSize:\t 2400000 kB
VmHWM:\t 1048576 kB
VmRSS:\t  524288 kB
Threads:\t12
"""


def reading(cell: str, peak_mib: int) -> nm.Reading:
    return nm.Reading(cell, peak_mib * nm.MIB, peak_mib * nm.MIB // 2)


def record(name: str, start_mib: int, peaks_mib: list[int]) -> nm.NotebookMemory:
    cells = [reading(f"Cell {i}", peak) for i, peak in enumerate(peaks_mib)]
    return nm.NotebookMemory(name, reading("start", start_mib), cells)


def test_parse_status_reads_the_high_water_mark_and_resident_size_in_bytes():
    assert nm.parse_status(STATUS) == (2**30, 2**29)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Name:\tkthreadd\nState:\tS\n", "no VmHWM and VmRSS"),
        (STATUS.replace("1048576 kB", "1048576 MB"), "unexpected unit 'MB' for VmHWM"),
    ],
)
def test_parse_status_refuses_what_it_cannot_read(text, says):
    with pytest.raises(nm.MemoryUnreadable, match=says):
        nm.parse_status(text)


def test_read_memory_reads_proc_status_of_the_pid(tmp_path):
    (tmp_path / "4242").mkdir()
    (tmp_path / "4242" / "status").write_text(STATUS, encoding="ascii")
    assert nm.read_memory(4242, "Cell 3", proc=tmp_path) == nm.Reading("Cell 3", 2**30, 2**29)
    with pytest.raises(nm.MemoryUnreadable, match="cannot read .*4343"):
        nm.read_memory(4343, "Cell 3", proc=tmp_path)
    with pytest.raises(nm.MemoryUnreadable, match="Linux only"):
        nm.read_memory(4242, "Cell 3", proc=tmp_path / "absent")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="Linux only")
def test_read_memory_of_this_process_sees_a_new_array():
    import numpy as np

    before = nm.read_memory(os.getpid(), "before")
    # Enough to lift the peak by 64 MiB however far below it the process now is.
    block = np.ones((before.peak - before.resident + 64 * nm.MIB) // 8)  # every page touched
    after = nm.read_memory(os.getpid(), "after")
    assert after.resident >= block.nbytes
    assert after.peak >= before.peak + 48 * nm.MIB


def test_kernel_pid_comes_from_the_provisioner_of_a_running_kernel():
    def kernel(provisioner, alive=True):
        manager = SimpleNamespace(provisioner=provisioner)
        return SimpleNamespace(km=manager, is_alive=lambda: alive)

    assert nm.kernel_pid(kernel(SimpleNamespace(pid=4242))) == 4242
    with pytest.raises(nm.KernelGone, match="not running"):
        nm.kernel_pid(kernel(SimpleNamespace(pid=4242), alive=False))
    with pytest.raises(nm.KernelGone):
        nm.kernel_pid(SimpleNamespace(is_alive=lambda: False))  # nbval deletes km on stop
    with pytest.raises(nm.KernelGone):
        nm.kernel_pid(None)
    with pytest.raises(nm.MemoryUnreadable, match=r"\(SimpleNamespace\) has no local process"):
        nm.kernel_pid(kernel(SimpleNamespace()))


def test_biggest_rise_names_the_cell_that_raised_the_peak_most():
    assert record("a", 100, [100, 150, 150, 700, 720]).biggest_rise() == ("Cell 3", 550 * nm.MIB)
    assert record("a", 100, [130, 130]).biggest_rise() == ("Cell 0", 30 * nm.MIB)
    assert record("a", 100, [110, 120]).biggest_rise() == ("Cell 0", 10 * nm.MIB)  # first of two
    assert record("a", 100, []).biggest_rise() is None
    assert nm.NotebookMemory("a").peak is None


def test_the_limit_is_one_and_a_half_gibibytes_and_the_peak_may_reach_it():
    assert nm.LIMIT_BYTES == 1_610_612_736 == 1.5 * 2**30
    at_limit = nm.NotebookMemory("n.ipynb", after_cells=[nm.Reading("Cell 0", nm.LIMIT_BYTES, 0)])
    assert nm.limit_failure(at_limit) is None
    over = nm.NotebookMemory("n.ipynb", reading("start", 100), [nm.Reading("Cell 0", 2**31, 0)])
    assert nm.limit_failure(over) == (
        "n.ipynb: the kernel's peak resident memory was 2,048 MiB (2,147,483,648 bytes), over "
        "the limit of 1,536 MiB (1.5 GiB = 1,610,612,736 bytes); Cell 0 raised it most "
        "(+1,948 MiB)"
    )
    assert nm.limit_failure(over, limit=2**31) is None


def refuse(error):
    def read(cell):
        raise error

    return read


def test_check_peak_passes_under_the_limit_and_fails_over_it():
    under = record("n.ipynb", 80, [600])
    nm.check_peak(under, lambda cell: nm.Reading(cell, 700 * nm.MIB, 650 * nm.MIB))
    assert under.peak == 700 * nm.MIB
    over = record("n.ipynb", 80, [1600])
    with pytest.raises(pytest.fail.Exception, match=r"n.ipynb: .* 1,600 MiB .*Cell 0 raised it"):
        nm.check_peak(over, lambda cell: nm.Reading(cell, 1600 * nm.MIB, 900 * nm.MIB))


def test_check_peak_skips_where_nothing_can_be_read_but_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="n.ipynb: peak kernel memory not measured"):
        nm.check_peak(nm.NotebookMemory("n.ipynb"), refuse(nm.MemoryUnreadable("no /proc")))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no /proc .*CI is set, so this is a failure"):
        nm.check_peak(nm.NotebookMemory("n.ipynb"), refuse(nm.MemoryUnreadable("no /proc")))


def test_check_peak_fails_when_the_kernel_is_gone(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    gone = nm.NotebookMemory("n.ipynb")
    with pytest.raises(pytest.fail.Exception, match="n.ipynb: .*not measured: the kernel is"):
        nm.check_peak(gone, refuse(nm.KernelGone("the kernel is not running")))
    assert gone.problem == "the kernel is not running"


def test_memory_table_has_a_row_per_notebook():
    records = [record("a.ipynb", 90, [95, 400, 410]), nm.NotebookMemory("b.ipynb", problem="why")]
    rows = nm.memory_table(records).splitlines()
    assert rows[0].startswith("Peak resident memory (VmHWM)")
    assert rows[0].endswith("limit 1,536 MiB (1.5 GiB = 1,610,612,736 bytes).")
    assert rows[-2:] == [
        "| a.ipynb | 410 MiB | 90 MiB | Cell 1 (+305 MiB) |",
        "| b.ipynb | not measured: why | | |",
    ]


def test_cell_table_lists_the_start_and_every_cell():
    assert nm.cell_table(record("a.ipynb", 90, [95, 400])).splitlines() == [
        "### a.ipynb",
        "",
        "| after | peak | raised by | resident |",
        "|---|---:|---:|---:|",
        "| kernel start | 90 MiB | | 45 MiB |",
        "| Cell 0 | 95 MiB | 5 MiB | 48 MiB |",
        "| Cell 1 | 400 MiB | 305 MiB | 200 MiB |",
    ]
    report = nm.memory_report([record("a.ipynb", 90, [95]), record("b.ipynb", 80, [81])])
    assert report.index("| b.ipynb | 81 MiB |") < report.index("## After each cell")
    assert report.index("### a.ipynb") < report.index("### b.ipynb")


def two_cell_notebook(path, second_cell: str) -> None:
    def cell(index: int, source: str) -> dict:
        return {
            "id": f"cell-{index}",
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source,
        }

    notebook = {
        "cells": [cell(0, "import numpy as np"), cell(1, second_cell)],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="Linux only")
def test_nbval_run_records_each_kernel_and_fails_the_notebook_over_the_limit(pytester, monkeypatch):
    allocated = 192 * nm.MIB
    two_cell_notebook(pytester.path / "small.ipynb", "x = 1")
    two_cell_notebook(pytester.path / "big.ipynb", f"a = np.ones({allocated // 8})")
    monkeypatch.setattr(nm, "LIMIT_BYTES", 176 * nm.MIB)

    # pytest-playwright's per-test scope cannot nest inside this test's own: left out.
    options = ["-p", "no:playwright", "-p", "no:cacheprovider", "--nbval-current-env"]
    result = pytester.runpytest_inprocess("-p", "tests.notebook_memory", "--nbval", *options)

    result.assert_outcomes(passed=5, failed=1)
    reports = result.reprec.getreports("pytest_runtest_logreport")
    ran = [(r.nodeid, r.outcome) for r in reports if r.when == "call"]
    assert ran == [
        ("big.ipynb::Cell 0", "passed"),
        ("big.ipynb::Cell 1", "passed"),
        ("big.ipynb::peak kernel memory", "failed"),
        ("small.ipynb::Cell 0", "passed"),
        ("small.ipynb::Cell 1", "passed"),
        ("small.ipynb::peak kernel memory", "passed"),
    ]
    session = result.reprec.getcalls("pytest_sessionfinish")[0].session
    records = {r.notebook: r for r in session.config.stash[nm.RECORDS].values()}
    small, big = records["small.ipynb"], records["big.ipynb"]
    assert [r.cell for r in big.after_cells] == ["Cell 0", "Cell 1", "end"]
    assert big.biggest_rise()[0] == "Cell 1"
    assert 0.95 * allocated < big.peak - small.peak < 1.15 * allocated
    result.stdout.fnmatch_lines(
        [
            "*big.ipynb::peak kernel memory*",
            "*big.ipynb: the kernel's peak resident memory was * MiB (* bytes), over the limit "
            "of 176 MiB (0.172 GiB = 184,549,376 bytes); Cell 1 raised it most (+* MiB)",
            "*peak kernel memory per notebook (also in artifacts/memory.md)*",
        ]
    )
    table = (pytester.path / "artifacts" / "memory.md").read_text(encoding="utf-8")
    assert table == nm.memory_report([big, small])
