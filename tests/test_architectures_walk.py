"""The layer-walking engine: layer specs, the walk over them and Architecture.

Expected counts are written as the formula of the layer they count.
"""

import dataclasses

import pytest

from conv1x1_viz.architectures import (
    LAYER_KINDS,
    Architecture,
    LayerRow,
    LayerSpec,
    dense_macs,
    dense_params,
    walk_layers,
)
from conv1x1_viz.architectures import walk as walk_module

# --------------------------------------------------------------------------- dense


def test_dense_counts():
    assert dense_params(9216, 4096) == 9216 * 4096 + 4096
    assert dense_params(10, 3, use_bias=False) == 30
    assert dense_macs(4096, 1000) == 4096 * 1000


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: dense_params(0, 3), r"in_features must be a whole number ≥ 1, got 0"),
        (lambda: dense_params(3, 2.5), r"units must be a whole number ≥ 1, got 2\.5"),
        (lambda: dense_params(3, 2, use_bias=1), r"use_bias must be True or False, got 1"),
        (lambda: dense_macs(3, -1), r"units must be a whole number ≥ 1, got -1"),
    ],
)
def test_dense_counts_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- specs and walk


def test_layer_spec_normalises_fields():
    spec = LayerSpec.conv("c", 8, 3, strides=(2, 1), inputs=["a"])
    assert spec.kernel_size == (3, 3)
    assert spec.strides == (2, 1)
    assert spec.inputs == ("a",)
    assert spec.keras_class == "Conv2D"
    assert LayerSpec.max_pool("p", 3).strides == (3, 3)  # Keras: strides default to the pool
    assert LayerSpec.relu("r").keras_class == "Activation"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: LayerSpec("", "conv", filters=1), r"name must be a non-empty string"),
        (lambda: LayerSpec("a/b", "conv", filters=1), r"without '/'"),
        (lambda: LayerSpec("input", "flatten"), r"name 'input' is reserved"),
        (lambda: LayerSpec("x", "pool"), r"kind must be one of \('conv', 'max_pool'"),
        (lambda: LayerSpec.conv("c", 0, 3), r"filters must be a whole number ≥ 1, got 0"),
        (lambda: LayerSpec.dense("d", None), r"filters \(units\) must be a whole number"),
        (lambda: LayerSpec("f", "flatten", filters=3), r"filters must be None for a 'flatten'"),
        (lambda: LayerSpec.conv("c", 4, 0), r"kernel_size must be a whole number ≥ 1, got 0"),
        (lambda: LayerSpec.conv("c", 4, 3, strides=0), r"strides must be a whole number"),
        (lambda: LayerSpec.conv("c", 4, 3, padding="full"), r"padding must be one of"),
        (lambda: LayerSpec.conv("c", 4, 3, activation="tanh"), r"activation must be None or"),
        (lambda: LayerSpec("a", "activation"), r"an 'activation' layer needs activation"),
        (
            lambda: LayerSpec("p", "max_pool", activation="relu"),
            r"activation must be None for a 'max_pool' layer",
        ),
        (lambda: LayerSpec.conv("c", 4, 3, use_bias="no"), r"use_bias must be True or False"),
        (lambda: LayerSpec.conv("c", 4, 3, groups=0), r"groups must be a whole number ≥ 1"),
        (lambda: LayerSpec.conv("c", 5, 3, groups=2), r"filters \(5\) must be divisible by groups"),
        (lambda: LayerSpec("b", "batch_norm", groups=2), r"groups must be 1 for a 'batch_norm'"),
        (lambda: LayerSpec.concat("cat", ("a",)), r"'concat' layer needs at least two inputs"),
        (lambda: LayerSpec.add("sum", "ab"), r"inputs must be a tuple of layer names"),
        (lambda: LayerSpec.relu("r", inputs=("a", "b")), r"'activation' layer takes one input"),
        (lambda: LayerSpec.relu("r", inputs=("",)), r"each of inputs must be a non-empty"),
    ],
)
def test_layer_spec_rejects_bad_fields(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("layers", "input_shape", "message"),
    [
        ([], (8, 8, 3), r"layers must be a non-empty sequence of LayerSpec"),
        ([LayerSpec.flatten("f")], (8, 8), r"input_shape must be \(H, W, C_in\)"),
        (["conv"], (8, 8, 3), r"layers\[0\] must be a LayerSpec, got 'conv'"),
        (
            [LayerSpec.flatten("f"), LayerSpec.flatten("f")],
            (8, 8, 3),
            r"layers\[1\]: layer name 'f' is used twice",
        ),
        (
            [LayerSpec.conv("c", 4, 1, inputs=("later",)), LayerSpec.flatten("later")],
            (8, 8, 3),
            r"layer 'c' takes input from 'later', which is not an earlier layer",
        ),
        (
            [LayerSpec.dense("d", 4)],
            (8, 8, 3),
            r"layer 'd' \(Dense\): needs a vector \(features,\) as input, got shape \(8, 8, 3\)",
        ),
        (
            [LayerSpec.flatten("f"), LayerSpec.conv("c", 4, 1)],
            (8, 8, 3),
            r"layer 'c' \(Conv2D\): needs feature maps \(H, W, C\) as input, got shape \(192,\)",
        ),
        (
            [LayerSpec.conv("c", 4, 3, groups=2)],
            (8, 8, 3),
            r"layer 'c' \(Conv2D\): groups must divide both in_channels \(3\) and filters "
            r"\(4\), got 2",
        ),
        (
            [LayerSpec.conv("c", 4, 9, padding="valid")],
            (8, 8, 3),
            r"layer 'c' \(Conv2D\): kernel_size height is 9 but the input height is only 8",
        ),
        (
            [LayerSpec.max_pool("p", 2), LayerSpec.concat("cat", ("input", "p"))],
            (8, 8, 3),
            r"layer 'cat' \(Concatenate\): can only stack inputs whose shapes agree",
        ),
        (
            [LayerSpec.conv("c", 4, 1), LayerSpec.add("sum", ("input", "c"))],
            (8, 8, 3),
            r"layer 'sum' \(Add\): can only add inputs of the same shape",
        ),
    ],
)
def test_walk_rejects_layers_that_do_not_fit(layers, input_shape, message):
    with pytest.raises(ValueError, match=message):
        walk_layers(layers, input_shape)


