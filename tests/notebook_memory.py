"""Peak memory of each notebook's kernel while nbval runs it, and a limit that fails it.

Enabled with ``-p tests.notebook_memory`` in pyproject's ``addopts``; it does nothing unless
nbval collects notebooks (``--nbval`` or ``--nbval-lax``). Nothing is run twice:

- after every cell, the kernel's peak and current resident memory are read from
  ``/proc/<pid>/status`` (``VmHWM``, ``VmRSS``; Linux), the pid being the kernel process that
  nbval's ``RunningKernel`` started through jupyter_client's provisioner;
- after a notebook's last cell, before nbval shuts its kernel down, one more item,
  ``<notebook>::peak kernel memory``, reads the peak once more and fails when it is over
  ``LIMIT_BYTES`` (1.5 GiB = 1.5 × 2**30 bytes: Binder gives a session 1–2 GB), naming the
  notebook, the peak, the limit and the cell that raised the peak most;
- the table of every notebook's peak is printed at the end and written to
  ``artifacts/memory.md`` (under pytest's rootdir).

Where the peak cannot be read (no ``/proc``, as on macOS, or a kernel without a local
process), the item skips and says why; with ``CI`` set it fails instead.

The peak is the kernel process's own high-water mark of resident memory, shared libraries
included (TensorFlow's are a good part of it). Binder counts the whole container, so the
Jupyter server and any child process of the kernel come on top.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.browser_setup import skip_or_fail
from tests.parallel import gathered, is_worker

MIB = 2**20
LIMIT_BYTES = 3 * 2**29  # 1.5 GiB = 1.5 × 2**30 bytes = 1,610,612,736 bytes
ITEM_NAME = "peak kernel memory"
# Where the table goes, under pytest's rootdir; the Binder rehearsal gives its own
# (tasks.py binder), so that it does not replace the whole suite's.
REPORT = Path(os.environ.get("C1X1_MEMORY_REPORT", Path("artifacts") / "memory.md"))


class MemoryUnreadable(Exception):
    """The kernel's memory cannot be read here; the message says why."""


class KernelGone(MemoryUnreadable):
    """The notebook's kernel is no longer running: an earlier cell stopped or killed it."""


@dataclass(frozen=True)
class Reading:
    """The kernel's memory after a cell, in bytes: its peak so far and what it holds now."""

    cell: str
    peak: int
    resident: int


@dataclass
class NotebookMemory:
    """What was read from one notebook's kernel: at start, then after each cell."""

    notebook: str
    start: Reading | None = None
    after_cells: list[Reading] = field(default_factory=list)
    problem: str | None = None

    @property
    def last(self) -> Reading | None:
        """The latest reading, or ``None`` when nothing could be read."""
        return self.after_cells[-1] if self.after_cells else self.start

    @property
    def peak(self) -> int | None:
        """The kernel's peak resident memory over the whole run, in bytes."""
        return self.last.peak if self.last else None

    def rises(self) -> list[tuple[Reading, int]]:
        """Each reading after a cell, with how many bytes that cell raised the peak."""
        before = self.start.peak if self.start else 0
        rises = []
        for reading in self.after_cells:
            rises.append((reading, reading.peak - before))
            before = reading.peak
        return rises

    def biggest_rise(self) -> tuple[str, int] | None:
        """The cell whose run raised the peak most (the first, on a tie), and by how much."""
        rises = self.rises()
        if not rises:
            return None
        reading, rise = max(rises, key=lambda pair: pair[1])
        return reading.cell, rise


def parse_status(text: str) -> tuple[int, int]:
    """``(VmHWM, VmRSS)`` in bytes from the text of ``/proc/<pid>/status``.

    The kernel writes these in kB, meaning KiB (1024 bytes).
    """
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            number, unit = rest.split()
            if unit != "kB":
                raise MemoryUnreadable(f"unexpected unit {unit!r} for {key} in /proc status")
            values[key] = int(number) * 1024
    if len(values) != 2:
        raise MemoryUnreadable("no VmHWM and VmRSS lines in /proc status (a kernel thread?)")
    return values["VmHWM"], values["VmRSS"]


