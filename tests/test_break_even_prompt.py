"""Notebook 02's "predict, then find it with the slider": the answer is a stop of the slider.

The prompt asks the learner to set the notebook's BottleneckExplorer to a setting, predict
the reduction width at which the reduced design does as many multiply-accumulates as the
direct layer, and find it with the "1×1 reduction to" slider, where the readout's last line
reads 1.00×. These tests read the setting from the folded check, the answer from its stored
output and the explorer from its own cell, and check all of that on the explorer itself,
moving its controls in the order the prompt names them. The page writes the same readout as
Python at every setting the controls reach (tests/browser/test_page_explorers.py).
"""

import ast
import json
import re
from fractions import Fraction

import pytest

import conv1x1_viz as c1
from tests.test_exercise_answers_hidden import exercises
from tests.test_notebooks_stored import NOTEBOOKS

NOTEBOOK = next(p for p in NOTEBOOKS if p.name.startswith("02_"))
GUESS = "break_even_guess"
SHOWN = "1.00×"


def _source(cell):
    return "".join(cell["source"])


@pytest.fixture(scope="module")
def prompt():
    """The cells, the prompt's text, the setting, the answer and the explorer as made."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    found = [(a, p, i) for name, a, p, i in exercises(cells) if name == GUESS]
    assert len(found) == 1, f"notebook 02 has no exercise on {GUESS}"
    answer, prompt_index, check_index = found[0]
    check = _source(cells[check_index])
    assigned = next(
        node.value
        for node in ast.walk(ast.parse(check))
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["setting"]
    )
    setting = ast.literal_eval(assigned)
    made = [
        _source(c).strip()
        for c in cells[:prompt_index]
        if c["cell_type"] == "code" and "BottleneckExplorer(" in _source(c)
    ]
    assert len(made) == 1, "the prompt must use the one explorer above it"
    return {
        "text": re.sub(r"\s+", " ", _source(cells[prompt_index])),
        "setting": setting,
        "answer": answer,
        "make": made[0],
    }


def _explorer(prompt):
    # The cell is one call, c1.BottleneckExplorer(...): made here as the notebook makes it.
    explorer = eval(prompt["make"], {"c1": c1})
    assert isinstance(explorer, c1.BottleneckExplorer)
    return explorer


def test_prompt_names_each_control_with_its_label_and_value(prompt):
    explorer = _explorer(prompt)
    for key, value in prompt["setting"].items():
        assert f"**{explorer.controls[key].label}** to {value}" in prompt["text"], key
    assert f"**{explorer.controls['reduction'].label}** slider" in prompt["text"]
    assert SHOWN in prompt["text"]


def test_answer_is_the_break_even_width_of_the_formula(prompt):
    setting, answer = prompt["setting"], prompt["answer"]
    c_in, k, f = setting["in_channels"], setting["kernel_size"], setting["filters"]
    assert isinstance(answer, int)
    assert Fraction(k * k * c_in * f, c_in + k * k * f) == answer
    h, w = _explorer(prompt).input_size
    costs = c1.bottleneck_costs((h, w, c_in), f, k, answer)
    assert costs.reduced_macs == costs.direct.macs


def test_slider_reaches_the_answer_and_the_readout_reads_one_there(prompt):
    explorer = _explorer(prompt)
    for key, value in prompt["setting"].items():  # moved one at a time, as the prompt says
        explorer.set(**{key: value})
    assert explorer.values == {**explorer.values, **prompt["setting"]}
    limit = explorer.limits(explorer.values)["reduction"]
    stops = [r for r in explorer.controls["reduction"].values() if r <= limit]
    answer = prompt["answer"]
    assert answer in stops

    def last_line(r):
        explorer.set(reduction=r)
        return explorer.readout_rows()[-1][1]

    assert f"multiply-accumulates {SHOWN}" in last_line(answer)
    assert f"parameters {SHOWN}" in last_line(answer)
    # Only the answer reads 1.00×: the stops beside it do not.
    i = stops.index(answer)
    for r in stops[max(i - 1, 0) : i] + stops[i + 1 : i + 2]:
        assert f"multiply-accumulates {SHOWN}" not in last_line(r), r


def test_explorer_does_not_start_at_the_answer(prompt):
    # Setting the three controls must leave the reduction to be found, not found already.
    explorer = _explorer(prompt)
    explorer.set(**prompt["setting"])
    assert explorer.value("reduction") != prompt["answer"]
