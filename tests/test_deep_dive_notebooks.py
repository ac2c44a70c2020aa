"""A notebook that is a deep dive as a whole says so under its title, with its reading time.

``tests/course_path.py`` reads a title such as ``# 06 · Deep dive · Does it pay?`` as marking
the whole notebook off the core path. The line under such a title tells a learner on the core
path that they may skip it and how long it takes; the minutes it gives are a number typed in
markdown, so they are checked here against the course's own measure (200 words and 15 lines of
code a minute, rounded to a whole minute).
"""

import json
import re

import pytest

from tests.course_path import DEEP_DIVE, NOTEBOOKS, Reading, measure

TITLE = re.compile(r"^# (.*)$", re.M)


def _title_cell(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join(cells[0]["source"])


WHOLE = [p for p in NOTEBOOKS if DEEP_DIVE.match(TITLE.match(_title_cell(p)).group(1))]


def test_notebooks_06_to_08_are_deep_dives_as_a_whole():
    assert [p.name[:2] for p in WHOLE] == ["06", "07", "08"]


@pytest.mark.parametrize("path", WHOLE, ids=lambda p: p.name)
def test_whole_notebook_deep_dive_holds_nothing_of_the_core(path):
    assert measure(path)["core"] == Reading()


@pytest.mark.parametrize("path", WHOLE, ids=lambda p: p.name)
def test_line_under_the_title_gives_the_measured_reading_time(path):
    lines = [line for line in _title_cell(path).splitlines()[1:] if line.strip()]
    assert lines[0].startswith("*Off the core path, about "), lines[0]
    stated = int(re.match(r"\*Off the core path, about (\d+) minutes:", lines[0]).group(1))
    assert stated == round(measure(path)["deep dive"].minutes)
    assert "Nothing in the core depends on it.*" in _title_cell(path)
