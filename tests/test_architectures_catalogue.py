"""The catalogue of architectures against counts worked out from first principles.

Every expected number below is written as the formula of the layer it counts
(weights per filter × filters + biases, outputs × weights per output, ...), so a
test fails if the walk wires a layer to the wrong input or counts it the wrong way.
"""

import pytest

from conv1x1_viz import (
    alexnet_architecture,
    basic_block_architecture,
    bottleneck_architecture,
    fire_module_architecture,
    inception_architecture,
    mlpconv_architecture,
    reduction_architecture,
    squeezenet_architecture,
    tutorial_architecture,
)
from conv1x1_viz.architectures import LAYER_KINDS


def conv_w(k, c_in, filters, bias=True):
    """Weights of a k×k layer: one k·k·c_in filter per output map, plus a bias each."""
    return (k * k * c_in + (1 if bias else 0)) * filters


def conv_m(h, w, k, c_in, filters):
    """MACs of a stride-1 'same' layer: every output value reads a k·k·c_in window."""
    return h * w * filters * k * k * c_in


# --------------------------------------------------------------------------- the tutorial


@pytest.mark.parametrize("filters", [512, 64, 1024])
def test_tutorial_models(filters):
    table = tutorial_architecture(filters).table()
    assert [r.name for r in table.rows] == ["input", "conv_3x3", "conv_1x1"]
    assert table.row("conv_3x3").params == conv_w(3, 3, 512)
    assert table.row("conv_3x3").output_shape == (256, 256, 512)
    assert table.row("conv_1x1").params == conv_w(1, 512, filters)
    assert table.row("conv_1x1").output_shape == (256, 256, filters)
    assert table.row("conv_1x1").macs == conv_m(256, 256, 1, 512, filters)
    assert table.total_params == conv_w(3, 3, 512) + conv_w(1, 512, filters)
    assert table.total_macs == conv_m(256, 256, 3, 3, 512) + conv_m(256, 256, 1, 512, filters)


def test_tutorial_numbers_readers_asked_about():
    assert tutorial_architecture(512).table().row("conv_3x3").params == 14_336
    assert tutorial_architecture(512).table().row("conv_1x1").params == 262_656


def test_seven_by_seven_direct_versus_reduced():
    direct = reduction_architecture()
    reduced = reduction_architecture(reduce_to=64)
    assert direct.total_params == conv_w(7, 512, 64)
    assert reduced.table().row("conv_7x7").params == conv_w(7, 64, 64)
    assert reduced.total_params == conv_w(1, 512, 64) + conv_w(7, 64, 64)
    assert direct.total_macs == conv_m(256, 256, 7, 512, 64)
    assert reduced.total_macs == conv_m(256, 256, 1, 512, 64) + conv_m(256, 256, 7, 64, 64)
    # The tutorial says "about one million" for the direct layer: it is about 1.6 million.
    assert round(direct.total_params / 1e6, 1) == 1.6
    # ... and "about 200,000" for the 7×7 layer after the reduction, which holds.
    assert round(reduced.table().row("conv_7x7").params, -4) == 200_000
    assert direct.output_shape == reduced.output_shape == (256, 256, 64)


def test_reduction_names_follow_the_kernel_size():
    arch = reduction_architecture(reduce_to=32, kernel_size=5, filters=8)
    assert arch.name == "conv_5x5_reduced_to_32"
    assert arch.table().row("conv_5x5").params == conv_w(5, 32, 8)


# --------------------------------------------------------------------------- NiN


def test_mlpconv_block():
    table = mlpconv_architecture().table()
    assert [(r.name, r.output_shape, r.params) for r in table.rows[1:]] == [
        ("mlpconv_5x5", (32, 32, 192), conv_w(5, 3, 192)),
        ("mlpconv_1x1_1", (32, 32, 160), conv_w(1, 192, 160)),
        ("mlpconv_1x1_2", (32, 32, 96), conv_w(1, 160, 96)),
    ]
    strided = mlpconv_architecture(
        (96, 96, 96), kernel_size=11, strides=4, input_shape=(224, 224, 3)
    )
    assert strided.table().row("mlpconv_11x11").output_shape == (56, 56, 96)


