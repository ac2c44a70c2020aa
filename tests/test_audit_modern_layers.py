"""audit_model on the layers of modern networks: each rule against a count by hand.

Attention, EinsumDense, 1-D and 3-D convolutions, transposed convolutions, recurrent
layers and embeddings, each in a small model whose every count is worked out here, and
each row's parameters against Keras' own ``count_params()``. Then the layers without
weights that a real graph holds (merges, Keras ops, Lambda, Rescaling, reshapes), which
the audit walks through without touching them.
"""

import pytest

from conv1x1_viz import audit_model
from conv1x1_viz.audit.rows import RULES


@pytest.fixture(scope="module")
def layers(keras):
    return keras.layers


def counted(model):
    """The audit's rows by layer name, each checked against Keras' count first.

    A layer whose class has a rule must be counted by it: the audit falls back to
    "other" (parameters from the weights, no MACs) when a rule's count of parameters
    is not Keras', which would hide a wrong rule from the parameter checks.
    """
    audit = audit_model(model)
    assert audit.total_params == model.count_params()
    rows = {row.path.split("/")[-1]: row for row in audit.rows}
    for name, row in rows.items():
        assert row.params == model.get_layer(name).count_params(), name
        assert row.kind != "other" or row.layer_class not in RULES, name
    return audit, rows


def test_attention_projections_and_products(keras, layers):
    # 10 query tokens of 24 values attend to 7 key/value tokens of 16 values.
    query, memory = keras.Input((10, 24)), keras.Input((7, 16))
    out = layers.MultiHeadAttention(3, 5, value_dim=6, name="cross")(query, memory)
    out = layers.MultiHeadAttention(2, 4, name="self", use_bias=False)(
        query=out, value=out, key=out, attention_mask=None
    )
    model = keras.Model([query, memory], out)
    _, rows = counted(model)
    cross = rows["cross"]
    q, k, v = 10 * 24 * 3 * 5, 7 * 16 * 3 * 5, 7 * 16 * 3 * 6
    o = 10 * 3 * 6 * 24  # back to the query's 24 values
    products = 3 * 10 * 7 * (5 + 6)
    assert (cross.kind, cross.macs, cross.macs_1x1) == ("attention", q + k + v + o + products,
                                                        q + k + v + o)  # fmt: skip
    assert cross.output_shape == (10, 24)
    assert cross.params == cross.params_1x1  # all its weights are in the projections
    itself = rows["self"]  # called with names, and a mask that is not a shape
    assert itself.macs == 4 * (10 * 24 * 2 * 4) + 2 * 10 * 10 * (4 + 4)
    assert itself.params == 4 * 24 * 8


def test_attention_along_some_axes_repeats_over_the_others(keras, layers):
    # 2-D attention over 4×5 positions in 3 frames: each frame attends within itself.
    video = keras.Input((3, 4, 5, 8))
    out = layers.MultiHeadAttention(2, 4, attention_axes=(2, 3), name="spatial")(video, video)
    _, rows = counted(keras.Model(video, out))
    positions = 3 * 4 * 5
    projections = 4 * positions * 8 * 2 * 4
    products = 2 * positions * (4 * 5) * (4 + 4)  # each query sees the 20 of its frame
    assert rows["spatial"].macs == projections + products


