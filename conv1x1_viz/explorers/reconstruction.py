"""ReconstructionExplorer: how much of a stack of maps a 1×1 layer to ``k`` maps can keep."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from conv1x1_viz.data import image_features, sample_image
from conv1x1_viz.draw import (
    ErrorCurvesArtists,
    FeatureMapGridArtists,
    draw_error_curves,
    draw_feature_map_grid,
)
from conv1x1_viz.draw.common import FONT
from conv1x1_viz.draw.feature_maps import _GRID_STYLE
from conv1x1_viz.explorers.controls import Whole
from conv1x1_viz.explorers.page import PageExplorer, plural, shape_text
from conv1x1_viz.explorers.separable import _line_metrics
from conv1x1_viz.formulas import params_formula
from conv1x1_viz.pca import principal_components, reconstructions
from conv1x1_viz.validation import number, whole_number

__all__ = ["ReconstructionExplorer", "ReconstructionPicture"]

#: One least-squares decoder is fitted per width when the explorer is made.
MAX_RECONSTRUCTION_MAPS = 64
_WHY = "one decoder is fitted for every width"
_PCA_COLOUR, _RANDOM_COLOUR, _TRAINED_COLOUR = "#4c78a8", "#f58518", "#54a24b"


def _trained_errors(trained: Mapping[int, float] | None, channels: int) -> dict[int, float]:
    """Check ``{kept maps: error}`` of trained layers and return it sorted by width."""
    if trained is None:
        return {}
    if not isinstance(trained, Mapping):
        raise ValueError(
            f"trained must be a mapping {{kept maps: error}}, got {type(trained).__name__}"
        )
    checked = {
        whole_number("trained keys", k, 1, channels): number(f"trained[{k}]", e, 0)
        for k, e in trained.items()
    }
    return dict(sorted(checked.items()))


def _maps(features: int | np.ndarray, image_size: int, seed: int) -> tuple:
    """Return the photo (None for maps given as an array) and the maps to reduce."""
    if isinstance(features, int | np.integer) and not isinstance(features, bool):
        count = whole_number("features", features, 2, MAX_RECONSTRUCTION_MAPS, why=_WHY)
        image = sample_image(image_size)
        return image, image_features(image, count, seed)
    maps = np.asarray(features)
    ok = maps.dtype.kind in "biuf" and maps.ndim == 3
    if not ok or not 2 <= maps.shape[2] <= MAX_RECONSTRUCTION_MAPS:
        raise ValueError(
            f"features must be a number of maps 2 … {MAX_RECONSTRUCTION_MAPS} or an array of "
            f"numbers shaped (H, W, C) with 2 ≤ C ≤ {MAX_RECONSTRUCTION_MAPS} ({_WHY}), "
            f"got {features!r:.60}"
        )
    return None, maps.astype(float)


#: Where the curves and the three rows of maps sit in the saved picture (figure fractions).
CURVES_RECT = (0.115, 0.15, 0.33, 0.78)
GRID_RECTS = tuple((0.50, 0.64 - 0.31 * i, 0.41, 0.27) for i in range(3))
#: The axis labels of the curves, written as figure texts: (text, x, y, keywords).
AXIS_LABELS = (
    ("maps kept k", 0.28, 0.02, {"ha": "center"}),
    ("share of variance lost", 0.015, 0.54, {"va": "center", "rotation": 90}),
)
#: Bits of each score the page gets (signed, one scale per component): a rebuilt map is off
#: by at most the sum of its terms' half steps, about 1 % of the colour scale (3 of its
#: 256 colours) at worst, 0.25 % on average, for the maps of the notebooks.
SCORE_BITS = 8


def _terms(
    features: np.ndarray, shown: np.ndarray, seed: int
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Both reconstructions as sums of terms: ``mean + Σ_{i<k} scores[i] · loadings[i]``.

    The ``shown`` maps rebuilt from ``k`` maps are the mean plus the first ``k`` terms, for
    every ``k``, with one score map ``(H, W)`` and one loading a term. Principal components:
    the pixels' coordinates along each direction, times the direction's entries at the
    shown channels. Random 1×1 weights: their best decoder projects the centred pixels on
    the span of the first ``k`` random maps (centred, since the decoder has a bias), so the
    terms are an orthonormal basis of those maps, in order (QR), times the pixels'
    coordinates on it; a map in the span of the ones before adds nothing.

    Returns
    -------
    dict
        ``{"pca": (scores, loadings), "random": (scores, loadings)}``, scores shaped
        ``(C, H, W)``, loadings ``(C, S)``.
    """
    h, w, c = features.shape
    pixels = features.reshape(-1, c)
    centred = pixels - pixels.mean(axis=0)
    directions = principal_components(features).components
    # random_reduction's weights, all C columns: its k maps are the first k.
    weights = np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / c), (c, c))
    basis, triangle = np.linalg.qr(centred @ weights)
    diagonal = np.abs(np.diag(triangle))
    basis[:, diagonal <= 1e-10 * max(float(diagonal.max()), 1e-300)] = 0.0
    out = {}
    for name, scores in (("pca", centred @ directions), ("random", basis)):
        loadings = scores.T @ centred[:, shown] if name == "random" else directions[shown].T
        out[name] = (scores.T.reshape(c, h, w), loadings)
    return out


