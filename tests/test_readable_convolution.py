"""Notebook 01 shows the readable convolution; the package holds its tested copy. They agree.

The learner reads ``conv2d`` in a code cell of notebook 01 (loops over the output pixels and
the filters, one sum over a k×k×C_in window). These tests run that cell's own source, found
by its ``def`` line, and compare the function with ``conv1x1_viz.conv2d_reference`` on random
inputs; and they check that the notebook's comparison with Keras and with the package's copy
printed ``True`` when it was stored.
"""

import ast
import re

import numpy as np
import pytest

import conv1x1_viz as c1
from tests.notebook_code import cell_defining, code_cells
from tests.notebook_code import source as cell_source
from tests.test_notebooks_stored import NOTEBOOKS

NOTEBOOK = next(p for p in NOTEBOOKS if p.name.startswith("01_"))


def notebook_conv2d():
    """The function as the notebook defines it, run from the cell's own source."""
    cell = cell_defining(NOTEBOOK, "conv2d")
    # What runs here is what the learner reads: the cell shows, and holds only the function.
    assert not cell["metadata"].get("jupyter", {}).get("source_hidden"), "conv2d's cell is folded"
    tree = ast.parse(cell_source(cell))
    assert [type(node) for node in tree.body] == [ast.FunctionDef]
    namespace = {"np": np}
    exec(compile(tree, f"{NOTEBOOK.name}: conv2d", "exec"), namespace)
    return namespace["conv2d"]


@pytest.mark.parametrize("kernel_size", [1, 3, 5])
@pytest.mark.parametrize(("in_channels", "filters"), [(1, 1), (3, 8), (7, 2), (16, 5)])
def test_notebook_conv2d_equals_the_package_copy(rng, kernel_size, in_channels, filters):
    conv2d = notebook_conv2d()
    height, width = (int(n) for n in rng.integers(kernel_size, kernel_size + 9, size=2))
    x = rng.normal(size=(height, width, in_channels))
    kernel = rng.normal(size=(kernel_size, kernel_size, in_channels, filters))
    bias = rng.normal(size=filters)

    ours = conv2d(x, kernel, bias)

    assert ours.shape == (height - kernel_size + 1, width - kernel_size + 1, filters)
    expected = c1.conv2d_reference(x, kernel, bias, padding="valid")
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


def test_notebook_conv2d_is_not_the_package_copy_under_another_name():
    # A cell that only called c1.conv2d_reference would pass the test above and show nothing.
    source = cell_source(cell_defining(NOTEBOOK, "conv2d"))
    assert "conv2d_reference" not in source
    assert re.search(r"for \w+ in range\(", source)


def test_notebook_checks_conv2d_against_keras_and_the_package():
    cells = [c for c in code_cells(NOTEBOOK) if re.search(r"\bours = conv2d\(", cell_source(c))]
    assert len(cells) == 1
    source = cell_source(cells[0])
    assert "keras.layers.Conv2D(" in source and "c1.conv2d_reference(" in source
    printed = "".join("".join(out.get("text", "")) for out in cells[0]["outputs"])
    assert "equal to Keras: True" in printed
    assert "equal to the package's copy: True" in printed
