"""Explorers drawn in the page: controls declared in Python, every press drawn by the page.

A :class:`PageExplorer` is an `anywidget <https://anywidget.dev>`_ widget. Python declares
its controls once (:class:`~conv1x1_viz.explorers.controls.Whole`, ``Choice``, ``Toggle``
and presets) and sends that declaration and a few numbers the picture needs (:attr:`spec`);
the page builds the controls, and draws the readout and the picture at every press, from
what it holds. The kernel hears the new :attr:`values` after the page has drawn them, so
a press never waits for it, and nothing is lost when the kernel is busy or gone.

The page's side is one ES module, assembled from ``js/core.js`` (numbers written as
:mod:`conv1x1_viz.formulas` writes them, controls, readout, SVG helpers, the ``render``
anywidget calls) and one file per kind (``js/<name>.js``), which registers how that kind
writes its readout and draws its picture. Python keeps the truth: :meth:`readout_lines`
and :meth:`draw_picture` (matplotlib) of every kind are what a reader without a kernel
sees (the picture saved in the notebook), and a browser test compares the page's readout
and geometry with Python's at every setting the controls reach.

A new explorer in the page:

1. set :attr:`kind` and :attr:`script` (the name of its file in ``js/``);
2. in ``__init__``, call :meth:`_setup` with its controls, starting values, presets and the
   data its picture needs (``data``: small, JSON-able);
3. implement :meth:`readout_lines` and :meth:`draw_picture`, and, in its script,
   ``KINDS[kind] = {readout(values, spec), picture(figure, spec)}``, where ``picture``
   returns an object whose ``update(values)`` redraws the picture in place.

A picture that can be touched takes a third argument, ``touch``: ``touch.change(update)``
sets controls the way they set themselves (a click on the picture), and
``touch.hover(over)`` says what the mouse is over (anything JSON-able, ``null`` for
nothing); the page then redraws with ``readout(values, spec, over)`` and
``update(values, over)``. What the mouse is over stays in the page (MixingExplorer).

A picture may also let the learner select something in it that is not a control, e.g.
ReductionExplorer's map clicked after its 1×1 layer: ``touch.select(selection)`` sets
:attr:`~PageExplorer.selection` (``null`` for nothing), which is synced, so that Python's
readout and saved picture show it too. A selection is not a control: no slider shows it,
no preset sets it, and the controls' limits do not move it; it is cleared as soon as the
controls no longer allow it (:meth:`~PageExplorer.selectable`, written again as
``selectable(values, selection, spec)`` in the kind's script), and stays cleared. The
page then redraws with ``readout(values, spec, over, selection)`` and
``update(values, over, selection)``.
"""

from __future__ import annotations

import base64
import html
import inspect
import io
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets

from conv1x1_viz import contract
from conv1x1_viz.explorers.arguments import from_json, to_json
from conv1x1_viz.explorers.controls import Choice, Control, Preset, Toggle, Whole
from conv1x1_viz.formulas import format_count

__all__ = [
    "EXPLORER_MIMETYPE",
    "PageExplorer",
    "explorer_from_saved",
    "page_module",
    "plural",
    "shape_text",
]

_SCRIPTS = Path(__file__).parent / "js"
#: What a saved explorer says under its picture, where the widget cannot run.
CAPTION = (
    "A live explorer, saved as a picture: run this cell (or Run All) in JupyterLab, "
    "Notebook 7 or another front end that runs widgets, to move its controls."
)

#: The output type that says how to make a saved explorer again (:meth:`PageExplorer.saved`).
EXPLORER_MIMETYPE = "application/vnd.conv1x1.explorer+json"


def plural(n: int, word: str) -> str:
    """Write ``n word`` or ``n words``, e.g. ``1 map``, ``2,048 maps``."""
    return f"{format_count(n)} {word}" + ("" if n == 1 else "s")


def shape_text(*sizes: int) -> str:
    """Write a shape the way the readouts do, e.g. ``28×28×192``."""
    return "×".join(format_count(s) for s in sizes)


