"""Notebook 06 shows PCA as an eigendecomposition; the package holds the tested copy.

The notebook writes ``principal_components`` in a few lines of NumPy, in a cell the learner
reads. These tests take that function from the stored notebook (the cell is found by its
``def`` line, not by its position), run it, and check that it agrees with
``conv1x1_viz.principal_components`` up to the sign of each direction: on random data, and
on the maps the notebook itself builds. They also check what the cell prints: the error of
rebuilding through the top eigenvectors equals the sum of the dropped eigenvalues.
"""

import ast
import re

import numpy as np
import pytest

import conv1x1_viz as c1
from tests.notebook_code import cell_defining, code_cells
from tests.notebook_code import source as cell_source
from tests.test_notebooks_stored import NOTEBOOKS

NOTEBOOK = next(p for p in NOTEBOOKS if p.name.startswith("06_"))


def _pca_cell():
    return cell_defining(NOTEBOOK, "principal_components")


def notebook_principal_components():
    """The notebook's function, executed on its own with NumPy as its only name."""
    tree = ast.parse(cell_source(_pca_cell()))
    node = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "principal_components"
    )
    namespace = {"np": np}
    exec(compile(ast.Module(body=[node], type_ignores=[]), NOTEBOOK.name, "exec"), namespace)
    return namespace["principal_components"]


def notebook_maps():
    """The maps the notebook analyses: its ``maps = …`` assignment, evaluated again."""
    for cell in code_cells(NOTEBOOK):
        for node in ast.parse(cell_source(cell)).body:
            if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["maps"]:
                names = {"c1": c1, "np": np, "sample_image": c1.sample_image}
                return eval(compile(ast.Expression(node.value), NOTEBOOK.name, "eval"), names)
    raise AssertionError(f"{NOTEBOOK.name} assigns no maps")


def assert_agrees_with_the_package(features):
    mean, variances, directions = notebook_principal_components()(features)
    pcs = c1.principal_components(features)
    np.testing.assert_allclose(mean, pcs.mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(variances, pcs.variances, rtol=1e-9, atol=1e-12)
    signs = np.sign((directions * pcs.components).sum(axis=0))  # each column: v or −v
    assert np.all(np.abs(signs) == 1)
    np.testing.assert_allclose(directions * signs, pcs.components, atol=1e-8)


def test_the_cell_shows_the_eigendecomposition():
    cell = _pca_cell()
    assert not cell["metadata"].get("jupyter", {}).get("source_hidden", False)
    source = cell_source(cell)
    for step in ("np.linalg.eigh(", "np.argsort(", "centred.T @ centred"):
        assert step in source, step


@pytest.mark.parametrize("shape", [(9, 7, 5), (3, 6, 4, 8)])
def test_notebook_pca_equals_the_package_on_random_data(rng, shape):
    mixing = rng.normal(size=(shape[-1], shape[-1]))  # correlated channels, distinct variances
    features = rng.normal(size=shape) @ mixing + rng.normal(size=shape[-1])
    assert_agrees_with_the_package(features)


def test_notebook_pca_equals_the_package_on_the_notebooks_maps():
    maps = notebook_maps()
    assert maps.shape == (64, 64, 32)
    assert_agrees_with_the_package(maps)


def test_dropped_eigenvalues_equal_the_error_the_cell_prints():
    printed = "".join(
        "".join(out.get("text", ""))
        for out in _pca_cell()["outputs"]
        if out.get("name") == "stdout"
    )
    error = re.search(r"mean squared error per pixel:\s+([\d.]+)", printed)
    dropped = re.search(r"sum of the (\d+) dropped eigenvalues:\s+([\d.]+)", printed)
    assert error and dropped, printed
    assert error.group(1) == dropped.group(2)
    _, variances, _ = notebook_principal_components()(notebook_maps())
    kept = len(variances) - int(dropped.group(1))
    assert f"{variances[kept:].sum():.6f}" == dropped.group(2)
