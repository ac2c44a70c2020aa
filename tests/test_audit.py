"""audit_model on small hand-built models: every count worked out by hand."""

import re
import sys

import pytest

from conv1x1_viz import AuditRow, ModelAudit, audit_model
from conv1x1_viz.audit import AUDIT_KINDS, MAC_CONVENTION
from conv1x1_viz.audit.report import MAX_ROWS
from conv1x1_viz.audit.rows import UnknownSizeError, layer_row


@pytest.fixture(scope="module")
def layers(keras):
    return keras.layers


@pytest.fixture(scope="module")
def small_cnn(keras, layers):
    """Every 2-D kind once, in a Sequential."""
    return keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            layers.Conv2D(8, 3, strides=2, padding="valid", name="stem"),
            layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="dw"),
            layers.Conv2D(4, 1, name="pw"),
            layers.SeparableConv2D(6, 3, padding="same", name="sep"),
            layers.BatchNormalization(name="bn"),
            layers.GlobalAveragePooling2D(name="gap"),
            layers.Dense(10, name="fc"),
        ],
        name="small_cnn",
    )


def by_name(audit):
    return {row.path.split("/")[-1]: row for row in audit.rows}


def test_small_cnn_counted_by_hand(small_cnn):
    audit = audit_model(small_cnn)
    rows = by_name(audit)
    assert list(rows) == ["stem", "dw", "pw", "sep", "bn", "fc"]
    assert [r.kind for r in audit.rows] == [
        "k×k conv", "depthwise", "1×1 conv", "separable", "other", "dense",
    ]  # fmt: skip
    # stem: 32×32×3, 3×3 valid, stride 2 -> (32 - 3) // 2 + 1 = 15
    assert rows["stem"].output_shape == (15, 15, 8)
    assert (rows["stem"].params, rows["stem"].macs) == (
        (3 * 3 * 3 + 1) * 8,
        15 * 15 * 8 * 3 * 3 * 3,
    )
    # depthwise, multiplier 2: 16 filters of 3×3×1, one group per input channel
    assert (rows["dw"].kernel, rows["dw"].groups) == ((3, 3), 8)
    assert (rows["dw"].params, rows["dw"].macs) == ((3 * 3 + 1) * 16, 15 * 15 * 16 * 3 * 3)
    assert (rows["pw"].params, rows["pw"].macs) == ((16 + 1) * 4, 15 * 15 * 4 * 16)
    assert (rows["pw"].params_1x1, rows["pw"].macs_1x1) == (rows["pw"].params, rows["pw"].macs)
    # separable: depthwise 3×3 on 4 channels (no bias), then pointwise 4 -> 6 with bias
    sep = rows["sep"]
    assert sep.params == 3 * 3 * 4 + (4 + 1) * 6 and sep.params_1x1 == (4 + 1) * 6
    assert sep.macs == 15 * 15 * 4 * 3 * 3 + 15 * 15 * 6 * 4 and sep.macs_1x1 == 15 * 15 * 6 * 4
    assert (rows["bn"].params, rows["bn"].macs, rows["bn"].counted) == (4 * 6, 0, False)
    assert (rows["fc"].params, rows["fc"].macs, rows["fc"].kernel) == ((6 + 1) * 10, 6 * 10, None)

    assert audit.total_params == small_cnn.count_params() == sum(r.params for r in audit.rows)
    assert audit.total_macs == sum(r.macs for r in audit.rows)
    assert audit.params_1x1 == rows["pw"].params + sep.params_1x1
    assert audit.macs_1x1 == rows["pw"].macs + sep.macs_1x1
    assert audit.count_1x1 == 2
    assert audit.share_1x1_macs == audit.macs_1x1 / audit.total_macs
    assert audit.share_1x1_params == audit.params_1x1 / audit.total_params
    assert audit.not_counted == (rows["bn"],)
    assert audit.input_shapes == ((32, 32, 3),)
    assert {r.kind for r in audit.rows} <= set(AUDIT_KINDS)