@cache
def page_module(*scripts: str) -> str:
    """Return the ES module of the page: ``core.js``, then each kind's script, then the export.

    Examples
    --------
    >>> "export default { render }" in page_module("param")
    True
    """
    parts = [(_SCRIPTS / "core.js").read_text(encoding="utf-8")]
    parts += [(_SCRIPTS / f"{name}.js").read_text(encoding="utf-8") for name in scripts]
    parts.append(
        "export { KINDS, readoutLines, applyLimits, keptSelection, fmt, fixed, pageModel };\n"
        "export default { render };\n"
    )
    return "\n".join(parts)


def _running_cell() -> str | None:
    """Return the id of the notebook cell being run (JupyterLab and Notebook 7 send it), if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None or not hasattr(kernel, "get_parent"):
        return None
    parent = kernel.get_parent() or {}
    return (parent.get("metadata") or {}).get("cellId")


#: The explorer each notebook cell made last, by cell id: running the cell again closes it.
_BY_CELL: dict[str, Any] = {}


def _control_spec(key: str, control: Control) -> dict[str, Any]:
    """Return what the page needs to build control ``key``."""
    spec: dict[str, Any] = {"key": key, "label": control.label, "class": contract.slider_class(key)}
    if isinstance(control, Choice):
        return {**spec, "type": "choice", "options": list(control.options)}
    if isinstance(control, Whole):
        return {**spec, "type": "whole", "low": control.low, "high": control.high}
    if isinstance(control, Toggle):
        return {**spec, "type": "toggle"}
    raise ValueError(f"control {key!r} must be a Whole, Choice or Toggle, got {control!r}")


def _readout_html(lines: Sequence[tuple[str, str]]) -> str:
    rows = "".join(
        f"<div><b>{html.escape(label)}</b>: {html.escape(text)}</div>" for label, text in lines
    )
    return f'<div class="{contract.READOUT}" style="line-height: 1.6">{rows}</div>'


class PageExplorer(anywidget.AnyWidget):
    """Declared controls, a readout and a picture, all drawn in the page.

    Attributes
    ----------
    controls : dict of str to Whole, Choice or Toggle
        What each control may hold, as declared.
    presets : tuple of Preset
        Named settings, one button each above the controls.
    values : dict of str to int or bool
        The controls' values, kept in step with the page (synced).
    wishes : dict of str to int or bool
        The value the learner last chose for each control (synced): a control that
        another limits holds its wish when allowed, else the nearest allowed below.
    spec : dict
        The declaration the page builds from: kind, DOM classes, controls, presets and
        the data of the picture (synced once).
    selection : int or None
        What the learner selected in the picture, if anything (synced; a kind says what
        it may be with :meth:`selectable`, e.g. ReductionExplorer's map clicked). Cleared
        when the controls no longer allow it.
    error : str
        The last error met while taking values from the page, shown there (synced).
    """

    #: Names the explorer's DOM class ``c1x1-<kind>`` and its entry in the page's KINDS.
    kind: ClassVar[str] = "explorer"
    #: The file in ``js/`` that draws this kind.
    script: ClassVar[str] = ""

    spec = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    wishes = traitlets.Dict().tag(sync=True)
    selection = traitlets.Any(None, allow_none=True).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __new__(cls, *args: Any, **kwargs: Any) -> PageExplorer:
        """Make the explorer and remember the arguments it was given (see :meth:`saved`)."""
        self = super().__new__(cls, *args, **kwargs)
        try:
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
        except TypeError:  # __init__ says what is wrong
            bound = None
        given: dict[str, Any] = {}
        for i, (name, value) in enumerate(bound.arguments.items() if bound else ()):
            kind = inspect.signature(cls.__init__).parameters[name].kind
            if i == 0:
                continue  # self
            if kind is inspect.Parameter.VAR_KEYWORD:
                given.update(value)
            elif kind is inspect.Parameter.VAR_POSITIONAL:
                given = None  # not as keywords: not saved
                break
            else:
                given[name] = value
        self._given = given
        return self

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give each kind its page module (anywidget reads ``_esm`` off the class)."""
        if "script" in cls.__dict__:  # not again for traitlets' subclass of an instance
            cls._esm = page_module(cls.script)
        super().__init_subclass__(**kwargs)

    def _setup(
        self,
        controls: Mapping[str, Control],
        values: Mapping[str, Any],
        presets: Sequence[Preset] = (),
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """Check the starting values, then send the declaration and the values to the page."""
        self.controls = dict(controls)
        # Only the presets these controls can reach (a smaller range leaves some out).
        self.presets = tuple(
            p for p in presets if all(v in self.controls[k].values() for k, v in p.values.items())
        )
        self.wishes = {key: control.check(key, values[key]) for key, control in controls.items()}
        checked = self._limited(dict(self.wishes))
        classes = [
            contract.EXPLORER,
            contract.kind_class(self.kind),
            *contract.fixed_size_classes(self.fixed_sizes()),
        ]
        self.spec = {
            "kind": self.kind,
            "classes": classes,
            "controls": [_control_spec(key, c) for key, c in self.controls.items()],
            "presets": [
                {"label": p.label, "values": dict(p.values), "source": p.source}
                for p in self.presets
            ],
            "data": dict(data or {}),
        }
        self.values = checked
        self.observe(self._from_page, names="values")
        self.observe(self._keep_selection, names="values")
        self.observe(self._selection_from_page, names="selection")
        # A cell run again replaces its output: the explorer it showed is closed, so that
        # re-running grows neither the kernel's widgets nor the page's.
        cell = _running_cell()
        if cell is not None:
            previous = _BY_CELL.get(cell)
            if previous is not None and previous is not self:
                previous.close()
            _BY_CELL[cell] = self

    def _from_page(self, change: dict[str, Any]) -> None:
        """Check values that came from the page; a wrong one is named in :attr:`error`."""
        try:
            values = self._checked(change["new"])
            for key, limit in self.limits(values).items():
                if self.controls[key].limited(values[key], limit) != values[key]:
                    raise ValueError(
                        f"{key} cannot be {values[key]!r} when the others are {values}"
                    )
        except ValueError as exc:  # the page offers only allowed values: say so if not
            self.error = f"{type(exc).__name__}: {exc}"
        else:
            self.error = ""  # good values clear what a wrong one said

    def _keep_selection(self, change: dict[str, Any]) -> None:
        """Clear a selection that the new values no longer allow (the page does the same)."""
        if not self.selectable(change["new"], self.selection):
            self.selection = None

    def _selection_from_page(self, change: dict[str, Any]) -> None:
        """Clear a selection the values do not allow, and name it in :attr:`error`."""
        if not self.selectable(self.values, change["new"]):
            self.error = (
                f"ValueError: selection cannot be {change['new']!r} when the controls are "
                f"{self.values}"
            )
            self.selection = None

    def _checked(self, values: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"no control named {unknown}; controls are {sorted(self.controls)}")
        return {key: self.controls[key].check(key, value) for key, value in values.items()}

    def _limited(self, values: dict[str, Any]) -> dict[str, Any]:
        """Apply :meth:`limits` to ``values``, in place, and return them.

        Each limited control holds the learner's wish if allowed, else the nearest allowed
        below (``limited`` of its control). The page's ``applyLimits`` (``js/core.js``)
        does the same, and a browser test checks that the two agree.
        """
        for key, limit in self.limits(values).items():
            values[key] = self.controls[key].limited(self.wishes[key], limit)
        return values

    # -- what a subclass provides ----------------------------------------------------------

    def readout_lines(self) -> list[tuple[str, str]]:
        """Return the readout as ``(label, text)`` lines for the current values."""
        raise NotImplementedError(f"{type(self).__name__} must write its readout")

    def draw_picture(self, fig: Any) -> Any:
        """Draw the picture of the current values on ``fig`` (a matplotlib Figure)."""
        raise NotImplementedError(f"{type(self).__name__} must draw its picture")

    def limits(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return the limits some controls put on others, for these control values.

        ``{key: high}`` caps control ``key`` at ``high``; ``{key: [values]}`` offers only
        those (a :class:`~conv1x1_viz.explorers.controls.Choice`). None here; a kind with
        limits writes the same rule as ``limits(values, spec)`` in its script.
        """
        return {}

    def selectable(self, values: Mapping[str, Any], selection: Any) -> bool:
        """Whether ``selection`` can be shown at these control values.

        Only ``None`` (nothing selected) here; a kind whose picture can be selected in
        says what, and writes the same rule as ``selectable(values, selection, spec)`` in
        its script.
        """
        return selection is None

    def fixed_sizes(self) -> dict[str, int]:
        """Sizes set when the explorer was made, not by a control, e.g. ``{"height": 28}``.

        Each is also a DOM class ``c1x1-fixed-<key>-<size>`` on the explorer, so that a
        browser test can compute the counts the page must show.
        """
        return {}

    # -- the Python API --------------------------------------------------------------------

    def value(self, key: str) -> Any:
        """Return the current value of control ``key``."""
        if key not in self.controls:
            raise ValueError(f"no control named {key!r}; controls are {sorted(self.controls)}")
        return self.values[key]

    def set(self, **values: Any) -> None:
        """Set several controls at once, checked; the page redraws once.

        Parameters
        ----------
        **values
            Control key to value, e.g. ``explorer.set(in_channels=256, filters=32)``.
        """
        checked = self._checked(values)
        self.wishes = {**self.wishes, **checked}
        self.values = self._limited({**self.values, **checked})

    def select(self, selection: Any) -> None:
        """Select ``selection`` in the picture (``None`` clears it), as a click there does.

        The selection stays until cleared, or until the controls no longer allow it.
        """
        if not self.selectable(self.values, selection):
            raise ValueError(
                f"selection cannot be {selection!r} when the controls are {self.values}"
            )
        self.selection = selection

    def apply_preset(self, label: str) -> None:
        """Set every control of the preset called ``label``."""
        matches = [p for p in self.presets if p.label == label]
        if not matches:
            labels = [p.label for p in self.presets]
            raise ValueError(f"label must be one of the presets {labels}, got {label!r}")
        self.set(**matches[0].values)

    def current_preset(self) -> Preset | None:
        """Return the preset whose values the controls hold now, if any."""
        for preset in self.presets:
            if all(self.values[key] == value for key, value in preset.values.items()):
                return preset
        return None

    def readout_rows(self) -> list[tuple[str, str]]:
        """Return the readout's ``(label, text)`` lines.

        The preset's case, if the values are a preset's, then :meth:`readout_lines`.
        """
        preset = self.current_preset()
        case = [("Case", f"{preset.label}: {preset.source}")] if preset else []
        return [*case, *self.readout_lines()]

    def readout_texts(self) -> tuple[str, str]:
        """Return the readout as HTML and as plain text (:meth:`readout_rows`)."""
        lines = self.readout_rows()
        return _readout_html(lines), "\n".join(f"{label}: {text}" for label, text in lines)

    def summary(self) -> str:
        """Plain-text readout, headed by the explorer's name (deterministic)."""
        return f"{type(self).__name__}\n{self.readout_texts()[1]}"

    def snapshot(self) -> bytes:
        """Return a PNG of the picture at the current values, drawn by matplotlib."""
        from matplotlib.figure import Figure

        fig = Figure()
        self.draw_picture(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def save_animation(
        self,
        path: str | PathLike[str],
        slider: str,
        values: Iterable[Any] | None = None,
        *,
        fps: float = 1,
    ) -> Path:
        """Write an animation of control ``slider`` swept through ``values``, for slides.

        One frame a value: the saved picture (:meth:`snapshot`, drawn by
        :meth:`draw_picture`) with the readout under it, as a reader without a kernel sees
        them (:func:`~conv1x1_viz.explorers.animation.animation_frame`). No browser is
        needed, and the controls are put back as they were afterwards (a page showing the
        explorer does not move).

        Parameters
        ----------
        path : str or path-like
            Where to write: ``.gif`` for an animated GIF that loops (Pillow; each frame
            reduced to its own 256 colours, without dithering), ``.mp4`` for an H.264
            video (needs ``ffmpeg`` on the PATH).
        slider : str
            The control moved, a key of :attr:`controls`, e.g. ``"in_channels"``.
        values : iterable, optional
            Its values, in order (repeats allowed, e.g. up then down). Default: every
            value it offers while the other controls keep theirs, by :meth:`limits`.
            Each value must be one of those: a value the explorer would lower (as
            :meth:`set` does) is refused, not drawn as another.
        fps : float, default 1
            Frames a second, above 0 and at most 50 (``0.5`` shows each for 2 s).

        Returns
        -------
        pathlib.Path
            ``path``. A GIF holds one frame a value, except that a frame equal to the one
            before it (the same value twice in a row) lengthens that one instead.

        Raises
        ------
        ValueError
            Naming ``path`` (another ending, or ``.mp4`` without ffmpeg), ``slider`` (no
            such control), ``values`` (empty, or a value the control does not offer here)
            or ``fps``, and what is allowed.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from PIL import Image
        >>> from conv1x1_viz.explorers import ParamExplorer
        >>> explorer = ParamExplorer(in_channels=512, filters=64)
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> gif = explorer.save_animation(folder / "depth.gif", "in_channels", [64, 256, 1024])
        >>> with Image.open(gif) as image:
        ...     image.n_frames
        3
        >>> explorer.value("in_channels")  # put back
        512
        """
        from conv1x1_viz.explorers.animation import save_animation

        return save_animation(self, path, slider, values, fps=fps)

    def saved(self) -> dict[str, Any] | None:
        """Return how to make this explorer again, as JSON: class, arguments, wishes, values.

        The notebook keeps it beside the picture (:data:`EXPLORER_MIMETYPE`), so that a page
        without a kernel can be given the explorer live (:func:`explorer_from_saved`).
        ``None`` when an argument cannot be written as JSON (an object of another kind).

        Examples
        --------
        >>> from conv1x1_viz.explorers import ParamExplorer
        >>> ParamExplorer(192, 32, input_size=(28, 28)).saved()["arguments"]
        {'in_channels': 192, 'filters': 32, 'input_size': {'__tuple__': [28, 28]}}
        """
        if self._given is None:
            return None
        try:
            arguments = to_json(self._given)
        except TypeError:
            return None
        return {
            "class": type(self).__name__,
            "arguments": arguments,
            "wishes": dict(self.wishes),
            "values": dict(self.values),
        }

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """Widget view, plus a captioned picture and plain text where widgets cannot run.

        Also, where the arguments allow, how to make the explorer again
        (:data:`EXPLORER_MIMETYPE`, :meth:`saved`), for a static page to draw it live.
        """
        data, metadata = super()._repr_mimebundle_(**kwargs)
        saved = self.saved()
        if saved is not None:
            data[EXPLORER_MIMETYPE] = saved
        png = base64.b64encode(self.snapshot()).decode("ascii")
        readout_html, _ = self.readout_texts()
        data["text/plain"] = self.summary()
        data["image/png"] = png
        data["text/html"] = (
            f'<figure class="{contract.EXPLORER}-saved" style="margin: 0">'
            f'<img src="data:image/png;base64,{png}" style="max-width: 100%" '
            f'alt="{html.escape(type(self).__name__)}, as saved"/>'
            f"<figcaption><i>{html.escape(CAPTION)}</i></figcaption></figure>{readout_html}"
        )
        return data, metadata

    def close(self) -> None:
        """Close the widget and its layout (their comms and views); it can no longer be shown."""
        for cell, explorer in list(_BY_CELL.items()):
            if explorer is self:
                del _BY_CELL[cell]
        self.layout.close()
        super().close()

    def __repr__(self) -> str:
        """Name and control values, e.g. ``<ParamExplorer: in_channels=512, ...>``."""
        values = ", ".join(f"{key}={self.values[key]!r}" for key in self.controls)
        return f"<{type(self).__name__}: {values}>"


def explorer_from_saved(saved: Mapping[str, Any]) -> PageExplorer:
    """Make again the explorer that :meth:`PageExplorer.saved` described, at its values.

    Only the explorers of :mod:`conv1x1_viz.explorers` drawn in the page are made.

    Examples
    --------
    >>> from conv1x1_viz.explorers import ParamExplorer
    >>> first = ParamExplorer(192, 32)
    >>> first.set(filters=64)
    >>> explorer_from_saved(first.saved()).summary() == first.summary()
    True
    """
    from conv1x1_viz import explorers

    name = saved["class"]
    cls = getattr(explorers, name, None) if name in explorers.__all__ else None
    if not (isinstance(cls, type) and issubclass(cls, PageExplorer)) or cls is PageExplorer:
        raise ValueError(f"{name!r} is not an explorer drawn in the page")
    explorer = cls(**from_json(saved["arguments"]))
    explorer.set(**saved["wishes"])
    if explorer.values != saved["values"]:
        raise ValueError(f"{name} made again holds {explorer.values}, not {saved['values']}")
    return explorer