def _quantized(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each score map as whole numbers of ``SCORE_BITS`` bits and its step: ``q · step``."""
    top = 2 ** (SCORE_BITS - 1) - 1
    largest = np.abs(scores).reshape(len(scores), -1).max(axis=1)
    steps = np.where(largest > 0, largest / top, 0.0)
    safe = np.where(steps > 0, steps, 1.0)[:, np.newaxis, np.newaxis]
    return np.round(scores / safe).astype(np.int8), steps


class ReconstructionPicture(NamedTuple):
    """The artists of the saved picture (:meth:`ReconstructionExplorer.draw_picture`).

    Attributes
    ----------
    curves : ErrorCurvesArtists
        The error curves, the trained points, the cursor and the markers at ``k``.
    grids : tuple of three FeatureMapGridArtists
        The maps, then as rebuilt by PCA, then by random weights.
    labels : tuple of two Text
        The axis labels of the curves, x then y.
    """

    curves: ErrorCurvesArtists
    grids: tuple[FeatureMapGridArtists, FeatureMapGridArtists, FeatureMapGridArtists]
    labels: tuple[Any, Any]


class ReconstructionExplorer(PageExplorer):
    """How much of a stack of feature maps a 1×1 layer to ``k`` maps can keep, in the page.

    Each pixel's ``C`` channel values are squeezed into ``k`` by a linear 1×1 layer
    and rebuilt by a second one (``k`` back to ``C``); the error is the fraction of
    the maps' variance that is lost (:func:`~conv1x1_viz.pca.reconstruction_error`).
    The ``"filters"`` slider sets ``k``. Two reductions are compared at every width,
    each with the best decoder for it (:func:`~conv1x1_viz.pca.reconstructions`): the
    best linear one (principal components) and random 1×1 weights; plus, if given, the
    errors of trained 1×1 layers at some widths. The left panel plots the errors
    against ``k`` with markers at the current width; the right panel shows a few of the
    maps, then the same maps rebuilt from ``k`` maps by each reduction.

    Every width is computed at construction. The page (``js/reconstruction.js``) draws
    each press itself: it gets the error curves, and each reconstruction as a sum of
    terms, one score map and one loading a kept map (:func:`_terms`), the score maps as
    ``SCORE_BITS``-bit numbers with a step each; it adds the first ``k`` terms and colours
    the maps through the colour map's table. A click on the curves picks the width under
    the mouse (the slider follows). Python's :meth:`readout_lines` and
    :meth:`draw_picture` are what is saved for readers without a kernel.

    Parameters
    ----------
    filters : int, default 4
        Starting ``k``, 1 … C.
    features : int or array of shape (H, W, C), default 32
        The maps to reduce: a number of maps (2 … 64) makes them as
        :class:`~conv1x1_viz.explorers.ReductionExplorer` does (the photo through a
        fixed, seeded 3×3 layer with ReLU); an array (2 ≤ C ≤ 64, not constant) is used
        as it is.
    trained : mapping of int to float, optional
        ``{k: error}`` of trained 1×1 layers, drawn as points and given in the
        readout when the slider is at one of those widths.
    image_size : int, default 64
        Height and width of the photo (when ``features`` is a number).
    shown_maps : int, default 4
        Maps shown per row (those with the most variance).
    seed : int, default 0
        Seed of the 3×3 layer and of the random 1×1 weights.

    Attributes
    ----------
    image : numpy.ndarray or None
        The photo, when the maps were made from it.
    features : numpy.ndarray, shape (H, W, C)
        The maps being reduced.
    results : Reconstructions
        Errors and rebuilt maps at every width.
    trained : dict of int to float
        The trained layers' errors, by width.

    Examples
    --------
    >>> explorer = ReconstructionExplorer(features=8, image_size=16)
    >>> explorer.set(filters=8)
    >>> explorer.errors_at(8)["pca"]
    0.0
    """

    kind = "reconstruction-explorer"
    script = "reconstruction"
    #: The saved picture's size in inches, at 100 dpi: the page draws at the same scale.
    figsize = (5.8, 3.4)

    def __init__(
        self,
        filters: int = 4,
        *,
        features: int | np.ndarray = 32,
        trained: Mapping[int, float] | None = None,
        image_size: int = 64,
        shown_maps: int = 4,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.image, self.features = _maps(features, image_size, seed)
        c = self.features.shape[2]
        self.trained = _trained_errors(trained, c)
        self.results = reconstructions(
            self.features, shown=whole_number("shown_maps", shown_maps), seed=seed
        )
        self._seed = seed
        self._vmax = float(np.percentile(self.features[:, :, self.shown], 99.5)) or 1.0
        controls = {"filters": Whole("maps kept k", 1, c)}
        self._setup(controls, {"filters": filters}, data=self._picture_data())

    @property
    def shown(self) -> np.ndarray:
        """The channels whose maps are drawn: those with the most variance."""
        return self.results.shown

    def errors_at(self, k: int) -> dict[str, float]:
        """Return the fraction of the variance lost with ``k`` maps kept, per reduction.

        Parameters
        ----------
        k : int
            Maps kept, 1 … C.

        Returns
        -------
        dict
            ``"pca"``, ``"random"`` and, if a trained layer of that width was given,
            ``"trained"``.
        """
        k = whole_number("k", k, 1, self.features.shape[2])
        errors = {
            "pca": float(self.results.pca_errors[k]),
            "random": float(self.results.random_errors[k]),
        }
        if k in self.trained:
            errors["trained"] = self.trained[k]
        return errors

    def fixed_sizes(self) -> dict[str, int]:
        """Height, width and depth of the maps being reduced."""
        h, w, c = self.features.shape
        return {"height": h, "width": w, "in_channels": c}

    def readout_lines(self) -> list[tuple[str, str]]:
        """Describe the 1×1 layer and the share of the variance each reduction loses."""
        h, w, c = self.features.shape
        k = self.value("filters")
        errors = self.errors_at(k)
        lines = [
            (
                "1×1 layer",
                f"{shape_text(h, w, c)} → {shape_text(h, w, k)} and back, "
                f"{params_formula(1, c, k)} parameters down",
            ),
            (
                "Best linear (principal components)",
                f"{errors['pca']:.3f} of the variance lost "
                f"({100 * (1 - errors['pca']):.1f} % kept)",
            ),
            ("Random 1×1 weights, best decoder", f"{errors['random']:.3f} of the variance lost"),
        ]
        if self.trained:
            widths = ", ".join(str(n) for n in self.trained)
            text = (
                f"{errors['trained']:.3f} of the variance lost"
                if "trained" in errors
                else f"not trained at this width (trained at {widths})"
            )
            lines.append(("Trained 1×1 layers", text))
        return lines

    def titles(self, k: int) -> tuple[str, str]:
        """Return the titles of the rebuilt rows at width ``k``, PCA's then random's."""
        kept = plural(k, "map")
        return f"best linear (PCA), from {kept}", f"random 1×1 weights, from {kept}"

    def draw_picture(self, fig: Any) -> ReconstructionPicture:
        """Draw the error curves and the three rows of maps at the current ``k`` on ``fig``."""
        return self._draw(fig, self.value("filters"))

    def _draw(self, fig: Any, k: int) -> ReconstructionPicture:
        fig.set_size_inches(*self.figsize)
        fig.set_dpi(100)
        curves = draw_error_curves(
            {"random": self.results.random_errors, "pca": self.results.pca_errors},
            {"random": _RANDOM_COLOUR, "pca": _PCA_COLOUR},
            points=self.trained,
            points_colour=_TRAINED_COLOUR,
            k=k,
            ax=fig.add_axes(CURVES_RECT),
        )
        # Plain text for the axis labels, and the maps' titles in the curves' colours
        # as the legend.
        labels = tuple(
            fig.text(x, y, text, fontsize=9, fontfamily=FONT, **keywords)
            for text, x, y, keywords in AXIS_LABELS
        )
        shown = len(self.shown)
        style: dict[str, Any] = {"max_maps": shown, "ncols": shown, "vmin": 0.0, "vmax": self._vmax}
        pca_title, random_title = self.titles(k)
        rows = [
            (self.features[:, :, self.shown], "the maps with the most variance", "black"),
            (self.results.pca_maps[k - 1], pca_title, _PCA_COLOUR),
            (self.results.random_maps[k - 1], random_title, _RANDOM_COLOUR),
        ]
        grids = []
        for i, (maps, title, colour) in enumerate(rows):
            ax = fig.add_axes(GRID_RECTS[i])
            # One scale for all three rows, explained once, beside the first.
            grid = draw_feature_map_grid(maps, title=title, ax=ax, colorbar=i == 0, **style)
            grid.title.set_color(colour)
            grids.append(grid)
        return ReconstructionPicture(curves, tuple(grids), labels)

    # -- what the page gets ------------------------------------------------------------------

    def _picture_data(self) -> dict[str, Any]:
        """Return the curves, the maps' terms and the saved picture's layout, for the page.

        The layout (axes, where each map goes, every fixed text with its ticks) is read off
        the saved picture, drawn once; the rebuilt maps are sums of terms (:func:`_terms`),
        their score maps quantized (:func:`_quantized`).
        """
        import matplotlib

        h, w, c = self.features.shape
        shown = self.shown
        cmap = matplotlib.colormaps[_GRID_STYLE["cmap"]]
        reductions = {}
        mean = self.features.reshape(-1, c).mean(axis=0)[shown]
        for name, (scores, loadings) in _terms(self.features, shown, self._seed).items():
            quantized, steps = _quantized(scores)
            reductions[name] = {
                "scores": base64.b64encode(quantized.tobytes()).decode("ascii"),
                "steps": steps.tolist(),
                "loadings": loadings.tolist(),
            }
        return {
            "figsize_px": [100 * self.figsize[0], 100 * self.figsize[1]],
            "shape": [h, w, c],
            "shown": shown.tolist(),
            "vmax": self._vmax,
            "lut": cmap(np.arange(cmap.N), bytes=True)[:, :3].tolist(),
            "originals": [self._map_png(self.features[:, :, j]) for j in shown],
            "mean": mean.tolist(),
            "reductions": reductions,
            "errors": {
                "pca": self.results.pca_errors.tolist(),
                "random": self.results.random_errors.tolist(),
            },
            "trained": [[k, e] for k, e in self.trained.items()],
            "colours": {"pca": _PCA_COLOUR, "random": _RANDOM_COLOUR, "trained": _TRAINED_COLOUR},
            **self._layout(),
        }

    def _map_png(self, values: np.ndarray) -> str:
        """One map as a PNG data URL, coloured as the saved picture colours it."""
        from matplotlib.image import imsave

        buffer = io.BytesIO()
        imsave(buffer, values, cmap=_GRID_STYLE["cmap"], vmin=0.0, vmax=self._vmax, format="png")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

    def _layout(self) -> dict[str, Any]:
        """Return where the saved picture puts everything, in its pixels (y down)."""
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure()
        FigureCanvasAgg(fig)
        picture = self._draw(fig, 1)  # the titles follow k; where things go does not
        fig.canvas.draw()  # lays the maps' axes out at their aspect, the colour bar's ticks
        renderer = fig.canvas.get_renderer()
        height = fig.bbox.height

        descent = _line_metrics()["descent"]

        def box(extent: Any) -> list[float]:  # [left, top, right, bottom], y down
            return [
                float(v) for v in (extent.x0, height - extent.y1, extent.x1, height - extent.y0)
            ]

        def text(t: Any, cls: str) -> dict[str, Any]:
            # Its box as matplotlib lays it out, and where its baseline goes: a line's
            # descent above the box's bottom (left of its right side, turned a quarter).
            left, top, right, bottom = box(t.get_window_extent(renderer))
            size = t.get_fontsize() * 100 / 72
            turned = t.get_rotation() == 90
            ha = "center" if turned else t.get_horizontalalignment()
            x = {"left": left, "center": (left + right) / 2, "right": right}[ha]
            return {
                "text": t.get_text(),
                "box": [left, top, right, bottom],
                "at": [right - descent * size, (top + bottom) / 2]
                if turned
                else [x, bottom - descent * size],
                "anchor": {"left": "start", "center": "middle", "right": "end"}[ha],
                "rotation": 90 if turned else 0,
                "size_px": size,
                "colour": matplotlib.colors.to_hex(t.get_color()),
                "class": cls,
            }

        curves = picture.curves
        ax = curves.ax
        texts = [text(t, "c1x1-label-axis") for t in picture.labels]
        texts += [
            text(t, "c1x1-tick")
            for t in [*ax.get_xticklabels(), *ax.get_yticklabels()]
            if t.get_visible() and t.get_text()
        ]
        texts += [text(t, "c1x1-points-label") for t in ax.texts if t.get_text()]
        bar = picture.grids[0].colorbar
        low, high = bar.ax.get_ylim()
        texts += [
            text(t, "c1x1-tick c1x1-bar-tick")
            for loc, t in zip(bar.ax.get_yticks(), bar.ax.get_yticklabels(), strict=True)
            if low <= loc <= high and t.get_text()
        ]
        rows = []
        for grid in picture.grids:
            transform = grid.ax.transData.transform
            maps = []
            for left, right, bottom, top in grid.layout.extents:
                (x0, y0), (x1, y1) = transform([(left, top), (right, bottom)])
                maps.append([float(x0), float(height - y0), float(x1 - x0), float(y0 - y1)])
            anchor = grid.title.get_transform().transform(grid.title.get_position())
            rows.append(
                {
                    "maps": maps,
                    "title": [float(anchor[0]), float(height - anchor[1])],
                    "title_px": grid.title.get_fontsize() * 100 / 72,
                    "colour": matplotlib.colors.to_hex(grid.title.get_color()),
                }
            )
        rc = matplotlib.rcParams
        pt = 100 / 72
        return {
            "curves_box": box(ax.get_window_extent(renderer)),
            "xlim": list(ax.get_xlim()),
            "ylim": list(ax.get_ylim()),
            "xticks": [float(t) for t in ax.get_xticks()],
            "yticks": [float(t) for t in ax.get_yticks()],
            "gridlines": [float(line.get_ydata()[0]) for line in ax.lines if line.zorder == 0],
            "texts": texts,
            "rows": rows,
            "bar_box": box(bar.ax.get_window_extent(renderer)),
            "bar_ticks": [float(t) for t in bar.ax.get_yticks() if low <= t <= high],
            "style": {
                "line_px": rc["lines.linewidth"] * pt,
                "spine_px": rc["axes.linewidth"] * pt,
                "tick_px": rc["xtick.major.size"] * pt,
                "tick_width_px": rc["xtick.major.width"] * pt,
                "bar_tick_px": 2 * pt,
                "bar_outline_px": 0.5 * pt,
                "grid_px": 0.8 * pt,
                "cursor_px": 1 * pt,
                "cursor_dash_px": [d * pt for d in rc["lines.dotted_pattern"]],
                "marker_px": 4 * pt,
                "point_px": 5 * pt,
            },
        }