# --------------------------------------------------------------------------- Inception


def test_inception_naive():
    table = inception_architecture(reduced=False).table()
    assert table.row("inception_3a_1x1").params == conv_w(1, 192, 64)
    assert table.row("inception_3a_3x3").params == conv_w(3, 192, 128)
    assert table.row("inception_3a_5x5").params == conv_w(5, 192, 32)
    # The pooled maps pass through, so the output is deeper than the input.
    assert table.output_shape == (28, 28, 64 + 128 + 32 + 192)
    assert table.total_macs == sum(
        conv_m(28, 28, k, 192, f) for k, f in [(1, 64), (3, 128), (5, 32)]
    )


def test_inception_reduced():
    table = inception_architecture().table()
    expected = {
        "inception_3a_1x1": conv_w(1, 192, 64),
        "inception_3a_3x3_reduce": conv_w(1, 192, 96),
        "inception_3a_3x3": conv_w(3, 96, 128),
        "inception_3a_5x5_reduce": conv_w(1, 192, 16),
        "inception_3a_5x5": conv_w(5, 16, 32),
        "inception_3a_pool": 0,
        "inception_3a_pool_proj": conv_w(1, 192, 32),
        "inception_3a_output": 0,
    }
    assert {r.name: r.params for r in table.rows[1:]} == expected
    assert table.output_shape == (28, 28, 64 + 128 + 32 + 32)
    assert table.row("inception_3a_pool").output_shape == (28, 28, 192)


def test_inception_5x5_branch_multiplies():
    naive = inception_architecture(reduced=False, branch="5x5")
    reduced = inception_architecture(branch="5x5")
    assert naive.total_macs == 28 * 28 * 32 * (5 * 5 * 192)
    assert reduced.total_macs == 28 * 28 * 16 * 192 + 28 * 28 * 32 * (5 * 5 * 16)
    assert round(naive.total_macs / 1e6, 1) == 120.4
    assert round(reduced.total_macs / 1e6, 1) == 12.4
    assert [r.name for r in reduced.table().rows] == [
        "input",
        "inception_3a_5x5_reduce",
        "inception_3a_5x5",
    ]


def test_inception_branches_add_up_to_the_module():
    for reduced in (False, True):
        whole = inception_architecture(reduced).table()
        parts = [inception_architecture(reduced, branch=b) for b in ("1x1", "3x3", "5x5", "pool")]
        assert whole.total_params == sum(p.total_params for p in parts)
        assert whole.total_macs == sum(p.total_macs for p in parts)
        assert whole.output_shape[2] == sum(p.output_shape[2] for p in parts)


# --------------------------------------------------------------------------- ResNet


@pytest.mark.parametrize("use_bias", [False, True])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_bottleneck_versus_basic_block(use_bias, batch_norm):
    bottleneck = bottleneck_architecture(use_bias=use_bias, batch_norm=batch_norm).table()
    basic = basic_block_architecture(use_bias=use_bias, batch_norm=batch_norm).table()
    conv_b = (
        conv_w(1, 256, 64, use_bias) + conv_w(3, 64, 64, use_bias) + conv_w(1, 64, 256, use_bias)
    )
    conv_p = 2 * conv_w(3, 64, 64, use_bias)
    bn_b = 4 * (64 + 64 + 256) if batch_norm else 0
    bn_p = 4 * (64 + 64) if batch_norm else 0
    assert bottleneck.total_params == conv_b + bn_b
    assert basic.total_params == conv_p + bn_p
    assert bottleneck.non_trainable_params == bn_b // 2
    assert bottleneck.output_shape == (56, 56, 256)
    assert basic.output_shape == (56, 56, 64)
    # MACs do not depend on biases or batch norm: each weight is used at every pixel.
    assert bottleneck.total_macs == 56 * 56 * (256 * 64 + 9 * 64 * 64 + 64 * 256)
    assert basic.total_macs == 56 * 56 * 2 * 9 * 64 * 64
    # He et al.: the 256-d bottleneck costs about as much as the 64-d basic block.
    assert 0.9 < bottleneck.total_macs / basic.total_macs < 1.0


