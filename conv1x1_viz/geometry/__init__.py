"""Where things go in the drawings, as plain coordinates (no matplotlib).

The drawings in :mod:`conv1x1_viz.draw` only turn what this package computes into
artists, so every position, size and layout decision can be tested without a figure.

One module per drawing, and every name is importable from here:

- :mod:`~conv1x1_viz.geometry.blocks`: :class:`Block`, :func:`drawn_length`, the
  projection constants and :data:`Bounds`, which the others build on;
- :mod:`~conv1x1_viz.geometry.filter_block`: :func:`filter_block_scene`
  (:class:`FilterBlockScene`);
- :mod:`~conv1x1_viz.geometry.feature_maps`: :func:`grid_layout` (:class:`GridLayout`);
- :mod:`~conv1x1_viz.geometry.channel_mixing`: :func:`mixing_layout`
  (:class:`MixingLayout`: ``W`` as ``y = x @ W`` writes it, ``C_in`` rows by ``C_out``
  columns), :func:`mixing_cell` and :func:`numbers_fit`;
- :mod:`~conv1x1_viz.geometry.cost_bars`: :func:`cost_bar_layout` (:class:`BarLayout`)
  and :func:`use_log_scale`.

Blocks
------
A block stands for an ``H × W × C`` stack of feature maps (or a ``k × k × C_in``
filter). It is drawn with an *oblique projection*: the front face is the ``W × H``
rectangle as it is, and the depth axis (channels) runs back at :data:`OBLIQUE_ANGLE`,
shortened by :data:`DEPTH_SCALE`. The visible faces are three 2-D polygons, front,
top and right side.

Lengths
-------
Real sizes range from 1 to thousands of channels, so drawn lengths are compressed
with :func:`drawn_length`, ``unit · log2(1 + n)``: one channel gets one unit, and
every doubling of the count adds about one more. The ordering is kept (a deeper
stack is always drawn deeper), equal counts get equal lengths, and the drawings
label the true numbers.
"""

from conv1x1_viz.geometry import blocks, channel_mixing, cost_bars, feature_maps, filter_block
from conv1x1_viz.geometry.blocks import *  # noqa: F403
from conv1x1_viz.geometry.channel_mixing import *  # noqa: F403
from conv1x1_viz.geometry.cost_bars import *  # noqa: F403
from conv1x1_viz.geometry.feature_maps import *  # noqa: F403
from conv1x1_viz.geometry.filter_block import *  # noqa: F403

__all__ = [
    *blocks.__all__,
    *filter_block.__all__,
    *feature_maps.__all__,
    *channel_mixing.__all__,
    *cost_bars.__all__,
]
