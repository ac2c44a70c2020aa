"""Where the drawings put things: blocks, the filter-block scene, grids, bars."""

import math

import numpy as np
import pytest

from conv1x1_viz import conv_output_shape, geometry
from conv1x1_viz.geometry import (
    DEPTH_SCALE,
    NUMBER_EM,
    OBLIQUE_ANGLE,
    UNIT,
    Block,
    cost_bar_layout,
    drawn_length,
    filter_block_scene,
    grid_layout,
    mixing_cell,
    mixing_layout,
    numbers_fit,
    use_log_scale,
)


def test_drawn_length_is_one_unit_per_doubling():
    assert drawn_length(0) == 0
    assert drawn_length(1) == pytest.approx(UNIT)
    assert drawn_length(3, unit=2.0) == pytest.approx(4.0)
    assert drawn_length(2047, unit=1.0) == pytest.approx(11.0)


def test_drawn_length_keeps_order_and_compresses():
    counts = np.arange(1, 4097)
    lengths = drawn_length(counts)
    assert np.all(np.diff(lengths) > 0)
    # 2,048 channels drawn at most a dozen times deeper than one channel.
    assert drawn_length(2048) / drawn_length(1) < 12


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_drawn_length_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="n must be a count"):
        drawn_length(bad)


def test_drawn_length_rejects_bad_unit():
    with pytest.raises(ValueError, match="unit must be > 0"):
        drawn_length(3, unit=0)


def test_block_faces_share_edges_and_recede_at_the_oblique_angle():
    block = Block(1.0, 2.0, 3.0, 4.0, depth=5.0)
    front, top, side = block.faces()
    np.testing.assert_allclose(front, [[1, 2], [4, 2], [4, 6], [1, 6]])
    # The top face starts on the front face's upper edge, the side on its right edge.
    np.testing.assert_allclose(top[:2], [front[3], front[2]])
    np.testing.assert_allclose(side[[0, 3]], [front[1], front[2]])
    # They meet at the back top-right corner.
    np.testing.assert_allclose(top[2], side[2])
    dx, dy = top[3] - top[0]
    assert math.hypot(dx, dy) == pytest.approx(5.0 * DEPTH_SCALE)
    assert math.degrees(math.atan2(dy, dx)) == pytest.approx(OBLIQUE_ANGLE)
    x0, x1, y0, y1 = block.bounds
    assert (x0, y0) == (1.0, 2.0)
    assert x1 == pytest.approx(side[:, 0].max())
    assert y1 == pytest.approx(top[:, 1].max())


def test_dividers_run_from_front_to_back():
    block = Block(0.0, 0.0, 2.0, 1.0, depth=3.0)
    segments = block.dividers([0.0, 3.0])
    assert segments.shape == (4, 2, 2)
    front_top, back_top, front_side, back_side = segments
    np.testing.assert_allclose(front_top, [block.front[3], block.front[2]])
    np.testing.assert_allclose(back_top, [block.top[3], block.top[2]])
    np.testing.assert_allclose(front_side, [block.front[2], block.front[1]])
    np.testing.assert_allclose(back_side, [block.side[2], block.side[1]])
    with pytest.raises(ValueError, match="between 0 and the block depth"):
        block.dividers([3.5])


@pytest.mark.parametrize("c_in", [1, 3, 192, 2048])
def test_filter_is_exactly_as_deep_as_the_input(c_in):
    scene = filter_block_scene((28, 28, c_in), 3, 8)
    assert scene.filter.depth == scene.input.depth
    assert scene.window.depth == scene.input.depth
    np.testing.assert_allclose(scene.filter.offset, scene.input.offset)


def test_output_depth_follows_the_number_of_filters():
    depths = [filter_block_scene((28, 28, 64), 1, n).output.depth for n in (1, 2, 64, 2048)]
    assert depths == sorted(depths) and len(set(depths)) == 4
    one = filter_block_scene((28, 28, 64), 1, 1)
    assert one.first_map.depth == one.output.depth  # a single map is the whole stack


@pytest.mark.parametrize(
    ("shape", "kernel", "filters", "strides", "padding"),
    [
        ((28, 28, 192), 1, 64, 1, "same"),
        ((9, 12, 3), 3, 5, 2, "valid"),
        ((7, 7, 4), (1, 3), 2, 1, "same"),
    ],
)
def test_scene_sizes_are_the_layer_sizes(shape, kernel, filters, strides, padding):
    scene = filter_block_scene(shape, kernel, filters, strides=strides, padding=padding)
    assert scene.output_shape == conv_output_shape(shape, filters, kernel, strides, padding)
    kh, kw = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    assert scene.kernel_size == (kh, kw)
    assert scene.filter.width == pytest.approx(drawn_length(kw))
    assert scene.filter.height == pytest.approx(drawn_length(kh))
    assert scene.output.height == pytest.approx(drawn_length(scene.output_shape[0]))


