"""pytest runs strict: a warning raised in our own package fails the test (pyproject.toml)."""

import warnings

import pytest

CODE = compile("import warnings\nwarnings.warn('a warning')", "conv1x1_viz/somewhere.py", "exec")


@pytest.mark.parametrize("module", ["conv1x1_viz", "conv1x1_viz.arithmetic"])
def test_a_warning_from_our_package_is_an_error(module):
    # Python attributes a warning to the module whose code called warnings.warn.
    with pytest.raises(UserWarning, match="a warning"):
        exec(CODE, {"__name__": module})


def test_a_warning_from_another_library_stays_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        exec(CODE, {"__name__": "matplotlib.somewhere"})
    assert [str(w.message) for w in caught] == ["a warning"]
