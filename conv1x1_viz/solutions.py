"""Worked solutions to the question that closes each notebook, computed and folded away.

Each ``solution_NN`` function works out the answer to the "A question to try" of
notebook ``NN`` with the package's own arithmetic (or with the arrays the notebook
passes in) and returns it as a :class:`~conv1x1_viz.prose.Folded` element, closed
under "Show a worked solution". The notebook cell that shows it holds only the call,
so neither the output nor the source gives the answer away to a reader who has not
tried yet; the learner opens it on purpose.
"""

from __future__ import annotations

import math

import numpy as np

from conv1x1_viz.architectures import Architecture, alexnet_architecture, squeezenet_architecture
from conv1x1_viz.arithmetic import conv1x1, conv2d_reference, conv_macs, conv_params
from conv1x1_viz.audit import ModelAudit
from conv1x1_viz.data import sample_image
from conv1x1_viz.formulas import format_count, params_formula
from conv1x1_viz.prose import Folded

__all__ = [
    "SUMMARY",
    "break_even_reduction",
    "solution_00",
    "solution_01",
    "solution_02",
    "solution_03",
    "solution_04",
    "solution_05",
    "solution_06",
    "solution_07",
    "solution_08",
]

#: The words on every worked solution's closed element.
SUMMARY = "Show a worked solution"


def _folded(body: str) -> Folded:
    return Folded(body, SUMMARY, lead="Try the question first; then open the solution.")


def solution_00(depth: int = 64, filters: int = 64) -> Folded:
    """Return notebook 00's solution, folded: a 1×1 and a 3×3 layer with equal parameter counts.

    Parameters
    ----------
    depth : int, default 64
        Input depth of the 3×3 layer (for the explorer's part, one of the depths its
        slider offers).
    filters : int, default 64
        Filters of both layers.

    Examples
    --------
    >>> "(1·1·576 + 1)·64 = 36,928" in solution_00().text
    True
    >>> "the nearest stop, input depth 512: (1·1·512 + 1)·64 = 32,832" in solution_00().text
    True
    """
    deep = 9 * depth
    # The stops of ParamExplorer's depth slider; imported here, as the explorers bring in
    # matplotlib.
    from conv1x1_viz.explorers.controls import DEPTHS

    explorer = (
        f"In the explorer: set kernel 3 and input depth {depth}, read the count, then set "
        f"kernel 1 and input depth {deep}."
    )
    if deep not in DEPTHS:
        near = min(DEPTHS, key=lambda d: abs(d - deep))
        explorer = (
            f"The explorer's depth slider offers the depths networks use, and {deep} is not "
            f"one of them, so there the counts come only near each other: set kernel 3 and "
            f"input depth {depth}, read the count, then set kernel 1 and the nearest stop, "
            f"input depth {near}: {params_formula(1, near, filters)}."
        )
    return _folded(
        "With the same number of filters F, the two counts are (1·1·C + 1)·F for the 1×1 "
        "layer on C maps and (3·3·D + 1)·F for the 3×3 layer on D maps. They are equal "
        "exactly when C = 9·D: kernel area and input depth enter the count only through "
        "their product, so the 1×1 layer's input must be nine times as deep. For example, "
        f"with {filters} filters:\n\n"
        f"- 3×3 on {depth} maps: {params_formula(3, depth, filters)}\n"
        f"- 1×1 on {deep} maps: {params_formula(1, deep, filters)}\n\n"
        f"{explorer}"
    )


def break_even_reduction(
    input_shape: tuple[int, int, int] = (256, 256, 512), filters: int = 64, kernel_size: int = 7
) -> float:
    """Return the width r at which "1×1 to r, then k×k" costs as many parameters as k×k.

    The reduced design has ``(C_in + 1)·r + (k·k·r + 1)·F`` parameters, the direct
    layer ``(k·k·C_in + 1)·F``; the two are equal at
    ``r = k·k·C_in·F / (C_in + 1 + k·k·F)``.

    Parameters
    ----------
    input_shape : (int, int, int), default (256, 256, 512)
    filters : int, default 64
    kernel_size : int, default 7

    Returns
    -------
    float

    Examples
    --------
    >>> round(break_even_reduction(), 2)
    440.02
    """
    c_in = input_shape[2]
    k2 = kernel_size * kernel_size
    return k2 * c_in * filters / (c_in + 1 + k2 * filters)