def test_bottleneck_versus_plain_3x3_at_256():
    bottleneck = bottleneck_architecture(batch_norm=False)
    plain = basic_block_architecture(input_shape=(56, 56, 256), batch_norm=False)
    assert plain.total_params == 2 * 9 * 256 * 256
    assert plain.total_macs == 56 * 56 * 2 * 9 * 256 * 256
    assert round(plain.total_macs / bottleneck.total_macs) == 17


def test_residual_block_layers():
    with_bn = [r.name for r in bottleneck_architecture().table().rows]
    assert with_bn == [
        "input",
        "conv_1x1_reduce",
        "bn_1",
        "relu_1",
        "conv_3x3",
        "bn_2",
        "relu_2",
        "conv_1x1_restore",
        "bn_3",
        "add",
        "relu_out",
    ]
    without = bottleneck_architecture(batch_norm=False)
    specs = {s.name: s for s in without.layers}
    assert specs["conv_1x1_reduce"].activation == "relu"
    assert specs["conv_1x1_restore"].activation is None  # the ReLU comes after the sum
    assert specs["add"].inputs == ("input", "conv_1x1_restore")


# --------------------------------------------------------------------------- SqueezeNet


def test_fire_module():
    table = fire_module_architecture().table()
    assert table.row("fire2_squeeze1x1").params == conv_w(1, 96, 16)
    assert table.row("fire2_expand1x1").params == conv_w(1, 16, 64)
    assert table.row("fire2_expand3x3").params == conv_w(3, 16, 64)
    assert table.output_shape == (55, 55, 128)
    assert table.total_macs == conv_m(55, 55, 1, 96, 16) + conv_m(55, 55, 1, 16, 64) + conv_m(
        55, 55, 3, 16, 64
    )


# Iandola et al. 2016, Table 1: (s1x1, e1x1, e3x3) of fire2 ... fire9.
FIRES = [(16, 64, 64), (16, 64, 64), (32, 128, 128), (32, 128, 128), (48, 192, 192),
         (48, 192, 192), (64, 256, 256), (64, 256, 256)]  # fmt: skip


def test_squeezenet_total_from_the_paper_table():
    expected = conv_w(7, 3, 96)
    c_in = 96
    for s, e1, e3 in FIRES:
        expected += conv_w(1, c_in, s) + conv_w(1, s, e1) + conv_w(3, s, e3)
        c_in = e1 + e3
    expected += conv_w(1, c_in, 1000)
    table = squeezenet_architecture().table()
    assert table.total_params == expected
    assert expected == 1_248_424  # the paper's Table 1 total
    assert table.output_shape == (1000,)


def test_squeezenet_sizes_match_the_paper_table():
    table = squeezenet_architecture().table()
    sizes = {
        "conv1": (111, 111, 96),
        "pool1": (55, 55, 96),
        "fire2_concat": (55, 55, 128),
        "fire4_concat": (55, 55, 256),
        "pool4": (27, 27, 256),
        "fire8_concat": (27, 27, 512),
        "pool8": (13, 13, 512),
        "fire9_concat": (13, 13, 512),
        "conv10": (13, 13, 1000),
        "pool10": (1000,),
    }
    assert {name: table.row(name).output_shape for name in sizes} == sizes


def test_squeezenet_on_224_rounds_down_like_keras():
    table = squeezenet_architecture(input_shape=(224, 224, 3)).table()
    # floor((224 - 7) / 2) + 1 = 109, then floor((n - 3) / 2) + 1 at each pooling.
    assert table.row("conv1").output_shape[:2] == (109, 109)
    assert table.row("pool1").output_shape[:2] == (54, 54)
    assert table.row("pool4").output_shape[:2] == (26, 26)
    assert table.row("pool8").output_shape[:2] == (12, 12)
    assert table.total_params == squeezenet_architecture().total_params