def test_walk_follows_named_inputs_not_list_order():
    layers = [
        LayerSpec.conv("a", 4, 1, inputs=("input",)),
        LayerSpec.conv("b", 6, 3, inputs=("input",)),  # a sibling of a, not its child
        LayerSpec.concat("cat", ("a", "b")),
        LayerSpec.batch_norm("bn"),
        LayerSpec.global_avg_pool("gap"),
        LayerSpec.dense("fc", 2, use_bias=False),
    ]
    table = walk_layers(layers, (5, 7, 3), title="toy")
    assert table.row("b").params == (3 * 3 * 3 + 1) * 6
    assert table.row("cat").output_shape == (5, 7, 10)
    assert (table.row("bn").params, table.row("bn").non_trainable_params) == (40, 20)
    assert table.row("gap").output_shape == (10,)
    assert table.row("fc").params == 20
    assert table.trainable_params == table.total_params - 20
    assert table.rows[0] == LayerRow("input", "InputLayer", (5, 7, 3), 0, 0)
    with pytest.raises(ValueError, match=r"no layer named 'nope'; layers are \['input', 'a'"):
        table.row("nope")


def test_architecture_validates_at_construction():
    with pytest.raises(ValueError, match=r"layer 'd' \(Dense\): needs a vector"):
        Architecture("bad", (4, 4, 3), (LayerSpec.dense("d", 2),))
    with pytest.raises(ValueError, match=r"name must be a non-empty string without '/'"):
        Architecture("a/b", (4, 4, 3), (LayerSpec.flatten("f"),))
    with pytest.raises(ValueError, match=r"input_shape\[0\] \(H\) must be a whole number"):
        Architecture("a", (0, 4, 3), (LayerSpec.flatten("f"),))


def test_a_pool_that_does_not_fit_names_the_pool_size():
    with pytest.raises(ValueError) as info:
        Architecture("tiny", (4, 4, 3), (LayerSpec.conv("c", 8, 1), LayerSpec.max_pool("pool", 5)))
    assert str(info.value) == (
        "layer 'pool' (MaxPooling2D): pool_size height is 5 but the input height is only 4: "
        'with padding="valid" the window must fit, so pool_size ≤ 4'
    )
    # The same window with "same" padding fits, and strides default to the window.
    arch = Architecture("tiny", (4, 4, 3), (LayerSpec.max_pool("pool", 5, padding="same"),))
    assert arch.output_shape == (1, 1, 3)


def test_every_kind_has_one_rule():
    assert set(walk_module._RULES) == set(LAYER_KINDS)


def test_architecture_walks_its_layers_once():
    arch = Architecture("toy", (6, 6, 4), (LayerSpec.conv("a", 2, 3), LayerSpec.batch_norm("bn")))
    table = arch.table()
    assert arch.table() is table  # not walked again
    assert table == walk_layers(arch.layers, arch.input_shape, title="toy")
    assert arch.total_params == table.total_params == (3 * 3 * 4 + 1) * 2 + 4 * 2
    assert arch.total_macs == table.total_macs == 6 * 6 * 2 * (3 * 3 * 4)
    assert arch.output_shape == (6, 6, 2)
    # The cached table is not a field a user sets, compares or sees.
    assert [f.name for f in dataclasses.fields(arch) if f.init] == ["name", "input_shape", "layers"]
    assert arch == Architecture("toy", [6, 6, 4], list(arch.layers))
    assert "_table" not in repr(arch)
    bigger = dataclasses.replace(arch, input_shape=(8, 8, 4))
    assert bigger.table().row("a").macs == 8 * 8 * 2 * (3 * 3 * 4)
