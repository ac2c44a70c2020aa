"""Notebook 05, the end of the core path, read from the stored file.

Its core says where Network in Network, Inception, ResNet and MobileNet put 1×1 layers;
MobileNet's separable pair is counted and checked against Keras; and a closing quiz on the
readers' misconceptions keeps each verdict folded. (The budget, the deep dives' marks and the
core's independence from them are tested for every notebook: test_course_path,
test_deep_dive_marks.)
"""

import ast
import json
import math
import re

import conv1x1_viz as c1
from tests.course_path import DEEP_DIVE, pieces
from tests.test_notebooks_stored import NOTEBOOKS

PATH = next(p for p in NOTEBOOKS if p.name.startswith("05"))
DETAILS = re.compile(r"<details>(.*?)</details>", re.S)
OFF_PATH = re.compile(
    r"^\*Off the core path, about (\d+) minutes?; the core continues at the quiz\.\*$", re.M
)


def _joined(value):
    return "".join(value) if isinstance(value, list) else value


def _cells():
    return json.loads(PATH.read_text(encoding="utf-8"))["cells"]


def _parts():
    """Each cell (a markdown cell cut at its headings) and its deep dive's heading, or None."""
    for p in pieces(PATH):
        markdown = p.cell["cell_type"] == "markdown"
        yield ({**p.cell, "source": p.text} if markdown else p.cell), p.deep_dive


def _plain(cell):
    return "".join(
        _joined(o.get("text", "")) + _joined(o.get("data", {}).get("text/plain", ""))
        for o in cell.get("outputs", [])
    )


def _html(cell):
    return "".join(_joined(o.get("data", {}).get("text/html", "")) for o in cell["outputs"])


def test_05_core_says_where_four_networks_put_their_1x1_layers():
    core = "\n".join(
        _joined(c["source"])
        for c, deep in _parts()
        if deep is None and c["cell_type"] == "markdown"
    )
    sections = re.findall(r"^## \d\. (.+)$", core, re.M)
    for name in ("Network in Network", "Inception", "ResNet", "MobileNet"):
        assert any(s.startswith(name) for s in sections), (name, sections)
    assert re.search(r"^## Quiz", core, re.M) and re.search(r"^## Recap", core, re.M)


def test_05_mobilenet_pair_is_counted_and_checked_against_keras():
    cell = next(
        c for c, deep in _parts() if deep is None and "DepthwiseConv2D(" in _joined(c["source"])
    )
    source, printed = _joined(cell["source"]), _plain(cell)
    assert "keras.layers.Conv2D(c, 1" in source and "count_params()" in source
    keras_count, ours = re.search(
        r"Keras count_params\(\) ([\d,]+), ours ([\d,]+)", printed
    ).groups()
    depthwise = c1.conv_params(3, 256, 256, False, groups=256)
    pointwise = c1.conv_params(1, 256, 256, False)
    assert keras_count == ours == f"{depthwise + pointwise:,}"
    # The 1×1 layer's share of the pair, as printed, is the share the arithmetic gives.
    params_share, macs_share = re.search(
        r"holds ([\d.]+)% of its parameters and does ([\d.]+)% of its MACs", printed
    ).groups()
    shape = (28, 28, 256)
    dw_macs = c1.conv_macs(shape, 256, 3, groups=256)
    pw_macs = c1.conv_macs(shape, 256, 1)
    assert math.isclose(
        float(params_share), 100 * pointwise / (depthwise + pointwise), abs_tol=0.05
    )
    assert math.isclose(float(macs_share), 100 * pw_macs / (dw_macs + pw_macs), abs_tol=0.05)
    ratio = float(re.search(r"the pair does ([\d.]+) of the standard", printed).group(1))
    assert math.isclose(ratio, (dw_macs + pw_macs) / c1.conv_macs(shape, 256, 3), abs_tol=5e-4)
    # Notebook 08 takes MobileNet further; 05 sends the learner there.
    after = _cells()[_cells().index(cell) + 1]
    assert "Notebook 08" in _joined(after["source"])


def _quiz():
    for cell, deep in _parts():
        source = _joined(cell["source"])
        if cell["cell_type"] == "code" and "c1.true_or_false(" in source:
            call = ast.parse(source).body[0].value
            statement, answer, why = (ast.literal_eval(a) for a in call.args)
            yield cell, deep, statement, answer, why


def test_05_closing_quiz_keeps_each_verdict_folded():
    items = list(_quiz())
    assert 5 <= len(items) <= 7
    assert {answer for *_, answer, _ in items} == {True, False}
    for cell, deep, statement, answer, why in items:
        assert deep is None, statement  # the quiz is core
        assert cell["metadata"]["jupyter"]["source_hidden"] is True  # its source says the answer
        plain = _plain(cell)
        assert plain.startswith(statement), statement
        assert "“Show the answer” is folded here" in plain
        assert "True" not in plain and "False" not in plain and why[:40] not in plain
        html = _html(cell)
        folded = "".join(DETAILS.findall(html))
        assert f"<strong>{answer}.</strong>" in folded
        assert "<strong>" not in DETAILS.sub("", html)
        # Each answer says where the course shows it.
        assert re.search(r"[Nn]otebook 0\d|deep dive", why), why


def test_05_quiz_closes_the_core_before_the_recap():
    cells = _cells()
    sources = [_joined(c["source"]) for c in cells]
    quiz = next(i for i, s in enumerate(sources) if s.startswith("## Quiz"))
    recap = next(i for i, s in enumerate(sources) if s.startswith("## Recap"))
    items = [i for i, s in enumerate(sources) if "c1.true_or_false(" in s]
    assert quiz < min(items) and max(items) < recap
    assert all(not DEEP_DIVE.match(s.lstrip("# ")) for s in sources[quiz:])


def test_05_question_gives_squeezenets_share_of_alexnets_parameters_as_computed():
    # The closing question types "about a fiftieth" and "more MACs": both must hold for the
    # SqueezeNet and AlexNet that 05 builds.
    question = next(
        _joined(c["source"]) for c in _cells() if _joined(c["source"]).startswith("## A question")
    )
    question = " ".join(question.split())
    squeezenet, alexnet = c1.squeezenet_architecture(), c1.alexnet_architecture()
    ratio = alexnet.total_params / squeezenet.total_params
    assert "about a fiftieth of AlexNet's parameters" in question
    assert round(ratio, -1) == 50, ratio
    assert "does more MACs" in question
    assert squeezenet.total_macs > alexnet.total_macs
