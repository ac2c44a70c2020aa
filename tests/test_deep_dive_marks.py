"""Every deep dive inside a notebook says so under its heading, with a time that is measured.

A section whose heading starts with "Deep dive" (issue 26) opens with one line in italics: it
is off the core path, it takes about N minutes, and where the core continues. N is what
``tests.course_path`` measures for the section (200 words and 15 lines of code a minute),
rounded to a whole number of minutes.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.course_path import (
    LINES_A_MINUTE,
    NOTEBOOKS,
    WORDS_A_MINUTE,
    Reading,
    _words,
    pieces,
    reading,
)

ABOUT = re.compile(r"about (\d+) minutes?")


def deep_dives(path):
    """``(heading, first line under it, words, lines)`` of each deep dive below a title."""
    found: dict[str, list] = {}
    walk = list(pieces(path))
    titles = {p.text.splitlines()[0][2:].strip() for p in walk if p.text.startswith("# ")}
    for piece in walk:
        heading = piece.deep_dive
        if heading is None or heading in titles:
            continue  # the core, or a notebook that is a deep dive as a whole
        if heading not in found:
            lines = [line.strip() for line in piece.text.splitlines()[1:] if line.strip()]
            found[heading] = [lines[0] if lines else None, Reading()]
        found[heading][1] += reading(piece)
    return [(h, first, read.words, read.lines) for h, (first, read) in found.items()]


def test_deep_dives_are_found_with_their_words_and_lines(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": "# 99 · Title\n\n## Core\n\nOne two three."},
            {"cell_type": "markdown", "source": "## Deep dive · Extra\n\n*Off the core path.*\n"},
            {"cell_type": "code", "metadata": {}, "source": "a = 1\n\nb = 2\n"},
            {"cell_type": "markdown", "source": "### Inside\n\nfour five\n\n## Recap\n\nsix"},
        ]
    }
    path = tmp_path / "99_x.ipynb"
    path.write_text(json.dumps(notebook))
    [(heading, first, words, lines)] = deep_dives(path)
    assert (heading, first, lines) == ("Deep dive · Extra", "*Off the core path.*", 2)
    assert words == _words("Deep dive · Extra *Off the core path.* Inside four five")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_deep_dive_is_marked_off_the_core_path_with_its_measured_time(path):
    for heading, first, words, lines in deep_dives(path):
        assert first and first.startswith("*") and first.endswith("*"), (heading, first)
        assert "off the core path" in first.lower(), (heading, first)
        assert "core continues" in first.lower(), (heading, first)
        about = ABOUT.search(first)
        assert about, (heading, first)
        minutes = words / WORDS_A_MINUTE + lines / LINES_A_MINUTE
        said = int(about.group(1))
        assert abs(said - minutes) <= 0.5 or (said == 1 and minutes < 1), (heading, minutes)