def solution_02(
    input_shape: tuple[int, int, int] = (256, 256, 512), filters: int = 64, kernel_size: int = 7
) -> Folded:
    """Return notebook 02's solution, folded: how wide a 1×1 reduction can be and still save.

    Parameters are those of :func:`break_even_reduction`.

    Examples
    --------
    >>> "r ≈ 440.02" in solution_02().text
    True
    >>> "between the stops 256 and 512" in solution_02().text
    True
    """
    c_in = input_shape[2]
    k, f = kernel_size, filters
    k2 = k * k
    r = break_even_reduction(input_shape, f, k)
    below, above = math.floor(r), math.ceil(r)

    def reduced(width: int) -> int:
        return conv_params(1, c_in, width) + conv_params(k, width, f)

    direct = conv_params(k, c_in, f)
    macs_direct = conv_macs(input_shape, f, k)
    macs_r = k2 * c_in * f / (c_in + k2 * f)
    # The stops of BottleneckExplorer's reduction slider on each side of r (it offers DEPTHS
    # up to the input depth); imported here, as the explorers bring in matplotlib.
    from conv1x1_viz.explorers.controls import DEPTHS

    lower = [d for d in DEPTHS if d < r]
    upper = [d for d in DEPTHS if r < d <= c_in]
    slider = ""
    if lower and upper:
        lo, hi = lower[-1], upper[0]
        slider = (
            f"On the explorer's slider it lies between the stops {lo} and {hi}: the direct "
            f"layer has {direct / reduced(lo):.2f}× the reduced design's parameters at {lo}, "
            f"{direct / reduced(hi):.2f}× at {hi}. "
        )
    return _folded(
        f"{slider}Write both counts as functions of the reduction width `r`. The direct layer has "
        f"(k·k·C_in + 1)·F = {params_formula(k, c_in, f)} parameters whatever `r` is. The "
        f"reduced design has (C_in + 1)·r for the 1×1 layer plus (k·k·r + 1)·F for the "
        f"{k}×{k} layer: {c_in + 1}·r + {k2 * f}·r + {f} = {c_in + 1 + k2 * f}·r + {f}.\n\n"
        f"Setting them equal: {c_in + 1 + k2 * f}·r + {f} = {format_count(direct)}, so "
        f"**r ≈ {r:.2f}**. Check with whole widths: r = {below} gives "
        f"{format_count(reduced(below))} parameters (fewer than the direct layer), "
        f"r = {above} gives {format_count(reduced(above))} (more).\n\n"
        f"The multiply-accumulates break even at almost the same width, r ≈ {macs_r:.2f} "
        f"(biases are not counted in MACs): both designs work on the same "
        f"{input_shape[0]}×{input_shape[1]} pixels, so MACs are the weights times the "
        f"number of pixels (the direct layer's {format_count(macs_direct)}).\n\n"
        f"Why not {c_in}? A reduction to r maps costs its own (C_in + 1)·r parameters on top "
        f"of the {k}×{k} layer. At r = {c_in} the {k}×{k} layer alone is as large as the "
        f"direct one, and the 1×1 layer's {format_count(conv_params(1, c_in, c_in))} "
        f"parameters come on top. The reduction has to make the {k}×{k} filters shallower by "
        f"more than it costs, which here happens below r ≈ {r:.0f}, short of {c_in}."
    )