def test_einsum_dense_per_position_or_not(keras, layers):
    tokens = keras.Input((12, 16))
    heads = layers.EinsumDense("abc,cde->abde", output_shape=(12, 4, 8), bias_axes="de",
                               name="heads")(tokens)  # fmt: skip
    merged = layers.EinsumDense("abde,def->abf", output_shape=(12, 16), name="merge")(heads)
    ellipsis = layers.EinsumDense("...c,cd->...d", output_shape=32, name="ellipsis")(merged)
    # Mixing the 12 tokens, MLP-Mixer's token-mixing: not a per-position layer.
    mixed = layers.EinsumDense("abc,bd->adc", output_shape=(20, 32), name="tokens")(ellipsis)
    _, rows = counted(keras.Model(tokens, mixed))
    assert rows["heads"].macs == 12 * 16 * 4 * 8 and rows["heads"].kind == "per-position dense"
    assert rows["heads"].params == 16 * 4 * 8 + 4 * 8
    assert rows["merge"].macs == rows["merge"].macs_1x1 == 12 * 4 * 8 * 16
    assert rows["ellipsis"].macs == 12 * 16 * 32 and rows["ellipsis"].macs_1x1 > 0
    assert (rows["tokens"].kind, rows["tokens"].macs) == ("dense", 12 * 20 * 32)
    assert rows["tokens"].macs_1x1 == 0


def test_dense_on_any_rank(keras, layers):
    x = keras.Input((6, 5, 4))
    per_pixel = layers.Dense(3, name="per_pixel")(x)
    flat = layers.Dense(2, name="classifier")(layers.Flatten()(per_pixel))
    _, rows = counted(keras.Model(x, flat))
    assert rows["per_pixel"].macs == rows["per_pixel"].macs_1x1 == 6 * 5 * 4 * 3
    assert rows["per_pixel"].kind == "per-position dense"
    assert (rows["classifier"].kind, rows["classifier"].macs) == ("dense", 6 * 5 * 3 * 2)
    assert rows["classifier"].macs_1x1 == 0


def test_three_dimensional_and_transposed_convolutions(keras, layers):
    clip = keras.Input((4, 8, 8, 3))
    c3 = layers.Conv3D(6, 3, padding="same", name="c3")(clip)
    p3 = layers.Conv3D(2, 1, strides=2, name="p3")(c3)
    t3 = layers.Conv3DTranspose(2, 2, strides=2, name="t3")(p3)
    image = keras.Input((8, 8, 3))
    t2 = layers.Conv2DTranspose(5, 3, strides=2, padding="same", name="t2")(image)
    t2p = layers.Conv2DTranspose(4, 3, strides=2, output_padding=1, name="t2p")(t2)
    t11 = layers.Conv2DTranspose(7, 1, name="t11")(t2p)
    signal = keras.Input((16, 2))
    t1 = layers.Conv1DTranspose(5, 3, strides=2, name="t1")(signal)
    model = keras.Model([clip, image, signal], [t3, t11, t1])
    _, rows = counted(model)
    assert rows["c3"].macs == 4 * 8 * 8 * 6 * (3 * 3 * 3 * 3) and rows["c3"].kernel == (3, 3, 3)
    assert rows["p3"].kind == "1×1 conv" and rows["p3"].macs == 2 * 4 * 4 * 2 * 6
    # A transposed convolution: every input value times every weight of its filters.
    assert rows["t3"].macs == (2 * 4 * 4 * 2) * (2 * 2 * 2) * 2
    assert rows["t2"].macs == (8 * 8 * 3) * 9 * 5 and rows["t2"].output_shape == (16, 16, 5)
    assert rows["t2p"].macs == (16 * 16 * 5) * 9 * 4 and rows["t2p"].output_shape == (34, 34, 4)
    assert rows["t11"].macs == rows["t11"].macs_1x1 == 34 * 34 * 4 * 7
    assert rows["t1"].macs == (16 * 2) * 3 * 5 and rows["t1"].kind == "transposed conv"


def test_recurrent_layers_per_step_and_gate(keras, layers):
    words = keras.Input((9,), dtype="int32")
    vectors = layers.Embedding(50, 8, name="embed")(words)
    lstm = layers.LSTM(6, return_sequences=True, name="lstm")(vectors)
    gru = layers.GRU(5, name="gru")(lstm)
    both = layers.Bidirectional(layers.SimpleRNN(4), name="both")(vectors)
    model = keras.Model(words, [gru, both])
    _, rows = counted(model)
    assert (rows["embed"].kind, rows["embed"].params, rows["embed"].macs) == (
        "embedding", 50 * 8, 0,
    )  # fmt: skip
    assert rows["lstm"].macs == 9 * 4 * (8 + 6) * 6 and rows["lstm"].kind == "recurrent"
    assert rows["gru"].macs == 9 * 3 * (6 + 5) * 5
    assert rows["both"].macs == 2 * 9 * 1 * (8 + 4) * 4
    assert all(rows[n].macs_1x1 == 0 for n in ("lstm", "gru", "both"))