def test_scene_reads_left_to_right_without_overlap():
    scene = filter_block_scene((28, 28, 192), 5, 32)
    assert scene.input.bounds[1] < scene.filter.x
    assert scene.filter.bounds[1] < scene.arrow[0, 0] < scene.arrow[1, 0] < scene.output.x
    for key, (_, y) in scene.label_anchors.items():
        assert y < scene.bounds[2], key
    assert scene.label_anchors["input"][0] < scene.label_anchors["filter"][0]
    assert scene.label_anchors["filter"][0] < scene.label_anchors["output"][0]


def test_window_sits_at_the_inputs_top_left_corner():
    scene = filter_block_scene((28, 28, 16), 3, 4)
    np.testing.assert_allclose(scene.window.front[3], scene.input.front[3])
    assert scene.window.width == pytest.approx(scene.filter.width)
    # The output pixel it makes sits at the first map's top-left corner.
    np.testing.assert_allclose(scene.output_pixel[3], scene.first_map.front[3])


def test_dividers_are_capped():
    few = filter_block_scene((8, 8, 3), 1, 2)
    assert len(few.dividers["input"]) == 2 * 2  # between 3 channels: 2 lines on 2 faces
    assert len(few.dividers["output"]) == 2 * 1
    many = filter_block_scene((8, 8, 512), 1, 2048, max_dividers=10)
    assert len(many.dividers["input"]) == len(many.dividers["filter"]) == 2 * 10
    assert len(many.dividers["output"]) == 2 * 10


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": (28, 28), "kernel_size": 1, "filters": 1}, "input_shape"),
        ({"input_shape": (28, 28, 0), "kernel_size": 1, "filters": 1}, "C_in"),
        ({"input_shape": (28, 28, 3), "kernel_size": 0, "filters": 1}, "kernel_size"),
        ({"input_shape": (28, 28, 3), "kernel_size": 1, "filters": 2.5}, "filters"),
        ({"input_shape": (4, 4, 3), "kernel_size": 5, "filters": 1, "padding": "valid"}, "kernel"),
        ({"input_shape": (4, 4, 3), "kernel_size": 1, "filters": 1, "max_dividers": 0}, "divid"),
    ],
)
def test_scene_rejects_bad_layers(kwargs, message):
    with pytest.raises(ValueError, match=message):
        filter_block_scene(**kwargs)


def test_grid_caps_the_maps_and_counts_the_rest():
    layout = grid_layout(40, (8, 8), max_maps=16)
    assert (layout.n_shown, layout.n_hidden, layout.ncols, layout.nrows) == (16, 24, 4, 4)
    assert len(layout.extents) == 16
    all_shown = grid_layout(5, (8, 8), max_maps=16)
    assert (all_shown.n_shown, all_shown.n_hidden) == (5, 0)
    assert all_shown.ncols == 3  # ceil(sqrt(5))


def test_grid_cells_in_reading_order():
    layout = grid_layout(6, (10, 20), max_maps=16, ncols=4, gap=0.1)
    assert layout.gap == 2  # 10 % of a 20-pixel-wide map
    np.testing.assert_array_equal(layout.cells, [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1]])
    left, right, bottom, top = layout.extents[5]
    assert (left, right) == (22, 42)  # second column: one map and one gap in
    assert (bottom, top) == (-22, -12)  # second row: one map and one gap down
    assert layout.mosaic_shape == (22, 86)
    assert layout.grid_extent == (0.0, 86.0, -22.0, 0.0)


def test_grid_cells_do_not_move_when_more_maps_are_shown():
    few = grid_layout(3, (8, 8), max_maps=16, ncols=4)
    full = grid_layout(16, (8, 8), max_maps=16, ncols=4)
    np.testing.assert_array_equal(few.extents, full.extents[:3])


def test_grid_leaves_room_for_the_note_only_when_needed():
    shown = grid_layout(16, (8, 8), max_maps=16)
    hidden = grid_layout(17, (8, 8), max_maps=16)
    assert shown.bounds[2] == shown.grid_extent[2]
    assert hidden.bounds[2] < hidden.more_position[1] < hidden.grid_extent[2]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0,), {}, "n_maps"),
        ((4,), {"max_maps": 0}, "max_maps"),
        ((4,), {"ncols": 0}, "ncols"),
        ((4,), {"gap": 1.0}, "gap"),
        ((4, (0, 3)), {}, "map_shape"),
    ],
)
def test_grid_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        grid_layout(*args, **kwargs)