# --------------------------------------------------------------------------- AlexNet


def alexnet_expected(groups):
    convs = (
        conv_w(11, 3, 96)
        + conv_w(5, 96 // groups, 256)
        + conv_w(3, 256, 384)
        + conv_w(3, 384 // groups, 384)
        + conv_w(3, 384 // groups, 256)
    )
    dense = (6 * 6 * 256 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * 1000
    return convs + dense


@pytest.mark.parametrize("groups", [1, 2])
def test_alexnet(groups):
    arch = alexnet_architecture(groups)
    assert arch.total_params == alexnet_expected(groups)
    table = arch.table()
    assert table.row("conv1").output_shape == (55, 55, 96)
    assert table.row("pool5").output_shape == (6, 6, 256)
    assert table.row("flatten").output_shape == (9216,)
    assert table.row("fc6").macs == 9216 * 4096
    # A grouped layer does half the work: each filter sees half the maps.
    assert table.row("conv2").macs == 27 * 27 * 256 * 5 * 5 * (96 // groups)


def test_fifty_times_smaller():
    alexnet = alexnet_architecture().total_params
    squeezenet = squeezenet_architecture().total_params
    assert alexnet == 60_965_224  # the BVLC reference AlexNet, about 61 million
    # With 4 bytes per 32-bit weight: about 240 MB against about 4.8 MB (the paper's
    # Table 2); the ratio of parameter counts is just under 49.
    assert round(alexnet * 4 / 1e6) == 244
    assert round(squeezenet * 4 / 2**20, 1) == 4.8
    assert round(alexnet / squeezenet, 1) == 48.8


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: tutorial_architecture(0), r"filters_1x1 must be a whole number ≥ 1, got 0"),
        (lambda: reduction_architecture(reduce_to=0), r"reduce_to must be a whole number"),
        (lambda: mlpconv_architecture((1, 2)), r"filters must be three whole numbers ≥ 1"),
        (lambda: mlpconv_architecture((1, 0, 2)), r"filters\[1\] must be a whole number"),
        (lambda: inception_architecture(reduced=1), r"reduced must be True or False, got 1"),
        (lambda: inception_architecture(branch="7x7"), r"branch must be None or one of"),
        (lambda: inception_architecture(n5x5_reduce=0), r"n5x5_reduce must be a whole number"),
        (lambda: bottleneck_architecture(0), r"bottleneck_channels must be a whole number"),
        (lambda: basic_block_architecture(batch_norm=None), r"batch_norm must be True or False"),
        (lambda: fire_module_architecture(squeeze=0), r"squeeze must be a whole number ≥ 1"),
        (lambda: squeezenet_architecture(classes=0), r"classes must be a whole number ≥ 1"),
        (
            lambda: squeezenet_architecture(input_shape=(32, 32, 3)),
            r"layer 'pool8' \(MaxPooling2D\): pool_size height is 3 but the input height is "
            r"only 2: with padding=\"valid\" the window must fit, so pool_size ≤ 2",
        ),
        (lambda: alexnet_architecture(3), r"groups must be a whole number 1 … 2, got 3"),
        (lambda: alexnet_architecture(True), r"groups must be a whole number 1 … 2, got True"),
    ],
)
def test_architecture_functions_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_catalogue_uses_every_kind_of_layer():
    catalogue = [
        tutorial_architecture(),
        reduction_architecture(reduce_to=64),
        mlpconv_architecture(),
        inception_architecture(),
        bottleneck_architecture(),
        basic_block_architecture(),
        fire_module_architecture(),
        squeezenet_architecture(),
        alexnet_architecture(),
    ]
    assert {spec.kind for a in catalogue for spec in a.layers} == set(LAYER_KINDS)
