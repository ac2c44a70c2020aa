"""What nbval does not check: how the notebooks are stored, and what they promise.

nbval re-runs each notebook and compares outputs; these tests look at the stored files
themselves: run top to bottom in one fresh kernel, no stored errors, a picture behind
every widget for static renderers (GitHub, nbviewer), and the course's structure.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
# Five digits or more, with or without thousands separators: 14,336, 1,000,000, 120422400.
LARGE_NUMBER = r"(?<![\w.])(?<!\d,)(?:\d{2,3}(?:,\d{3})+|\d(?:,\d{3}){2,}|\d{5,})(?!\w|,\d)"


def _load(path):
    return json.loads(path.read_text())


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def _markdown(nb):
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_executed_top_to_bottom_without_errors(path):
    cells = _code_cells(_load(path))
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"stored error: {out.get('ename')}"
            assert out.get("name") != "stderr", f"stored stderr: {''.join(out['text'])[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widgets_have_a_static_picture(path):
    nb = _load(path)
    # Without stored widget state, static renderers fall back to the next mime type.
    assert "widgets" not in nb["metadata"]
    for cell in _code_cells(nb):
        for out in cell["outputs"]:
            data = out.get("data", {})
            if WIDGET in data:
                assert "image/png" in data, f"a widget without a picture in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_explorers_in_the_page_save_how_to_make_them_again(path):
    # The static site (conv1x1_viz.static_site) makes them again, live, from this.
    import conv1x1_viz.explorers as explorers
    from conv1x1_viz.explorers.page import EXPLORER_MIMETYPE

    in_page = {
        name
        for name in explorers.__all__
        if isinstance(getattr(explorers, name), type)
        and issubclass(getattr(explorers, name), explorers.PageExplorer)
    }
    for cell in _code_cells(_load(path)):
        for out in cell["outputs"]:
            data = out.get("data", {})
            name = "".join(data.get("text/plain", "")).split("\n")[0]
            if WIDGET in data and name in in_page:
                assert data.get(EXPLORER_MIMETYPE, {}).get("class") == name, name


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.name != "00_start_here.ipynb"], ids=lambda p: p.name
)
def test_course_structure(path):
    nb = _load(path)
    text = _markdown(nb)
    assert "After this notebook you will be able to" in text
    assert re.search(r"^## Recap", text, re.M)
    assert re.search(r"^## A question to try", text, re.M)
    sources = "\n".join("".join(c["source"]) for c in _code_cells(nb))
    assert "check_prediction(" in sources, "no predict-then-check exercise"
    assert any(WIDGET in o.get("data", {}) for c in _code_cells(nb) for o in c["outputs"]), (
        "no live explorer"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_types_no_large_counts(path):
    # Counts belong in cell outputs, printed by code. A number of five digits or more in
    # the prose (14,336 or 120422400) is almost always a count typed by hand.
    typed = re.findall(LARGE_NUMBER, _markdown(_load(path)))
    assert typed == []


def test_large_number_pattern():
    found = re.findall(
        LARGE_NUMBER, "14,336 and 1,000,000 and 120422400, but not 1,024, 512 or 2014."
    )
    assert found == ["14,336", "1,000,000", "120422400"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_static_html_shows_pictures_not_widgets(path):
    # What nbviewer does: nbconvert's HTML export of the stored notebook.
    from nbconvert import HTMLExporter

    nb = _load(path)
    widgets = sum(WIDGET in o.get("data", {}) for c in _code_cells(nb) for o in c["outputs"])
    pictures = sum("image/png" in o.get("data", {}) for c in _code_cells(nb) for o in c["outputs"])
    body, _ = HTMLExporter().from_filename(str(path))
    assert "application/vnd.jupyter.widget-view+json" not in body
    assert "Loading widget" not in body
    assert body.count("data:image/png;base64,") >= pictures >= widgets


def _listed(text):
    return set(re.findall(r"^\| `(\d\d_\w+)` \|", text, re.M))


def test_every_notebook_is_listed_in_00_and_in_the_readme():
    names = {p.stem for p in NOTEBOOKS}
    start_here = _markdown(_load(NOTEBOOKS[0]))
    readme = (NOTEBOOKS[0].parents[1] / "README.md").read_text(encoding="utf-8")
    assert _listed(start_here) == names
    assert _listed(readme) == names
