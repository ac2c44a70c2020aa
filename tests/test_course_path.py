"""The core path (issue 26): within its budget, runnable without the deep dives, and given right.

``tests.course_path`` measures the course as a learner reads it. The core path must stay within
about 45 minutes (6,000 words and 250 lines of code); a learner who skips every deep dive must be
able to run the core, so no core cell uses a name that only a deep dive defines; and the
minutes that notebook 00 and the README give are the measured ones.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from pathlib import Path

import pytest

from tests.course_path import (
    CORE_LINES,
    CORE_WORDS,
    NOTEBOOKS,
    Reading,
    core_path,
    course,
    measure,
    pieces,
    rounded_minutes,
)

README = Path(__file__).resolve().parents[1] / "README.md"


def _notebook(cells, tmp_path):
    path = tmp_path / "99_example.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    return path


def _md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text, hidden=False, output=""):
    meta = {"jupyter": {"source_hidden": True}} if hidden else {}
    outputs = [{"output_type": "stream", "name": "stdout", "text": output}] if output else []
    return {"cell_type": "code", "metadata": meta, "source": text, "outputs": outputs}


def test_measure_tells_core_from_deep_dives(tmp_path):
    path = _notebook(
        [
            _md("# 99 · Title\n\nOne two.\n\n## Deep dive · Extra\n\nThree four five."),
            _code("a = 1\n\nb = 2\n"),
            _md("### Inside\n\nsix\n\n## Recap\n\nseven eight"),
            _code("Sentence(...)", hidden=True, output="Nine ten eleven.\n"),
            _code("c = 3\n"),
        ],
        tmp_path,
    )
    parts = measure(path)
    # The deep dive: "Deep dive Extra", "Three four five", "Inside six"; two lines of code.
    assert parts["deep dive"] == Reading(words=3 + 3 + 2, lines=2, cells=1)
    # The core: "99 Title", "One two", "Recap seven eight", the folded sentence; one line.
    assert parts["core"] == Reading(words=2 + 2 + 3 + 3, lines=1, cells=2)


def test_a_link_counts_by_its_text_not_its_address(tmp_path):
    path = _notebook([_md("See [notebook 04](04_projection.ipynb#cell-id=c09) now.")], tmp_path)
    assert measure(path)["core"].words == 4  # "See notebook 04 now"


def test_a_marked_title_makes_the_whole_notebook_a_deep_dive(tmp_path):
    path = _notebook([_md("# 99 · Deep dive · All\n\n## A\n\none"), _code("x = 1\n")], tmp_path)
    assert measure(path)["core"] == Reading()


def test_the_core_path_is_within_its_budget():
    total = core_path()
    assert total.words <= CORE_WORDS, total
    assert total.lines <= CORE_LINES, total
    assert total.minutes <= 45, total


def _names(tree, context):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}


def _made(tree):
    made = _names(tree, ast.Store)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            made.add(node.name)
        elif isinstance(node, ast.arg):
            made.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            made |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return made


def core_names_from_deep_dives(path):
    """``(cell id, name)`` for each name a core cell uses that only a deep dive defined."""
    in_core, in_deep, found = set(dir(builtins)), set(), []
    for piece in pieces(path):
        if piece.cell["cell_type"] != "code":
            continue
        tree = ast.parse(piece.text)
        if piece.deep_dive is None:
            used = _names(tree, ast.Load) - _made(tree)
            found += [(piece.cell.get("id"), n) for n in sorted(used & (in_deep - in_core))]
            in_core |= _made(tree)
        else:
            in_deep |= _made(tree)
    return found


def test_a_core_cell_using_a_deep_dives_name_is_found(tmp_path):
    path = _notebook(
        [
            _md("# 99 · Title\n\n## Deep dive · Extra\n\n*Off the core path.*"),
            _code("from math import tau\nhalf = tau / 2\n"),
            _md("## Back on the path"),
            {**_code("print(half, len([1]))\n"), "id": "uses"},
        ],
        tmp_path,
    )
    assert core_names_from_deep_dives(path) == [("uses", "half")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_core_runs_without_the_deep_dives(path):
    assert core_names_from_deep_dives(path) == []


def _rows(text):
    """``{notebook: (core minutes, deep-dive minutes)}`` from a table with those last columns."""
    rows = {}
    for line in text.splitlines():
        name = re.match(r"^\| `(\d\d_\w+)` \|", line)
        if name:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            minutes = [re.fullmatch(r"~(\d+) min", c) for c in cells]
            core, deep = (int(m.group(1)) if m else 0 for m in minutes[-2:])
            rows[name.group(1)] = (core, deep)
    return rows


def _measured_rows():
    return {
        name: (rounded_minutes(parts["core"]), rounded_minutes(parts["deep dive"]))
        for name, parts in course().items()
    }


def _start_here_markdown():
    cells = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_00_gives_the_measured_minutes():
    text = _start_here_markdown()
    assert _rows(text) == _measured_rows()
    said = re.search(r"core path is about (\d+) minutes", text)
    assert said and int(said.group(1)) == round(core_path().minutes)


def test_the_readme_gives_the_measured_minutes_and_the_core_paths_size():
    text = README.read_text(encoding="utf-8")
    minutes = re.sub(r" \| [\d,]+ MiB \|$", " |", text, flags=re.M)  # the memory column
    assert _rows(minutes) == _measured_rows()
    total = core_path()
    said = re.search(
        r"core path is about (\d+) minutes: ([\d,]+) words of prose, (\d+) lines of code",
        " ".join(text.split()),
    )
    assert said, "the README does not give the core path's size"
    assert (int(said.group(1)), said.group(2), int(said.group(3))) == (
        round(total.minutes),
        f"{total.words:,}",
        total.lines,
    )