def solution_01(size: int = 8, level: float = 0.6) -> Folded:
    """Return notebook 01's solution, folded: a 3×3×3 filter for an edge a gray filter misses.

    Parameters
    ----------
    size : int, default 8
        Height and width of the test image: red on the left half, green on the right.
    level : float, default 0.6
        The red and green values, so both halves have the same gray level.

    Examples
    --------
    >>> "gray filter: largest answer 0.000" in solution_01().text
    True
    """
    edge = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    image = np.zeros((size, size, 3))
    image[:, : size // 2, 0] = level  # red on the left
    image[:, size // 2 :, 1] = level  # green on the right
    gray = image.mean(axis=2, keepdims=True)
    colour = np.zeros((3, 3, 3, 1))
    colour[:, :, 0, 0], colour[:, :, 1, 0] = edge, -edge
    gray_map = conv2d_reference(gray, edge[:, :, None, None], padding="valid")[..., 0]
    colour_map = conv2d_reference(image, colour, padding="valid")[..., 0]
    columns = np.flatnonzero(np.abs(colour_map).max(axis=0) > 1e-9)
    return _folded(
        "Give the red slice the edge pattern and the green slice its negative (blue all zeros):\n\n"
        "    colour_edge = np.zeros((3, 3, 3, 1))\n"
        "    colour_edge[:, :, 0, 0] = edge    # red: left minus right\n"
        "    colour_edge[:, :, 1, 0] = -edge   # green: right minus left\n\n"
        f"At each position the filter adds (red on the left − red on the right) and "
        f"(green on the right − green on the left): it answers where red gives way to green. "
        f"A test image, red ({level}, 0, 0) on the left and green (0, {level}, 0) on the right, "
        f"has the same gray level ({level / 3:.2f}) everywhere. Without padding:\n\n"
        f"- gray filter: largest answer {np.abs(gray_map).max():.3f}, anywhere;\n"
        f"- colour filter: largest answer {np.abs(colour_map).max():.3f}, in the output "
        f"columns {columns.tolist()} that straddle the edge, and 0 elsewhere.\n\n"
        "A filter on the gray image sees one number per pixel, the average of the channels, "
        "and two colours of equal brightness average to the same number. Only a filter "
        "whose slices differ from channel to channel can tell them apart. Now run "
        "`conv2d(photo, colour_edge, np.zeros(1))` and set its map beside `edges`: it keeps "
        "edges where red and green change differently and drops edges between neutral "
        "greys, where they change together."
    )


def solution_03(size: int = 32) -> Folded:
    """Return notebook 03's solution, folded: a 1×1 layer that makes a photo's negative, ``1 − x``.

    Parameters
    ----------
    size : int, default 32
        Size of the photo (:func:`~conv1x1_viz.data.sample_image`) the answer is checked on.

    Examples
    --------
    >>> "equal to 1 − x at every pixel: True" in solution_03().text
    True
    """
    x = sample_image(size)
    weights, bias = -np.eye(3), np.ones(3)
    negative = conv1x1(x, weights, bias)
    no_bias = conv1x1(x, weights)
    return _folded(
        "Output channel f must be 1 − x_f: minus one times its own input channel, nothing "
        "from the other two, plus 1. So the weight matrix is minus the identity and every "
        "bias is 1:\n\n"
        "    W = -np.eye(3)            # (C_in, C_out): column f takes −1 × channel f\n"
        "    b = np.ones(3)\n"
        "    layer = keras.layers.Conv2D(3, kernel_size=1)\n"
        "    layer.build((None, height, width, 3))\n"
        "    layer.set_weights([W[None, None].astype('float32'), b.astype('float32')])\n\n"
        f"Checked with `c1.conv1x1` on a {size}×{size} copy of the photo: equal to 1 − x at "
        f"every pixel: {bool(np.allclose(negative, 1 - x))}; every value stays between "
        f"{negative.min():.2f} and {negative.max():.2f}.\n\n"
        "The weights alone cannot do it: with no bias, the best they give is −x, whose "
        f"values run from {no_bias.min():.2f} to {no_bias.max():.2f}, all at or below zero. "
        "A matrix maps a black pixel (all zeros) to zeros, whatever its entries; only the "
        "bias can add the same 1 to every pixel. A layer with a bias is *affine*, not "
        "linear, and that is what a negative needs."
    )


def solution_04(before: np.ndarray, kernel: np.ndarray, bias: np.ndarray, crop: int = 32) -> Folded:
    """Return notebook 04's solution, folded: whether 64 maps can rebuild the 512 they came from.

    Parameters
    ----------
    before : array, shape (H, W, 512)
        The maps before the reduction (notebook 04's ``before``).
    kernel, bias : arrays, shapes (1, 1, 512, 64) and (64,)
        The reduction layer's weights.
    crop : int, default 32
        Side of the square crop the least-squares fit runs on.
    """
    w = np.asarray(kernel).reshape(kernel.shape[-2], kernel.shape[-1])
    c_in, c_out = w.shape
    pixels = np.asarray(before[:crop, :crop], dtype=np.float64).reshape(-1, c_in)
    codes = pixels @ w + bias  # the 64 maps before their ReLU
    design = np.column_stack([codes, np.ones(len(codes))])
    coef, *_ = np.linalg.lstsq(design, pixels, rcond=None)
    rebuilt = design @ coef
    lost = float(((pixels - rebuilt) ** 2).sum() / ((pixels - pixels.mean(0)) ** 2).sum())
    rank_w = int(np.linalg.matrix_rank(w))
    rank_maps = int(np.linalg.matrix_rank(pixels - pixels.mean(0)))
    return _folded(
        f"No, not in general. At every pixel the {c_out} outputs are the pixel's {c_in} values "
        f"times the {c_in}×{c_out} weight matrix W (plus the biases). W has rank "
        f"{rank_w}, so the outputs only say where the pixel lies along {rank_w} directions of "
        f"the {c_in}-dimensional space of channel vectors; along the other "
        f"{c_in - rank_w} directions two different pixels give the same {c_out} numbers, and "
        f"no later layer, linear or not, can tell them apart.\n\n"
        f"A rebuild could be exact only if the {c_in} maps themselves lay in a "
        f"{c_out}-dimensional subspace. Test it on a {crop}×{crop} crop of `before` "
        f"({len(pixels):,} pixels as rows): those rows, centred, have rank {rank_maps}. The best "
        f"linear rebuild from the {c_out} maps (least squares, a 1×1 layer back up with a "
        f"bias) leaves {lost:.1%} of their variance unexplained:\n\n"
        "    pixels = before[:32, :32].reshape(-1, 512)\n"
        "    codes = pixels @ kernel[0, 0] + bias\n"
        "    design = np.column_stack([codes, np.ones(len(codes))])\n"
        "    coef, *_ = np.linalg.lstsq(design, pixels, rcond=None)\n\n"
        "Random weights are not even the best 64 directions to keep; notebook 06 finds the "
        "best ones (principal components) and measures what they lose. A network does not "
        "need the 512 maps back: training makes the 64 keep what the next layers use."
    )


def _macs_by_size(architecture: Architecture) -> dict[str, int]:
    """Multiply-accumulates of a network, summed by the height × width layers work at."""
    by_size: dict[str, int] = {}
    for row in architecture.table().rows:
        if row.macs:
            shape = row.output_shape
            key = f"maps of {shape[0]}×{shape[1]}" if len(shape) == 3 else "fully connected"
            by_size[key] = by_size.get(key, 0) + row.macs
    return by_size


def solution_05() -> Folded:
    """Return notebook 05's solution, folded: where SqueezeNet and AlexNet spend their MACs.

    Examples
    --------
    >>> "55×55" in solution_05().text
    True
    """
    squeeze, alex = squeezenet_architecture(), alexnet_architecture()

    def lines(architecture: Architecture) -> str:
        total = architecture.total_macs
        return "\n".join(
            f"- {size}: {format_count(macs)} MACs ({macs / total:.0%})"
            for size, macs in _macs_by_size(architecture).items()
        )

    early = [
        r for r in squeeze.table().rows if r.name.startswith(("fire2", "fire3", "fire4")) and r.macs
    ]
    early_macs = sum(r.macs for r in early)
    shrink = (27 * 27) / (55 * 55)
    return _folded(
        "Group each network's MACs by the size of the maps its layers work on "
        "(`table().rows`, each row's `output_shape` and `macs`):\n\n"
        f"SqueezeNet v1.0, {format_count(squeeze.total_macs)} MACs in all:\n\n"
        f"{lines(squeeze)}\n\n"
        f"AlexNet, {format_count(alex.total_macs)} MACs in all:\n\n"
        f"{lines(alex)}\n\n"
        "AlexNet shrinks its maps early: a stride-4 first layer and a pooling take it to "
        "27×27 before its second convolution, and its later convolutions work at 13×13. "
        "SqueezeNet's fire2 to fire4 still work at 55×55, and fire5 to fire8 at 27×27: it "
        "pools late, on purpose (the paper's *late downsampling*, which keeps large maps "
        "for accuracy). A weight costs one MAC per pixel it is applied to, so its few "
        f"parameters are each used many times: {squeeze.total_macs / squeeze.total_params:.0f} "
        f"MACs per parameter, against {alex.total_macs / alex.total_params:.0f} for AlexNet, "
        "whose fully connected weights are used once per image.\n\n"
        f"Had fire2 to fire4 worked at 27×27, their {format_count(early_macs)} MACs would "
        f"have shrunk about {1 / shrink:.1f}× (the number of pixels), to about "
        f"{format_count(round(early_macs * shrink))}."
    )


def solution_06() -> Folded:
    """Return notebook 06's solution, folded: why a ReLU hurts a narrow 1×1 bottleneck most.

    For bottlenecks of 2, 4, 8 and 16 maps it counts the share of pixels whose values a
    ReLU all sets to zero at the start of training.

    Examples
    --------
    >>> "2 values kept; 25 % of the pixels pass nothing on" in solution_06().text
    True
    """
    rows = "\n".join(
        f"- {w} maps: on average {w / 2:g} of the {w} values kept; "
        f"{100 * 0.5**w:.3g} % of the pixels pass nothing on"
        for w in (2, 4, 8, 16)
    )
    return _folded(
        "The change, in the cell that defines the designs:\n\n"
        "    width = 2\n\n"
        "What to look for. With 2 maps, the 5×5 layer sees only 2 numbers per pixel of the 32 "
        "maps before it, so both bottleneck designs have less to work with, ReLU or not: set "
        "their medians beside the network with no bottleneck. The ReLU adds a loss of its own. "
        "At the start of training, with zero biases, each value a 1×1 layer computes is as "
        "likely negative as positive, and the ReLU sets the negative ones to zero; which ones "
        "changes from pixel to pixel. A pixel passes nothing at all to the 5×5 layer when all "
        "w of its values are zeroed, which happens with probability 1/2^w:\n\n"
        f"{rows}\n\n"
        "Whatever a zeroed value carried is gone for the 5×5 layer, and its gradient is zero "
        "too, so training cannot easily bring it back; a filter whose output is zero at every "
        "pixel stops learning altogether. With 8 maps a pixel almost always keeps several "
        "numbers. With 2, a seed that starts badly can stay stuck near 0.25, chance for four "
        "classes, so look at the ReLU design's lowest seed, not only at its median. Training "
        "can push the biases up until the ReLU rarely zeroes anything, but then the ReLU does "
        "nothing and the layer is a linear bottleneck. This is MobileNetV2's argument for "
        "leaving its narrow 1×1 projections linear. Three seeds are few: run more "
        "(`seeds = range(10)`) before you trust a difference you see."
    )


def solution_07(size: int = 16, row: int = 5, col: int = 3) -> Folded:
    """Return notebook 07's solution, folded: whether a 1×1 layer can mirror a photo left to right.

    Parameters
    ----------
    size : int, default 16
        Height and width of the test maps.
    row, col : int, default 5 and 3
        The input pixel that is poked.

    Examples
    --------
    >>> "No." in solution_07().text
    True
    """
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(size, size, 3))
    poked = maps.copy()
    poked[row, col] += 1.0
    weights = rng.normal(size=(3, 3))
    moved = np.argwhere(np.abs(conv1x1(poked, weights) - conv1x1(maps, weights)).max(axis=-1) > 0)
    mirrored = np.argwhere(np.abs(poked[:, ::-1] - maps[:, ::-1]).max(axis=-1) > 0)
    # Poke one step to the right: the mirror's change moves one step to the left.
    right = maps.copy()
    right[row, col + 1] += 1.0
    mirrored_right = np.argwhere(np.abs(right[:, ::-1] - maps[:, ::-1]).max(axis=-1) > 0)
    return _folded(
        "No. In the mirrored photo, the output pixel at (row, column) must hold the input pixel "
        "at (row, width − 1 − column): the top-left output comes from the top-right input. A "
        "1×1 layer computes each output pixel from the input pixel at the same position and "
        "from nothing else, so it can mix a pixel's colours but never fetch another pixel.\n\n"
        f"The poke test says so on {size}×{size} maps. Change input pixel ({row}, {col}):\n\n"
        f"- a 1×1 layer with 3 filters changes output pixel(s) {moved.tolist()}, the same place;\n"
        f"- the mirror image changes pixel(s) {mirrored.tolist()}, across the middle.\n\n"
        "No choice of weights moves the change across, so no 1×1 layer mirrors. No larger "
        "kernel helps either. A convolution applies the same weights at every position, so "
        "it is translation-equivariant: shift its input one pixel to the right and its output "
        "shifts one pixel to the right. Mirroring does the opposite: poke input pixel "
        f"({row}, {col + 1}), one step right of the first, and the mirror image changes "
        f"pixel(s) {mirrored_right.tolist()}, one step left. So no convolution, of any kernel "
        "size, mirrors a general image. A network mirrors by indexing (`x[:, ::-1]`), which "
        "is how data augmentation flips images."
    )


def solution_08(audit: ModelAudit) -> Folded:
    """Return notebook 08's solution, folded: MobileNet with standard 3×3 layers, not depthwise.

    Parameters
    ----------
    audit : ModelAudit
        The audit of MobileNet (any model: each depthwise layer, of depth multiplier 1, is
        replaced by a standard layer making the same maps).

    Examples
    --------
    >>> from conv1x1_viz.audit import AuditRow
    >>> dw = AuditRow("m/dw", "depthwise", "DepthwiseConv2D", (3, 3), 8, (4, 4, 8), 72, 1152)
    >>> "9,216 MACs instead of 1,152" in solution_08(ModelAudit("m", ((4, 4, 8),), (dw,))).text
    True
    """
    depthwise = [r for r in audit.rows if r.kind == "depthwise"]
    before = sum(r.macs for r in depthwise)
    # A depthwise map reads 1 channel; a standard layer's map reads all `groups` of them.
    after = sum(r.macs * r.groups for r in depthwise)
    total = audit.total_macs - before + after
    return _folded(
        f"A depthwise k×k layer on C channels makes C maps, each from one channel: H·W·k²·C "
        f"multiply-accumulates. A standard k×k layer making the same C maps reads all C "
        f"channels for each of them, so it costs C times as much: H·W·k²·C·C. Over the "
        f"{len(depthwise)} depthwise layers of {audit.name}, that is {after:,} MACs instead "
        f"of {before:,}.\n\n"
        f"The whole network would then need {total:,} MACs, {total / audit.total_macs:.1f} "
        f"times its {audit.total_macs:,}, and its 1×1 layers would hold "
        f"{audit.macs_1x1 / total:.1%} of them instead of {audit.share_1x1_macs:.1%}. The "
        f"standard layers would do both jobs at once, filtering space and mixing channels, "
        f"nine times over for a 3×3 kernel. The separable design filters each channel alone "
        f"and leaves all the mixing to one 1×1 layer, once per pixel: that is why the 1×1 "
        f"layers hold most of MobileNet's work, and why the work is small."
    )
