"""Notebook 04 as a core path with marked deep dives (issue 26), read from the stored file.

The core fits its share of the course's budget; a learner who skips every deep dive can run
the core, since no core cell uses a name that only a deep dive defines; each deep dive says,
under its heading, that it is off the core path and how long it takes, at the rates
``tests.course_path`` measures with.
"""

import ast
import json
import re

from tests.course_path import (
    DEEP_DIVE,
    HEADING,
    LINES_A_MINUTE,
    WORDS_A_MINUTE,
    _folded_output_words,
    _words,
    measure,
)
from tests.test_notebooks_stored import NOTEBOOKS

PATH = next(p for p in NOTEBOOKS if p.name.startswith("04_"))
# 04's share of the core path's 6,000 words and 250 lines (issue 26).
CORE_WORDS, CORE_LINES = 900, 40
OPENING = re.compile(
    r"^\*Off the core path, about (\d+) minutes?; the core continues at the Recap\.\*$"
)


def _joined(value):
    return "".join(value) if isinstance(value, list) else value


def _parts():
    """Each cell with the deep dive it belongs to (its heading's text), or None for the core.

    A markdown cell is given the part its last line falls in, as course_path counts it.
    """
    deep = None  # (level, heading text) of the open deep dive
    for cell in json.loads(PATH.read_text())["cells"]:
        source = _joined(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in source.splitlines():
                match = HEADING.match(line)
                if match:
                    level, text = len(match.group(1)), match.group(2)
                    if deep and level <= deep[0]:
                        deep = None
                    if deep is None and DEEP_DIVE.match(text):
                        deep = (level, text)
        yield cell, deep and deep[1]


def _bound(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def _loaded(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def test_core_fits_its_budget_and_has_deep_dives():
    parts = measure(PATH)
    assert parts["core"].words <= CORE_WORDS and parts["core"].lines <= CORE_LINES, parts["core"]
    assert parts["deep dive"].words > 0


def test_core_cells_use_no_name_only_a_deep_dive_defines():
    in_core, in_deep, found = set(), set(), []
    for cell, deep in _parts():
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(_joined(cell["source"]))
        if deep is None:
            found += [(cell["id"], name) for name in _loaded(tree) & (in_deep - in_core)]
            in_core |= _bound(tree)
        else:
            in_deep |= _bound(tree)
    assert in_deep, "no deep dive defines anything: the test would not see a dependency"
    assert found == []


def test_each_deep_dive_says_it_is_off_the_core_path_and_how_long_it_takes():
    words, lines, opening = {}, {}, {}
    for cell, deep in _parts():
        source = _joined(cell["source"])
        if cell["cell_type"] == "markdown":
            heading = next((h for h in re.findall(r"^#+\s+(.*)$", source, re.M)), None)
            if deep and heading == deep:
                after = source.split("\n", 1)[1].strip().splitlines()
                opening[deep] = after[0] if after else ""
            if deep:
                words[deep] = words.get(deep, 0) + _words(source)
        elif deep and cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
            words[deep] = words.get(deep, 0) + _folded_output_words(cell)
        elif deep:
            lines[deep] = lines.get(deep, 0) + sum(1 for s in source.splitlines() if s.strip())
    assert len(opening) >= 3, opening
    for deep, line in opening.items():
        said = OPENING.match(line)
        assert said, (deep, line)
        minutes = words[deep] / WORDS_A_MINUTE + lines.get(deep, 0) / LINES_A_MINUTE
        assert int(said.group(1)) == max(1, round(minutes)), (deep, minutes)
