"""Shared test set-up: a headless matplotlib, closed figures and seeded generators."""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_addoption(parser):
    parser.addoption(
        "--heavy", action="store_true",
        help="also run the tests marked heavy (the largest keras.applications models)",
    )  # fmt: skip


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) the heavy tests unless ``--heavy``, and say so in the summary."""
    if config.getoption("--heavy"):
        return
    heavy = [item for item in items if item.get_closest_marker("heavy")]
    if heavy:
        items[:] = [item for item in items if not item.get_closest_marker("heavy")]
        config.hook.pytest_deselected(items=heavy)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def keras():
    from conv1x1_viz import load_keras

    return load_keras(seed=0)


@pytest.fixture(scope="session")
def tf(keras):
    import tensorflow

    return tensorflow
