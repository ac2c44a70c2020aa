"""Matplotlib drawings of filters, channel mixing, feature maps and costs.

Every function here is axes-level: it draws into ``ax`` (the current axes if none is
given), returns the artists it made as a small dataclass, and leaves global
settings (``rcParams``) alone. Each of those dataclasses has an ``update`` method
that changes the artists in place (``set_verts``, ``set_data``, ``set_text``,
``set_visible``), which is what the explorers in :mod:`conv1x1_viz.explorers` call on
every slider tick; the drawing functions themselves call the same method once, so
drawing and updating share one code path.

Where things go is worked out in :mod:`conv1x1_viz.geometry`; the numbers come from
:mod:`conv1x1_viz.arithmetic` and :mod:`conv1x1_viz.formulas`. Text is set in DejaVu
Sans, the font matplotlib ships.

One module a drawing, each importable from here:

- :mod:`~conv1x1_viz.draw.filter_block`: :func:`draw_filter_block`;
- :mod:`~conv1x1_viz.draw.channel_mixing`: :func:`draw_channel_mixing`;
- :mod:`~conv1x1_viz.draw.channel_groups`: :func:`draw_channel_groups`;
- :mod:`~conv1x1_viz.draw.feature_maps`: :func:`draw_feature_map_grid`;
- :mod:`~conv1x1_viz.draw.cost_comparison`: :func:`draw_cost_comparison`;
- :mod:`~conv1x1_viz.draw.error_curves`: :func:`draw_error_curves`;
- :mod:`~conv1x1_viz.draw.model_audit`: :func:`draw_model_audit`;
- :mod:`~conv1x1_viz.draw.common`: what they share (:data:`FONT`, :func:`fixed_title`,
  :func:`artists_of`, the checks of ``ax`` and ``**style``, colour helpers);
- :mod:`~conv1x1_viz.draw.fast_text`: :class:`FastText`, text drawn as a cached bitmap,
  for labels that change on every slider tick.
"""

from conv1x1_viz.draw.channel_groups import ChannelGroupsArtists, draw_channel_groups
from conv1x1_viz.draw.channel_mixing import ChannelMixingArtists, draw_channel_mixing
from conv1x1_viz.draw.common import FONT, artists_of, fixed_title
from conv1x1_viz.draw.cost_comparison import (
    COST_QUANTITIES,
    CostComparisonArtists,
    draw_cost_comparison,
)
from conv1x1_viz.draw.error_curves import ErrorCurvesArtists, draw_error_curves
from conv1x1_viz.draw.feature_maps import FeatureMapGridArtists, draw_feature_map_grid
from conv1x1_viz.draw.filter_block import FilterBlockArtists, draw_filter_block
from conv1x1_viz.draw.model_audit import ModelAuditArtists, draw_model_audit

__all__ = [
    "COST_QUANTITIES",
    "FONT",
    "ChannelGroupsArtists",
    "ChannelMixingArtists",
    "CostComparisonArtists",
    "ErrorCurvesArtists",
    "FeatureMapGridArtists",
    "FilterBlockArtists",
    "ModelAuditArtists",
    "artists_of",
    "draw_channel_groups",
    "draw_channel_mixing",
    "draw_cost_comparison",
    "draw_error_curves",
    "draw_feature_map_grid",
    "draw_filter_block",
    "draw_model_audit",
    "fixed_title",
]