def test_mixing_layout_draws_w_as_y_equals_x_at_w_writes_it():
    layout = mixing_layout(5, 3)
    assert layout.weight_extent == (0.0, 3.0, 0.0, 5.0)  # C_in = 5 rows, C_out = 3 columns
    x_left, x_right, x_bottom, x_top = layout.x_extent
    assert x_right < 0.0 and (x_bottom, x_top) == (0.0, 5.0)  # left of W, beside its rows
    y_left, y_right, _, y_top = layout.y_extent
    assert (y_left, y_right) == (0.0, 3.0) and y_top < 0.0  # under W, below its columns
    # x[c] is beside row c (row 0 on top), y[f] under column f, column f is filter f.
    np.testing.assert_allclose(layout.x_boxes[:, 1], [4, 3, 2, 1, 0])
    np.testing.assert_allclose(layout.y_boxes[:, 0], [0, 1, 2])
    np.testing.assert_allclose(layout.column_boxes, [[f, 0, 1, 5] for f in range(3)])
    # Every cell is found where it is drawn.
    for c in range(5):
        bx, by, bw, bh = layout.x_boxes[c]
        assert mixing_cell(layout, bx + bw / 2, by + bh / 2) == ("x", c, -1)
        for f in range(3):
            assert mixing_cell(layout, f + 0.5, 5 - c - 0.5) == ("weight", c, f)
    for f in range(3):
        bx, by, bw, bh = layout.y_boxes[f]
        assert mixing_cell(layout, bx + bw / 2, by + bh / 2) == ("y", -1, f)
    assert mixing_cell(layout, -0.3, 2.5) is None  # the gap
    # The captions sit above and under the drawing, inside the bounds.
    b0, b1, b2, b3 = layout.bounds
    assert layout.anchors["x"][1] > layout.anchors["weights"][1] > 5.0
    assert layout.anchors["sum"][1] < layout.anchors["y"][1] < layout.y_extent[2]
    assert b0 < x_left and b1 > 3.0 and b2 < layout.anchors["sum"][1] - layout.line
    assert b3 >= layout.anchors["x"][1] + layout.line
    with pytest.raises(ValueError, match="out_channels"):
        mixing_layout(5, 0)


def test_mixing_layout_keeps_the_vectors_in_sight_beside_a_large_matrix():
    small, large = mixing_layout(4, 4), mixing_layout(64, 64)
    assert small.x_box[2] == 1.0 and small.y_boxes[0, 3] == 1.0  # one cell
    # Beside 64 columns the column x is several cells wide, as y is several high.
    width, height = large.x_box[2], large.y_boxes[0, 3]
    assert width / (large.bounds[1] - large.bounds[0]) > 0.05
    assert height / (large.bounds[3] - large.bounds[2]) > 0.04
    # A caption's line is the same share of the height, whatever the size.
    share = [layout.line / (layout.bounds[3] - layout.bounds[2]) for layout in (small, large)]
    assert share[0] == pytest.approx(share[1])


def test_numbers_fit_in_cells_wide_and_high_enough():
    layout = mixing_layout(6, 4)
    x0, x1, y0, y1 = layout.bounds
    # "−0.54" at 7 pt is about 3.1 em wide: just enough room, and just too little.
    wide = NUMBER_EM * 7 * 5 * (x1 - x0)
    assert numbers_fit(layout, (wide, 500), 7)
    assert not numbers_fit(layout, (0.99 * wide, 500), 7)
    assert not numbers_fit(layout, (1000, 1.1 * 7 * (y1 - y0)), 7)  # rows too low
    assert numbers_fit(layout, (wide * 5 / 4, 500), 7, digits=3)
    assert not numbers_fit(layout, (wide, 500), 7, digits=3)


def test_cost_bars_group_top_to_bottom():
    layout = cost_bar_layout(2, 3)
    assert layout.positions.shape == (2, 3)
    assert layout.positions[0].min() > layout.positions[1].max()  # group 0 above group 1
    assert np.all(np.diff(layout.positions, axis=1) < 0)  # design 0 on top
    low, high = layout.bounds
    assert low < layout.positions.min() and high > layout.positions.max()
    with pytest.raises(ValueError, match="n_designs"):
        cost_bar_layout(2, 0)


def test_log_scale_only_when_ranges_need_it():
    assert use_log_scale([32_832, 25_690_112])
    assert not use_log_scale([10, 500])
    assert use_log_scale([10, 501])
    assert not use_log_scale([0, 10_000])  # a zero cannot go on a log axis
    with pytest.raises(ValueError, match="values must be finite numbers"):
        use_log_scale([-1, 3])


def test_no_public_name_from_before_the_split_into_submodules_is_lost():
    # The public names from before the split into submodules, none lost.
    assert set(geometry.__all__) >= {
        *("DEPTH_SCALE", "OBLIQUE_ANGLE", "UNIT", "Block", "Bounds", "drawn_length"),
        *("FilterBlockScene", "filter_block_scene", "GridLayout", "grid_layout"),
        *("MixingLayout", "mixing_layout", "BarLayout", "cost_bar_layout", "use_log_scale"),
    }