def read_memory(pid: int, cell: str, proc: Path = Path("/proc")) -> Reading:
    """Read process *pid*'s peak and current resident memory (Linux only)."""
    if not proc.is_dir():
        raise MemoryUnreadable(f"no {proc} on this platform ({sys.platform}): Linux only")
    status = proc / str(pid) / "status"
    try:
        text = status.read_text(encoding="ascii")
    except OSError as error:
        raise MemoryUnreadable(f"cannot read {status}: {error}") from error
    peak, resident = parse_status(text)
    return Reading(cell, peak, resident)


def kernel_pid(kernel) -> int:
    """The process id of the kernel behind nbval's ``RunningKernel``."""
    manager = getattr(kernel, "km", None)
    if kernel is None or manager is None or not kernel.is_alive():
        raise KernelGone("the kernel is not running (an earlier cell stopped or killed it)")
    pid = getattr(manager.provisioner, "pid", None)
    if not isinstance(pid, int):
        kind = type(manager.provisioner).__name__
        raise MemoryUnreadable(f"the kernel's provisioner ({kind}) has no local process id")
    return pid


def mib(n_bytes: int) -> str:
    """Bytes as MiB, e.g. ``1,024 MiB``."""
    return f"{n_bytes / MIB:,.0f} MiB"


def limit_text(limit: int) -> str:
    """A limit in MiB, GiB and bytes: ``1,536 MiB (1.5 GiB = 1,610,612,736 bytes)``."""
    return f"{mib(limit)} ({limit / 2**30:.3g} GiB = {limit:,} bytes)"


def limit_failure(record: NotebookMemory, limit: int | None = None) -> str | None:
    """The failure message when the notebook's peak is over *limit*, else ``None``."""
    limit = LIMIT_BYTES if limit is None else limit
    if record.peak is None or record.peak <= limit:
        return None
    rise = record.biggest_rise()
    where = f"; {rise[0]} raised it most (+{mib(rise[1])})" if rise else ""
    return (
        f"{record.notebook}: the kernel's peak resident memory was {mib(record.peak)} "
        f"({record.peak:,} bytes), over the limit of {limit_text(limit)}{where}"
    )


def memory_table(records: list[NotebookMemory]) -> str:
    """Markdown table of each notebook's peak kernel memory."""
    lines = [
        "Peak resident memory (VmHWM) of each notebook's kernel under nbval; limit "
        f"{limit_text(LIMIT_BYTES)}.",
        '"Cell N" counts code cells from 0, as nbval names them.',
        "",
        "| notebook | peak kernel memory | at kernel start | cell that raised the peak most |",
        "|---|---:|---:|---|",
    ]
    for record in records:
        if record.peak is None:
            lines.append(f"| {record.notebook} | not measured: {record.problem} | | |")
            continue
        start = mib(record.start.peak) if record.start else ""
        rise = record.biggest_rise()
        raised = f"{rise[0]} (+{mib(rise[1])})" if rise else ""
        lines.append(f"| {record.notebook} | {mib(record.peak)} | {start} | {raised} |")
    return "\n".join(lines) + "\n"


def cell_table(record: NotebookMemory) -> str:
    """Markdown table of one notebook's kernel memory at start and after each cell."""
    lines = [
        f"### {record.notebook}",
        "",
        "| after | peak | raised by | resident |",
        "|---|---:|---:|---:|",
    ]
    if record.start:
        lines.append(
            f"| kernel start | {mib(record.start.peak)} | | {mib(record.start.resident)} |"
        )
    for reading, rise in record.rises():
        lines.append(
            f"| {reading.cell} | {mib(reading.peak)} | {mib(rise)} | {mib(reading.resident)} |"
        )
    return "\n".join(lines) + "\n"


