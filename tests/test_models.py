"""The Keras builders against our arithmetic, and the plain-text layer table.

Models are built on symbolic inputs only; the one forward pass runs a fire module on
an 8×8 input.
"""

import dataclasses
import inspect
import subprocess
import sys

import numpy as np
import pytest

import conv1x1_viz.architectures as arch
import conv1x1_viz.models as models
from conv1x1_viz import build_model, layer_table

CASES = [
    ("tutorial", {"filters_1x1": 512}),
    ("tutorial", {"filters_1x1": 64}),
    ("tutorial", {"filters_1x1": 1024}),
    ("reduction", {}),
    ("reduction", {"reduce_to": 64}),
    ("mlpconv", {}),
    ("inception", {"reduced": False}),
    ("inception", {"reduced": True}),
    ("inception", {"reduced": False, "branch": "5x5"}),
    ("inception", {"reduced": True, "branch": "pool"}),
    ("bottleneck", {"use_bias": False, "batch_norm": True}),
    ("bottleneck", {"use_bias": True, "batch_norm": True}),
    ("bottleneck", {"use_bias": False, "batch_norm": False}),
    ("bottleneck", {"use_bias": True, "batch_norm": False}),
    ("basic_block", {}),
    ("basic_block", {"input_shape": (56, 56, 256), "batch_norm": False}),
    ("fire_module", {}),
    ("squeezenet", {}),
    ("squeezenet", {"input_shape": (224, 224, 3)}),
    ("alexnet", {"groups": 2}),
    # Single tower on a small input, so its dense layers stay small and the test fast.
    ("alexnet", {"groups": 1, "input_shape": (67, 67, 3), "classes": 10}),
]


def _pair(kind):
    return getattr(models, f"{kind}_model"), getattr(arch, f"{kind}_architecture")


@pytest.mark.parametrize(("kind", "kwargs"), CASES, ids=lambda v: str(v))
def test_keras_model_matches_our_arithmetic(keras, kind, kwargs):
    builder, describe = _pair(kind)
    model = builder(**kwargs)
    ours = describe(**kwargs).table()
    assert model.count_params() == ours.total_params
    theirs = layer_table(model)
    # Same layers, with the same names, classes, shapes and counts ...
    expected = [dataclasses.replace(r, macs=None) for r in ours.rows]
    assert len(theirs.rows) == len(expected)
    assert {r.name: r for r in theirs.rows} == {r.name: r for r in expected}
    # ... and in the same order, except that Keras lists a model's layers by depth,
    # so the 1×1 reductions of an inception module come before the 1×1 branch.
    if kwargs != {"reduced": True}:
        assert list(theirs.rows) == expected
    assert theirs.non_trainable_params == sum(
        int(np.prod(w.shape)) for w in model.non_trainable_weights
    )
    assert theirs.title == ours.title == model.name


@pytest.mark.parametrize("kind", sorted({kind for kind, _ in CASES}))
def test_builders_take_the_architecture_arguments(kind):
    builder, describe = _pair(kind)
    assert inspect.signature(builder).parameters.keys() == (
        inspect.signature(describe).parameters.keys()
    )
    for name, param in inspect.signature(builder).parameters.items():
        assert param.default == inspect.signature(describe).parameters[name].default, name
        assert param.kind == inspect.signature(describe).parameters[name].kind, name
    assert builder.__name__ == f"{kind}_model"
    assert builder.__module__ == "conv1x1_viz.models"
    assert inspect.signature(builder).return_annotation == "keras.Model"
    # The builder documents the architecture's parameters, word for word.
    doc, arch_doc = inspect.getdoc(builder), inspect.getdoc(describe)
    parameters = arch_doc[arch_doc.index("Parameters\n") : arch_doc.index("Returns\n")]
    assert parameters in doc
    assert doc.splitlines()[2] == arch_doc.splitlines()[0]
    assert "Returns\n-------\nkeras.Model\n" in doc


def test_names_do_not_depend_on_how_many_models_were_built(keras):
    first = repr(layer_table(models.tutorial_model(64)))
    keras.layers.Conv2D(3, 1)  # bump Keras' automatic name counter
    second = repr(layer_table(models.tutorial_model(64)))
    assert first == second
    assert [line.split()[0] for line in first.splitlines()[4:7]] == [
        "input",
        "conv_3x3",
        "conv_1x1",
    ]


