"""An explorer drawn in the page saves how to make it again, for a page with no kernel."""

import json

import numpy as np
import pytest

import conv1x1_viz.explorers as explorers_package
from conv1x1_viz.explorers import PageExplorer, ParamExplorer, ReconstructionExplorer
from conv1x1_viz.explorers.arguments import from_json, to_json
from conv1x1_viz.explorers.page import EXPLORER_MIMETYPE, explorer_from_saved

PAGE_EXPLORERS = [
    cls
    for cls in (getattr(explorers_package, name) for name in explorers_package.__all__)
    if isinstance(cls, type) and issubclass(cls, PageExplorer) and cls is not PageExplorer
]


@pytest.mark.parametrize("cls", PAGE_EXPLORERS, ids=lambda c: c.__name__)
def test_every_explorer_in_the_page_is_made_again_from_its_output(cls):
    explorer = cls()
    key, control = next(iter(explorer.controls.items()))
    explorer.set(**{key: control.values()[-1]})
    data, _ = explorer._repr_mimebundle_()
    saved = json.loads(json.dumps(data[EXPLORER_MIMETYPE]))  # as the notebook stores it
    again = explorer_from_saved(saved)
    assert again.values == explorer.values and again.wishes == explorer.wishes
    assert again.spec == explorer.spec
    assert again.readout_texts() == explorer.readout_texts()


def test_the_arguments_are_those_given_positional_ones_by_name():
    saved = ParamExplorer(192, 32, 1, input_size=(256, 256)).saved()
    assert saved["class"] == "ParamExplorer"
    assert from_json(saved["arguments"]) == {
        "in_channels": 192,
        "filters": 32,
        "kernel_size": 1,
        "input_size": (256, 256),
    }


def test_arrays_and_numbered_mappings_come_back_exactly():
    rng = np.random.default_rng(0)
    maps = np.maximum(rng.normal(size=(12, 10, 6)), 0)
    trained = {1: np.float64(0.71), 2: 0.5}
    explorer = ReconstructionExplorer(filters=2, features=maps, trained=trained)
    saved = json.loads(json.dumps(explorer.saved()))
    again = explorer_from_saved(saved)
    np.testing.assert_array_equal(again.features, maps)
    assert again.trained == trained
    assert again.summary() == explorer.summary()


def test_an_argument_that_is_not_json_leaves_the_picture_only():
    class Odd(ParamExplorer):
        def __init__(self, thing=None, **kwargs):
            super().__init__(**kwargs)

    explorer = Odd(thing=object())
    assert explorer.saved() is None
    assert EXPLORER_MIMETYPE not in explorer._repr_mimebundle_()[0]
    with pytest.raises(TypeError, match="object"):
        to_json(object())


def test_only_explorers_of_the_package_are_made():
    with pytest.raises(ValueError, match="not an explorer drawn in the page"):
        explorer_from_saved({"class": "Explorer", "arguments": {}, "wishes": {}, "values": {}})