def memory_report(records: list[NotebookMemory]) -> str:
    """The summary table, then each notebook's readings cell by cell."""
    details = "\n".join(cell_table(record) for record in records)
    return f"{memory_table(records)}\n## After each cell\n\n{details}"


RECORDS = pytest.StashKey[dict]()


def _notebook_file_class():
    try:
        from nbval.plugin import IPyNbFile
    except ImportError:  # nbval not installed: there are no notebooks to measure
        return None
    return IPyNbFile


def _record(node) -> NotebookMemory:
    records = node.config.stash[RECORDS]
    if node.nodeid not in records:
        records[node.nodeid] = NotebookMemory(node.nodeid)
    return records[node.nodeid]


def _read(notebook_file, cell: str) -> Reading:
    return read_memory(kernel_pid(notebook_file.kernel), cell)


def check_peak(record: NotebookMemory, read) -> None:
    """Take the notebook's last reading with ``read(cell)``, then pass, fail or skip it.

    Over the limit fails. A kernel that is gone fails (it may have been killed for want of
    memory); a platform where nothing can be read skips, or fails when ``CI`` is set.
    """
    try:
        record.after_cells.append(read("end"))
    except MemoryUnreadable as error:
        record.problem = str(error)
        reason = f"{record.notebook}: peak kernel memory not measured: {error}"
        if isinstance(error, KernelGone):
            pytest.fail(reason, pytrace=False)
        skip_or_fail(reason)
    message = limit_failure(record)
    if message:
        pytest.fail(message, pytrace=False)


class PeakMemoryItem(pytest.Item):
    """Runs after a notebook's last cell: its kernel's peak against the limit."""

    def runtest(self) -> None:
        check_peak(_record(self.parent), lambda cell: _read(self.parent, cell))

    def reportinfo(self):
        return self.path, None, f"{self.parent.nodeid}::{ITEM_NAME}"


def pytest_configure(config) -> None:
    config.stash[RECORDS] = {}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    """Put a ``peak kernel memory`` item after each notebook's last selected cell."""
    notebook_file = _notebook_file_class()
    if notebook_file is None:
        return
    last = {}
    for index, item in enumerate(items):
        if isinstance(item.parent, notebook_file):
            last[item.parent] = index
    for parent, index in sorted(last.items(), key=lambda pair: -pair[1]):
        items.insert(index + 1, PeakMemoryItem.from_parent(parent, name=ITEM_NAME))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Read the kernel's memory before a notebook's first cell and after every cell."""
    notebook_file = _notebook_file_class()
    is_cell = (
        notebook_file is not None
        and isinstance(item.parent, notebook_file)
        and not isinstance(item, PeakMemoryItem)
    )
    if is_cell and _record(item.parent).last is None:
        _take(item, "start")
    try:
        return (yield)
    finally:
        if is_cell:
            _take(item, item.name)


def _take(item, cell: str) -> None:
    record = _record(item.parent)
    try:
        reading = _read(item.parent, cell)
    except MemoryUnreadable as error:  # the peak item reports it
        record.problem = str(error)
        return
    if cell == "start":
        record.start = reading
    else:
        record.after_cells.append(reading)


def _measured(config) -> list[NotebookMemory]:
    """This process's records, and those pytest-xdist's workers sent (:mod:`tests.parallel`)."""
    records = list(config.stash.get(RECORDS, {}).values()) + gathered(config, "memory")
    return sorted(records, key=lambda record: record.notebook)


def pytest_sessionfinish(session) -> None:
    if is_worker(session.config):  # the controller writes the report
        gathered(session.config, "memory").extend(session.config.stash.get(RECORDS, {}).values())
        return
    records = _measured(session.config)
    if records:
        path = session.config.rootpath / REPORT
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(memory_report(records), encoding="utf-8")


def pytest_terminal_summary(terminalreporter, config) -> None:
    records = _measured(config)
    if records:
        terminalreporter.section(f"peak kernel memory per notebook (also in {REPORT})")
        terminalreporter.write(memory_table(records))