def test_squeezenet_table_text(keras):
    text = repr(layer_table(models.squeezenet_model()))
    lines = text.splitlines()
    assert lines[0] == "squeezenet_v1_0"
    assert len({len(line) for line in lines[1:]}) == 1  # fixed width
    assert lines[-1].split() == ["Total", f"{1_248_424:,}"]
    assert "conv10" in text and "(13, 13, 1000)" in text and "513,000" in text
    assert not hasattr(layer_table(models.squeezenet_model()), "_repr_html_")


def test_fire_module_concatenates_expand1x1_then_expand3x3(keras, rng):
    model = models.fire_module_model(input_shape=(8, 8, 96))
    x = rng.normal(size=(1, 8, 8, 96)).astype(np.float32)
    out = model(x).numpy()
    squeeze = model.get_layer("fire2_squeeze1x1")(x)
    e1 = model.get_layer("fire2_expand1x1")(squeeze).numpy()
    e3 = model.get_layer("fire2_expand3x3")(squeeze).numpy()
    np.testing.assert_allclose(out, np.concatenate([e1, e3], axis=-1), rtol=1e-6)
    assert out.shape == (1, 8, 8, 64 + 64)


def test_residual_add_uses_the_block_input(keras):
    model = models.bottleneck_model(input_shape=(4, 4, 8), bottleneck_channels=2)
    add = model.get_layer("add")
    sources = [t._keras_history.operation.name for t in add._inbound_nodes[0].input_tensors]
    assert sources == ["input", "bn_3"]


def test_layer_table_of_a_sequential_model_has_no_input_row(keras):
    model = keras.Sequential(
        [keras.Input((6, 6, 3)), keras.layers.Conv2D(4, 1, name="mix")], name="seq"
    )
    table = layer_table(model)
    assert [(r.name, r.kind, r.output_shape, r.params) for r in table.rows] == [
        ("mix", "Conv2D", (6, 6, 4), (3 + 1) * 4)
    ]
    assert table.total_macs is None


def test_layer_table_rejects_what_it_cannot_read(keras):
    with pytest.raises(ValueError, match=r"model must be a built Keras model, got 'squeezenet'"):
        layer_table("squeezenet")
    shared = keras.layers.Dense(3, name="shared")
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    model = keras.Model([a, b], keras.layers.Add(name="sum")([shared(a), shared(b)]))
    with pytest.raises(ValueError, match=r"layer 'shared' has no single output shape"):
        layer_table(model)


def test_build_model_rejects_what_is_not_an_architecture():
    with pytest.raises(ValueError, match=r"architecture must be an Architecture"):
        build_model([arch.LayerSpec.flatten("f")])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: models.squeezenet_model(classes=0), r"classes must be a whole number ≥ 1, got 0"),
        (lambda: models.alexnet_model(groups=4), r"groups must be a whole number 1 … 2, got 4"),
        (lambda: models.inception_model(branch="7x7"), r"branch must be None or one of"),
        (lambda: models.tutorial_model(-1), r"filters_1x1 must be a whole number ≥ 1, got -1"),
    ],
)
def test_builders_validate_before_building(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_builders_name_themselves_when_called_wrongly():
    with pytest.raises(TypeError, match=r"^tutorial_model\(\): got an unexpected keyword argument"):
        models.tutorial_model(filters=64)
    with pytest.raises(TypeError, match=r"^squeezenet_model\(\): too many positional arguments"):
        models.squeezenet_model((227, 227, 3))


def test_importing_the_builders_does_not_import_tensorflow():
    code = (
        "import sys, conv1x1_viz.models, conv1x1_viz.architectures; "
        "sys.exit(int('tensorflow' in sys.modules or 'keras' in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_layer_table_shows_open_sizes_as_none(keras):
    model = keras.Sequential(
        [keras.Input((None, None, 3)), keras.layers.Conv2D(5, 1, name="head")], name="any_size"
    )
    table = layer_table(model)
    row = table.row("head")
    assert row.output_shape == (None, None, 5)
    assert row.params == (3 + 1) * 5 == model.count_params()
    assert "(None, None, 5)" in str(table)
