"""What notebooks 00 and 05 say about 1×1 reductions, read from the stored files.

A 1×1 reduction followed by a k×k layer is one k×k kernel of low rank only when the
reduction is linear. GoogLeNet's reduction has a ReLU, and notebook 05 shows that then no
single kernel matches the pair. Notebook 00's explorer starts at the tutorial's reduction,
which runs on 256×256 maps.
"""

import re

import conv1x1_viz as c1
from tests.test_notebooks_teaching import SLIPS, _cells, _joined, _notebook, _outputs

# Sentences that once taught the low-rank reading for every reduction, or pointed wrongly.
OLD = [
    'See "a 1×1 reduction, then a k×k layer" as a low-rank factorisation of the k×k kernel.',
    "Reduction then k×k is a k×k kernel of low rank along its input channels.",
    "| `05_architectures` | explain where Network in Network, Inception, ResNet and SqueezeNet "
    "use 1×1 layers, with their numbers, and read a reduction as a low-rank kernel |",
    'So "1×1 to 16, then 5×5" *is* a 5×5 layer on 192 maps, but a constrained one.',
    "It never factorises a trained 5×5 kernel; it trains the pair, so the network learns, from "
    "the start, 5×5 kernels of rank 16 and arranges its features to suit them.",
    "Parameters are cheap to compute with when each one is reused at many pixels.",
]


def _caught(sentence):
    return any(
        re.search(p, sentence, re.I) and not (u and re.search(u, sentence, re.I)) for p, u in SLIPS
    )


def test_slip_patterns_catch_the_old_reduction_sentences():
    for sentence in OLD:
        assert _caught(sentence), sentence


def test_inception_reductions_have_a_relu():
    # The premise of notebook 05's check: the package builds GoogLeNet's reductions with one.
    for branch in ("3x3", "5x5"):
        reduce, _ = c1.inception_architecture(branch=branch).layers
        assert reduce.name.endswith("_reduce") and reduce.activation == "relu"


def _printed(cell):
    return "".join(_joined(o["text"]) for o in _outputs(cell) if "text" in o)


def test_05_shows_no_single_kernel_matches_the_branch_with_its_relu():
    cell = next(
        c for c in _cells(_notebook("05")) if "np.linalg.lstsq(rows" in _joined(c["source"])
    )
    printed = _printed(cell)
    linear = re.search(r"^linear 1×1, then 5×5\s+([\d.]+)\s+([\d.]+)\s+(\d+)$", printed, re.M)
    relu = re.search(r"^1×1 with its ReLU, then 5×5\s+([\d.]+)\s+([\d.]+)\s+(\d+)$", printed, re.M)
    assert linear and relu, printed
    assert float(linear[1]) < 1e-3 and float(linear[2]) < 1e-3
    assert float(relu[1]) > 0.1
    # The exact fit is the pair multiplied out: its rank is the reduction's width.
    width = re.search(r"→ (\d+) maps, activation 'relu'", printed)
    assert width and int(linear[3]) == int(width[1]) < int(relu[3])


def test_00_explorer_shows_the_tutorial_reduction_on_256_by_256():
    shown = [
        _joined(o["data"]["text/plain"])
        for c in _cells(_notebook("00"))
        for o in _outputs(c)
        if "the tutorial's reduction" in _joined(o.get("data", {}).get("text/plain", ""))
    ]
    assert shown
    for text in shown:
        assert "256×256×512" in text and "28×28" not in text
