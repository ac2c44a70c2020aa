"""The packages split into submodules: each exports its submodules' names, once, in order."""

import pytest

import conv1x1_viz
from conv1x1_viz import architectures, geometry

SPLIT_PACKAGES = [
    pytest.param(
        architectures,
        [
            architectures.specs,
            architectures.walk,
            architectures.table,
            architectures.blocks,
            architectures.networks,
        ],
        id="architectures",
    ),
    pytest.param(
        geometry,
        [
            geometry.blocks,
            geometry.filter_block,
            geometry.feature_maps,
            geometry.channel_mixing,
            geometry.cost_bars,
        ],
        id="geometry",
    ),
]


@pytest.mark.parametrize(("package", "parts"), SPLIT_PACKAGES)
def test_the_package_exports_every_submodule_name_once(package, parts):
    names = [name for part in parts for name in part.__all__]
    assert package.__all__ == names
    assert len(set(names)) == len(names)
    for part in parts:
        for name in part.__all__:
            assert getattr(package, name) is getattr(part, name)
            assert getattr(conv1x1_viz, name) is getattr(part, name)
    assert set(names) <= set(conv1x1_viz.__all__)