def test_layers_without_weights_are_walked_through(keras, layers):
    x = keras.Input((8, 8, 3))
    scaled = layers.Rescaling(1 / 255)(x)
    a = layers.Conv2D(4, 1, name="a")(scaled)
    b = layers.Conv2D(4, 3, padding="same", name="b")(scaled)
    added = layers.Add()([a, b])
    summed = keras.ops.add(added, keras.ops.multiply(added, 2.0))  # Keras ops in the graph
    shifted = layers.Lambda(lambda t: t - 1.0)(summed)
    tokens = layers.Reshape((64, 4))(shifted)
    out = layers.Dense(2, name="head")(layers.Permute((2, 1))(tokens))
    audit, rows = counted(keras.Model(x, out))
    assert list(rows) == ["a", "b", "head"]
    assert rows["head"].macs == 4 * 64 * 2 and rows["head"].kind == "per-position dense"


def test_an_unknown_layer_with_weights_keeps_them_in_sight(keras, layers):
    class Gain(layers.Layer):
        def build(self, shape):
            self.gain = self.add_weight(shape=(shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.gain

    x = keras.Input((5, 3))
    y = layers.Dense(4, name="dense")(Gain(name="gain")(x))
    audit, rows = counted(keras.Model(x, y))
    assert (rows["gain"].kind, rows["gain"].params, rows["gain"].macs) == ("other", 3, 0)
    assert "not counted: Gain ×1" in str(audit)


def test_unknown_sizes_name_the_layer_and_what_to_do(keras, layers):
    words = keras.Input((None,), dtype="int32")
    out = layers.LSTM(3, name="lstm")(layers.Embedding(10, 4, name="embed")(words))
    model = keras.Model(words, out)
    with pytest.raises(ValueError, match=r"'.*/lstm' \(LSTM\) needs the number of steps.*"
                                         r"input_shape="):  # fmt: skip
        audit_model(model)
    assert audit_model(model, input_shape=(7,)).total_macs == 7 * 4 * (4 + 3) * 3


def vit_macs(tokens, patches, patch, width, depth, mlp, classes):
    """ViT's MACs by hand: patch embedding, per block 4 projections, 2 products, 2 dense."""
    embedding = patches * (patch * patch * 3) * width
    block = 4 * tokens * width**2 + 2 * tokens**2 * width + 2 * tokens * width * mlp
    return embedding + depth * block + width * classes


def test_vit_b16_as_published(keras):
    from conv1x1_viz.models import vision_transformer_model

    model = vision_transformer_model()  # ViT-B/16 at 224×224: 196 patches and a class token
    audit = audit_model(model)
    assert audit.total_params == model.count_params() == 86_567_656  # Dosovitskiy et al.
    assert audit.total_macs == vit_macs(197, 196, 16, 768, 12, 3072, 1000)
    # Commonly tabulated as 17.6 G multiply-adds.
    assert abs(audit.total_macs - 17.6e9) / 17.6e9 < 0.01
    products = 12 * 2 * 197 * 197 * 768
    head, embedding = 768 * 1000, 196 * 768 * 768  # on one vector; a 16×16 convolution
    assert audit.macs_1x1 == audit.total_macs - products - embedding - head
    assert {r.layer_class for r in audit.not_counted} == {
        "ClassToken", "LayerNormalization", "PositionEmbedding",
    }  # fmt: skip


def test_a_small_vit_at_any_image_size(keras):
    from conv1x1_viz.models import vision_transformer_model

    vit = vision_transformer_model(None, patch_size=4, width=64, depth=2, heads=4,
                                   mlp_width=128, classes=10, class_token=False)  # fmt: skip
    for size in (32, 64, 96):
        tokens = (size // 4) ** 2
        audit = audit_model(vit, input_shape=(size, size, 3))
        assert audit.total_macs == vit_macs(tokens, tokens, 4, 64, 2, 128, 10)
    with pytest.raises(ValueError, match="image_size must be given with class_token=True"):
        vision_transformer_model(None)
    with pytest.raises(ValueError, match=r"width must be a multiple of heads \(5\)"):
        vision_transformer_model(32, patch_size=4, width=64, heads=5)


def test_configs_a_rule_cannot_read_name_the_layer():
    from conv1x1_viz.audit.rows import layer_row

    with pytest.raises(ValueError, match=r"layer 'm/odd' \(Dense\): its config is not one"):
        layer_row("m/odd", "Dense", {"use_bias": True}, (4,), (2,))  # no "units"
    wrapped = {"layer": {"class_name": "ConvLSTM1D", "config": {}}, "merge_mode": "concat"}
    row = layer_row("m/both", "Bidirectional", wrapped, (5, 3, 2), (5, 8))
    assert (row.kind, row.macs) == ("other", 0)  # kept by audit_model, not counted


def test_settings_each_rule_must_read(keras, layers):
    x = keras.Input((6, 12))
    shaped = layers.MultiHeadAttention(2, 3, output_shape=(3, 4), name="shaped")(x, x)
    both = layers.Bidirectional(
        layers.LSTM(4), backward_layer=layers.GRU(3, go_backwards=True), name="uneven"
    )(x)
    vector = keras.Input((12,))
    on_vector = layers.EinsumDense("ab,bc->ac", output_shape=5, name="on_vector")(vector)
    upper = layers.EinsumDense("...B,BC->...C", output_shape=7, name="upper")(x)
    clip = keras.Input((6, 10, 10, 4))
    grouped = layers.Conv3D(6, 3, groups=2, dilation_rate=2, name="grouped3d")(clip)
    image = keras.Input((12, 12, 4))
    dilated = layers.DepthwiseConv2D(3, dilation_rate=2, name="dilated_dw")(image)
    model = keras.Model(
        [x, vector, clip, image], [shaped, both, on_vector, upper, grouped, dilated]
    )
    _, rows = counted(model)
    # 6 tokens of 12, 2 heads of 3, the output written as 3×4 = 12 values per token.
    assert rows["shaped"].output_shape == (6, 3, 4)
    assert rows["shaped"].macs == 3 * (6 * 12 * 2 * 3) + 6 * 2 * 3 * 12 + 2 * 6 * 6 * (3 + 3)
    assert rows["uneven"].macs == 6 * 4 * (12 + 4) * 4 + 6 * 3 * (12 + 3) * 3
    assert (rows["on_vector"].kind, rows["on_vector"].macs) == ("dense", 12 * 5)
    assert rows["upper"].macs == rows["upper"].macs_1x1 == 6 * 12 * 7
    # Dilated by 2, a 3-wide kernel spans 5: (6 - 4) × (10 - 4)² outputs, 3³ · 4/2 each.
    assert rows["grouped3d"].output_shape == (2, 6, 6, 6)
    assert rows["grouped3d"].macs == 2 * 6 * 6 * 6 * 27 * 2
    assert rows["dilated_dw"].output_shape == (8, 8, 4) and rows["dilated_dw"].macs == 8 * 8 * 4 * 9


def test_an_equation_that_does_not_fit_says_so(keras, layers):
    x = keras.Input((4, 3))
    y = layers.EinsumDense("ab...,bc->ac...", output_shape=(5, 3))(x)
    with pytest.raises(ValueError, match=r"its equation 'ab\.\.\.,bc->ac\.\.\.' does not fit"):
        audit_model(keras.Model(x, y))