def test_one_dimensional_grouped_dilated_and_per_position_dense(keras, layers):
    x = keras.Input((20, 6), name="signal")
    y = layers.Conv1D(8, 3, padding="causal", name="causal")(x)  # 20 steps, like "same"
    y = layers.Conv1D(8, 1, groups=2, name="grouped_1x1")(y)  # each filter sees 8/2 channels
    y = layers.Conv1D(4, 3, dilation_rate=3, name="dilated")(y)  # spans 7: 20 - 7 + 1 = 14
    y = layers.DepthwiseConv1D(5, strides=2, name="dw1d")(y)  # (14 - 5) // 2 + 1 = 5
    y = layers.SeparableConv1D(3, 1, name="sep1d")(y)
    y = layers.Dense(7, name="per_step")(y)  # on (5, 3): once per step
    model = keras.Model(x, y, name="signals")
    rows = by_name(audit_model(model))
    assert rows["causal"].output_shape == (20, 8) and rows["causal"].kernel == (3,)
    assert rows["causal"].macs == 20 * 8 * 3 * 6
    grouped = rows["grouped_1x1"]
    assert (grouped.kind, grouped.groups) == ("1×1 conv", 2)
    assert (grouped.params, grouped.macs) == ((8 // 2 + 1) * 8, 20 * 8 * (8 // 2))
    assert rows["dilated"].output_shape == (14, 4)
    assert rows["dilated"].macs == 14 * 4 * 3 * 8
    assert rows["dw1d"].output_shape == (5, 4) and rows["dw1d"].macs == 5 * 4 * 5
    assert (rows["sep1d"].kind, rows["sep1d"].macs_1x1) == ("separable", 5 * 3 * 4)
    assert rows["sep1d"].macs == 5 * 4 * 1 + 5 * 3 * 4
    assert rows["per_step"].macs == 5 * 3 * 7 and rows["per_step"].output_shape == (5, 7)
    audit = audit_model(model)
    # the Conv1D of kernel 1, the pointwise half of sep1d and the Dense applied per step
    assert audit.count_1x1 == 3
    assert rows["per_step"].kind == "per-position dense" and rows["per_step"].macs_1x1 == 105
    assert audit.total_params == model.count_params()


def test_strides_padding_kernel_shapes_and_channels_first(keras, layers):
    x = keras.Input((3, 9, 11))
    y = layers.Conv2D(6, (1, 3), strides=(2, 1), groups=3, data_format="channels_first",
                      name="wide")(x)  # fmt: skip
    model = keras.Model(x, y)
    (row,) = audit_model(model).rows
    # channels first: 9×11 maps; height (9 - 1) // 2 + 1 = 5, width 11 - 3 + 1 = 9
    assert row.output_shape == (6, 5, 9) and row.kind == "k×k conv"
    assert (row.params, row.macs) == ((1 * 3 * 1 + 1) * 6, 5 * 9 * 6 * 1 * 3 * (3 // 3))


def test_a_transformer_encoder_block_by_hand(keras, layers):
    tokens = keras.Input((12,), dtype="int32")
    x = layers.Embedding(100, 16, name="embed")(tokens)
    x = layers.MultiHeadAttention(2, 8, name="attention")(x, x)
    x = layers.LayerNormalization(name="norm")(x)
    x = layers.Dense(32, name="ffn_in")(x)
    x = layers.Dense(16, name="ffn_out")(x)
    model = keras.Model(tokens, x, name="encoder")
    audit = audit_model(model)
    rows = by_name(audit)
    assert [r.kind for r in audit.rows] == [
        "embedding", "attention", "other", "per-position dense", "per-position dense",
    ]  # fmt: skip
    assert (rows["embed"].params, rows["embed"].macs) == (100 * 16, 0)
    attention = rows["attention"]
    # 12 tokens of 16 values; 2 heads of 8: query, key, value and output projections,
    # each 12 · 16 · (2 · 8), then QKᵀ and A·V, each 2 heads · 12 · 12 · 8.
    projections, products = 4 * 12 * 16 * 16, 2 * (2 * 12 * 12 * 8)
    assert (attention.macs, attention.macs_1x1) == (projections + products, projections)
    assert attention.params == attention.params_1x1 == 4 * (16 * 16 + 16)
    assert attention.params == model.get_layer("attention").count_params()
    assert rows["norm"].params == 2 * 16
    assert rows["ffn_in"].macs == rows["ffn_in"].macs_1x1 == 12 * 16 * 32
    assert rows["ffn_out"].macs == 12 * 32 * 16
    assert audit.total_macs == 2 * 12 * 16 * 32 + projections + products
    assert audit.macs_1x1 == audit.total_macs - products
    assert audit.total_params == model.count_params() and audit.count_1x1 == 3
    assert "not counted: LayerNormalization ×1" in str(audit)


def test_nested_base_at_the_outer_input_size(keras, layers):
    inputs = keras.Input((None, None, 3))
    features = layers.Conv2D(8, 3, strides=2, padding="same", name="conv")(inputs)
    features = layers.Conv2D(16, 1, name="expand")(features)
    base = keras.Model(inputs, features, name="base")
    model = keras.Sequential(
        [keras.Input((64, 64, 3)), base, layers.GlobalAveragePooling2D(), layers.Dense(5)],
        name="transfer",
    )
    audit = audit_model(model)
    assert [r.path for r in audit.rows] == [
        "transfer/base/conv", "transfer/base/expand", f"transfer/{model.layers[-1].name}",
    ]  # fmt: skip
    assert [r.macs for r in audit.rows] == [32 * 32 * 8 * 27, 32 * 32 * 16 * 8, 16 * 5]
    assert audit.total_params == model.count_params()
    with pytest.raises(ValueError, match=r"model has an input of unknown size.*'base/conv'"):
        audit_model(base)
    alone = audit_model(base, input_shape=(64, 64, 3))
    assert [r.macs for r in alone.rows] == [r.macs for r in audit.rows[:2]]
    assert alone.input_shapes == ((64, 64, 3),)


def test_a_shared_layer_is_one_row_doing_the_work_of_each_call(keras, layers):
    left, right = keras.Input((10,)), keras.Input((10,))
    shared = layers.Dense(4, name="shared")
    model = keras.Model([left, right], layers.Concatenate()([shared(left), shared(right)]))
    (row,) = audit_model(model).rows
    assert (row.params, row.macs) == ((10 + 1) * 4, 2 * 10 * 4)
    assert audit_model(model).input_shapes == ((10,), (10,))


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # Keras' own
def test_a_quantized_layer_is_other(keras, layers):
    model = keras.Sequential([keras.Input((8,)), layers.Dense(4, name="small")])
    model.get_layer("small").quantize("int8")  # adds a scale per unit to the weights
    (row,) = audit_model(model).rows
    assert (row.kind, row.layer_class, row.params, row.macs) == ("other", "Dense", 40, 0)
    assert model.count_params() == 8 * 4 + 4 + 4


def test_layer_row_refuses_shapes_it_cannot_explain():
    config = {"filters": 4, "kernel_size": (3,), "strides": (1,), "padding": "valid",
              "groups": 1, "use_bias": False}  # fmt: skip
    assert layer_row("m/c", "Conv1D", config, (10, 2), (8, 4)).macs == 8 * 4 * 3 * 2
    with pytest.raises(ValueError, match=r"gives an output of \(1, 8, 4\) but Keras gives"):
        layer_row("m/c", "Conv1D", config, (10, 2), (9, 4))
    with pytest.raises(UnknownSizeError, match="needs the length of its input"):
        layer_row("m/c", "Conv1D", config, (None, 2), (None, 4))
    assert issubclass(UnknownSizeError, ValueError)


def test_a_subclassed_model_inside_is_other_with_its_parameters(keras, layers):
    class Block(keras.Model):
        def __init__(self):
            super().__init__(name="custom_block")
            self.conv = layers.Conv2D(4, 3, padding="same")

        def call(self, x):
            return self.conv(x)

    x = keras.Input((8, 8, 2))
    model = keras.Model(x, layers.Conv2D(3, 1, name="head")(Block()(x)))
    audit = audit_model(model)
    assert [(r.kind, r.layer_class, r.params) for r in audit.rows] == [
        ("other", "Block", (3 * 3 * 2 + 1) * 4), ("1×1 conv", "Conv2D", (4 + 1) * 3),
    ]  # fmt: skip
    assert audit.total_params == model.count_params()
    with pytest.raises(ValueError, match="model must be a functional or Sequential model"):
        audit_model(model.layers[1])


def test_bad_models_are_refused_naming_the_argument(keras, layers):
    with pytest.raises(ValueError, match="model must be a built Keras 3 model.*got str"):
        audit_model("mobilenet")
    with pytest.raises(ValueError, match="model must be a built Keras 3 model.*got Dense"):
        audit_model(layers.Dense(3))
    unbuilt = keras.Sequential([layers.Dense(3)], name="later")
    with pytest.raises(ValueError, match="model must be built, but 'later' is not"):
        audit_model(unbuilt)
    images = keras.Sequential([keras.Input((None, None, 1)), layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="unknown size.*height and width.*input_shape="):
        audit_model(images)
    with pytest.raises(
        ValueError, match=r"input_shape must fit the model's input \(None, None, 1\)"
    ):
        audit_model(images, input_shape=(28, 28, 3))
    with pytest.raises(ValueError, match=r"input_shape\[0\] must be a whole number ≥ 1"):
        audit_model(images, input_shape=(0, 28, 1))
    sequences = keras.Sequential([keras.Input((None, 4)), layers.Dense(2)])
    with pytest.raises(ValueError, match="unknown size.*every position"):
        audit_model(sequences)
    assert audit_model(sequences, input_shape=(9, 4)).total_macs == 9 * 4 * 2
    a, b = keras.Input((2,)), keras.Input((2,))
    two = keras.Model([a, b], layers.Add()([a, b]))
    with pytest.raises(ValueError, match="input_shape can only be given for a model with one"):
        audit_model(two, input_shape=(2,))


def test_refusing_a_non_model_imports_no_keras(monkeypatch):
    monkeypatch.delitem(sys.modules, "keras", raising=False)  # as before Keras is imported
    with pytest.raises(ValueError, match=r"model must be a built Keras 3 model.*got list"):
        audit_model([1, 2])
    assert "keras" not in sys.modules


def test_text_is_fixed_and_html_shows_the_same_rows(small_cnn):
    audit = audit_model(small_cnn)
    text = str(audit)
    assert text == repr(audit) == audit.to_text() and text.startswith(audit.summary())
    assert text.count(MAC_CONVENTION) == 1
    assert "small_cnn, for one input of shape (32, 32, 3)" in text
    lines = text.splitlines()
    assert all(line == line.rstrip() for line in lines)
    stem = next(line for line in lines if "small_cnn/stem" in line)
    assert stem.split() == ["1", "small_cnn/stem", "k×k", "conv", "3×3", "1", "(15,", "15,",
                            "8)", "224", "48,600"]  # fmt: skip
    assert next(line for line in lines if "small_cnn/bn" in line).endswith("24  not counted")
    assert "1×1 share" in audit.summary() and f"{100 * audit.share_1x1_macs:.2f} %" in text

    class Printer:
        def text(self, value):
            self.value = value

    printer = Printer()
    audit._repr_pretty_(printer, False)
    assert printer.value == text
    page = audit._repr_html_()
    assert page.count("<tr") == 6 + len(audit.rows) + 1  # summary, header and rows
    assert page.count("background:") == 2  # the 1×1 conv and the separable
    assert "not counted: BatchNormalization ×1" in page and "48,600" in page


def test_long_audits_show_their_first_and_last_rows():
    rows = tuple(
        AuditRow(f"m/conv{i}", "1×1 conv", "Conv2D", (1, 1), 1, (4, 4, 2), 6, 64, 6, 64)
        for i in range(1, 101)
    )
    audit = ModelAudit("m", ((4, 4, 2),), rows)
    text = str(audit)
    assert "m/conv20 " in text and "m/conv21 " not in text and "m/conv81 " in text
    assert "... 60 rows not shown: print(audit.to_text()) shows every row" in text
    assert all(f"m/conv{i} " in audit.to_text() + " " for i in range(1, 101))
    # The HTML's title names the model; each path starts inside it, and may wrap.
    page = audit._repr_html_()
    assert len(re.findall(r">conv\d", page)) == MAX_ROWS and "m/" not in page
    assert audit.to_text(max_rows=4).count("m/conv") == 4
    with pytest.raises(ValueError, match="max_rows must be a whole number ≥ 2 or None"):
        audit.to_text(max_rows=1)
    assert audit.total_macs == 6_400 and audit.share_1x1_macs == 1.0 and audit.count_1x1 == 100
    empty = ModelAudit("e", ((3,),), ())
    assert (empty.share_1x1_params, empty.share_1x1_macs, empty.total_params) == (0.0, 0.0, 0)


def test_html_paths_may_wrap_after_slashes_and_underscores():
    row = AuditRow("top/base_net/conv_dw_1", "depthwise", "DepthwiseConv2D", (3, 3), 8,
                   (4, 4, 8), 72, 1152)  # fmt: skip
    page = ModelAudit("top", ((4, 4, 8),), (row,))._repr_html_()
    assert ">base_<wbr>net/<wbr>conv_<wbr>dw_<wbr>1</td>" in page
    assert "top/" not in page
