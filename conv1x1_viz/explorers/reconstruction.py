"""ReconstructionExplorer: how much of a stack of maps a 1×1 layer to ``k`` maps can keep."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from conv1x1_viz.data import image_features, sample_image
from conv1x1_viz.draw import artists_of, draw_error_curves, draw_feature_map_grid
from conv1x1_viz.explorers.base import Explorer, frameless_axes
from conv1x1_viz.explorers.controls import Whole
from conv1x1_viz.explorers.page import plural, shape_text
from conv1x1_viz.formulas import params_formula
from conv1x1_viz.pca import reconstructions
from conv1x1_viz.validation import number, whole_number

__all__ = ["ReconstructionExplorer"]

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


class ReconstructionExplorer(Explorer):
    """How much of a stack of feature maps a 1×1 layer to ``k`` maps can keep.

    Each pixel's ``C`` channel values are squeezed into ``k`` by a linear 1×1 layer
    and rebuilt by a second one (``k`` back to ``C``); the error is the fraction of
    the maps' variance that is lost (:func:`~conv1x1_viz.pca.reconstruction_error`).
    The ``"filters"`` slider sets ``k``. Two reductions are compared at every width,
    each with the best decoder for it (:func:`~conv1x1_viz.pca.reconstructions`): the
    best linear one (principal components) and random 1×1 weights; plus, if given, the
    errors of trained 1×1 layers at some widths. The left panel plots the errors
    against ``k`` with markers at the current width; the right panel shows a few of the
    maps, then the same maps rebuilt from ``k`` maps by each reduction.

    Every width is computed at construction, so a slider tick only redraws.

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
    curves : ErrorCurvesArtists
        The error curves (:func:`~conv1x1_viz.draw.draw_error_curves`).
    grids : list of three FeatureMapGridArtists
        The maps, then as rebuilt by PCA, then by random weights.
    """

    kind = "reconstruction-explorer"

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
        self._vmax = float(np.percentile(self.features[:, :, self.shown], 99.5)) or 1.0
        controls = {"filters": Whole("maps kept k", 1, c)}
        self._setup(controls, {"filters": filters}, figsize=(5.8, 3.4))

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

    def _titles(self) -> tuple[str, str]:
        kept = plural(self.value("filters"), "map")
        return f"best linear (PCA), from {kept}", f"random 1×1 weights, from {kept}"

    def draw(self) -> None:
        """Draw the error curves and the three rows of maps."""
        fig = self.fig
        self.curves = draw_error_curves(
            {"random": self.results.random_errors, "pca": self.results.pca_errors},
            {"random": _RANDOM_COLOUR, "pca": _PCA_COLOUR},
            points=self.trained,
            points_colour=_TRAINED_COLOUR,
            k=self.value("filters"),
            ax=fig.add_axes([0.115, 0.15, 0.33, 0.78]),
        )
        # Plain text for the axis labels, and the maps' titles in the curves' colours
        # as the legend: laying out text is what a redraw costs most.
        label = {"fontsize": 9, "fontfamily": "DejaVu Sans"}
        fig.text(0.28, 0.02, "maps kept k", ha="center", **label)
        fig.text(0.015, 0.54, "share of variance lost", va="center", rotation=90, **label)
        shown = len(self.shown)
        style = {"max_maps": shown, "ncols": shown, "vmin": 0.0, "vmax": self._vmax}
        rows = [
            (self.features[:, :, self.shown], "the maps with the most variance", "black"),
            (self.results.pca_maps[0], "", _PCA_COLOUR),
            (self.results.random_maps[0], "", _RANDOM_COLOUR),
        ]
        self.grids = []
        for i, (maps, title, colour) in enumerate(rows):
            ax = frameless_axes(fig, [0.50, 0.64 - 0.31 * i, 0.41, 0.27])
            # One scale for all three rows, explained once, beside the first.
            grid = draw_feature_map_grid(maps, title=title, ax=ax, colorbar=i == 0, **style)
            grid.title.set_color(colour)
            self.grids.append(grid)

    def animated_artists(self) -> list:
        """Return the cursor, the markers and the rebuilt maps; the curves stay."""
        curves = self.curves
        return [
            curves.cursor,
            curves.markers,
            *curves.ax.spines.values(),  # drawn over the cursor, as a whole draw does
            *artists_of(self.grids[1]),
            *artists_of(self.grids[2]),
        ]

    def update_figure(self) -> None:
        """Move the markers and show the maps rebuilt from the current width."""
        k = self.value("filters")
        self.curves.update(k)
        pca_title, random_title = self._titles()
        self.grids[1].update(self.results.pca_maps[k - 1], title=pca_title)
        self.grids[2].update(self.results.random_maps[k - 1], title=random_title)
