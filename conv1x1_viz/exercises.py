"""Predict, then check: the small helper behind the notebooks' exercises.

A notebook asks the learner to write a guess into a variable, then calls
:func:`check_prediction`, which compares the guess with the computed answer and
explains it. With no guess yet (``None``) it says that a guess is awaited and keeps the
answer folded away behind a "Show the answer" element (:class:`~conv1x1_viz.prose.Folded`),
which the learner opens on purpose. Its plain text, what a terminal prints and what
nbval compares, never holds the answer, and it is the same on every run.

A wrong guess does not give the answer away at once. The first one gets a diagnosis
when it is a common slip (:func:`param_slips`, :func:`mac_slips`, height and width
swapped in a shape) and a hint, and the learner tries again; the answer comes with the
second wrong guess.

Two kinds of question are answered in words, not numbers: :func:`explain_why` folds a
model answer away, and :func:`true_or_false` shows a statement to judge (a quiz on common
misconceptions) and folds away whether it is true and why.
"""

from __future__ import annotations

import html
import numbers
import sys

import numpy as np

from conv1x1_viz.prose import Folded
from conv1x1_viz.validation import flag, text

__all__ = [
    "Verdict",
    "check_prediction",
    "explain_why",
    "mac_slips",
    "param_slips",
    "prediction_feedback",
    "true_or_false",
]

#: What an "explain why" question says above its folded model answer.
EXPLAIN_FIRST = "Write your answer in a sentence or two first, then compare it with this one."

AWAITED = "No guess yet: write your guess in the cell above, then run both cells again."
RETRY = "Change your guess and run both cells again; the answer shows after a second try."
DEFAULT_HINT = "Write the count as a product and check what each factor stands for."

#: Wrong guesses made so far, per exercise (its answer and explanation).
_WRONG_GUESSES: dict[tuple[str, str], int] = {}


def param_slips(
    kernel_size: int, in_channels: int, filters: int, *, use_bias: bool = True
) -> dict[object, str]:
    """Return the common wrong counts of a convolution layer's parameters, and their slips.

    Parameters
    ----------
    kernel_size, in_channels, filters : int
        The layer: ``filters`` filters of ``kernel_size × kernel_size × in_channels``.
    use_bias : bool, default True
        Whether the right count includes a bias per filter.

    Returns
    -------
    dict
        ``{wrong count: what it comes from}``, for :func:`check_prediction`'s ``slips``.

    Examples
    --------
    >>> param_slips(5, 192, 32)[5 * 5 * 192 * 32]
    'left out the biases, one per filter'
    """
    k2, bias = kernel_size * kernel_size, int(use_bias)
    slips = {
        k2 * in_channels * filters + (0 if use_bias else filters): (
            "left out the biases, one per filter" if use_bias else
            "added a bias per filter, but this layer has none"
        ),
        (k2 * filters + bias) * filters: "made each filter as deep as the output (C_out), "
        "not as the input (C_in)",
        (k2 + bias) * filters: "counted a flat k×k filter, without the input's depth",
        k2 * in_channels + bias: "counted one filter, not all of them",
        (kernel_size * in_channels + bias) * filters: "used k, not k×k, weights per channel",
    }  # fmt: skip
    return slips


def mac_slips(
    input_shape: tuple[int, int, int], filters: int, kernel_size: int, *, use_bias: bool = True
) -> dict[object, str]:
    """Return the common wrong counts of a stride-1 layer's multiply-accumulates.

    Parameters
    ----------
    input_shape : tuple of int
        ``(H, W, C_in)`` of the maps the layer reads ("same" padding, stride 1).
    filters, kernel_size : int
        The layer.
    use_bias : bool, default True
        Whether it has biases, for the slip of counting parameters instead.

    Returns
    -------
    dict
        ``{wrong count: what it comes from}``, for :func:`check_prediction`'s ``slips``.

    Examples
    --------
    >>> mac_slips((112, 112, 32), 64, 1)[32 * 64 + 64]
    'counted the parameters, not the multiply-accumulates'
    """
    h, w, c_in = input_shape
    k2 = kernel_size * kernel_size
    return {
        (k2 * c_in + int(use_bias)) * filters: "counted the parameters, not the "
        "multiply-accumulates",
        h * w * k2 * filters: "left out the input's depth: each output sums over every channel",
        h * w * k2 * c_in: "counted one filter's work, not all of the filters'",
        k2 * c_in * filters: "counted one position, not every pixel of the map",
        h * w * (k2 * c_in + 1) * filters: "counted the bias additions as MACs",
    }  # fmt: skip


def _same(guess: object, answer: object, rel_tol: float) -> bool:
    if isinstance(answer, numbers.Number) and isinstance(guess, numbers.Number):
        return bool(np.isclose(float(guess), float(answer), rtol=rel_tol, atol=0))
    if isinstance(answer, tuple | list) and isinstance(guess, tuple | list):
        return len(guess) == len(answer) and all(
            _same(g, a, rel_tol) for g, a in zip(guess, answer, strict=True)
        )
    return guess == answer


def _show(value: object) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{value:,}"
    return repr(value)


class Verdict:
    """The feedback on a guess: right, or not quite, with the answer and why.

    Parameters
    ----------
    message : str
        The whole verdict, e.g. ``"Right: 14,336. Each of …"``.

    Examples
    --------
    >>> Verdict("Right: 64.")
    Right: 64.
    """

    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:
        """Return the verdict as plain text."""
        return self.message

    def _repr_html_(self) -> str:
        """Return the verdict as one HTML paragraph."""
        return f'<div class="c1x1-verdict"><p>{html.escape(self.message, quote=False)}</p></div>'


def _swapped(value: object) -> object:
    """Return a shape with its height and width swapped, or None for anything else."""
    if isinstance(value, tuple | list) and len(value) >= 2 and value[0] != value[1]:
        return (value[1], value[0], *value[2:])
    return None


def _diagnosis(guess: object, answer: object, slips: dict, rel_tol: float) -> str:
    """Say which common slip gives ``guess``, if one does."""
    if _swapped(answer) is not None and _same(guess, _swapped(answer), 0.0):
        return "That is the shape with its height and width swapped: (H, W, C) is the order."
    for wrong, slip in slips.items():
        if not _same(wrong, answer, 0.0) and _same(guess, wrong, rel_tol):
            return f"That is what you get if you {slip}."
    return ""


def prediction_feedback(
    guess: object,
    answer: object,
    explanation: str,
    *,
    rel_tol: float = 0.0,
    attempt: int = 2,
    slips: dict | None = None,
    hint: str | None = None,
) -> Verdict | Folded:
    """Return the feedback :func:`check_prediction` shows, without showing it.

    Parameters are those of :func:`check_prediction`, and:

    attempt : int, default 2
        Which wrong guess this is, counting from 1: the first gets the diagnosis and
        the hint, not the answer; from the second on the answer is given.

    Returns
    -------
    Verdict or Folded
        With a guess, a :class:`Verdict`. With no guess (``None``), a
        :class:`~conv1x1_viz.prose.Folded` whose lead says that a guess is awaited and
        whose folded body holds the answer and the explanation; its plain text holds
        neither.

    Examples
    --------
    >>> prediction_feedback(None, 14336, "Each of 512 filters has 3·3·3 weights and a bias.")
    No guess yet: write your guess in the cell above, then run both cells again.
    [“Show the answer” is folded here: open it in JupyterLab or on GitHub.]
    >>> why = "Each filter has 3·3·3 weights and a bias."
    >>> prediction_feedback(13824, 14336, why, slips={13824: "left out the biases"}, attempt=1)
    Not quite: you said 13,824. That is what you get if you left out the biases. Hint: \
Write the count as a product and check what each factor stands for. Change your guess and \
run both cells again; the answer shows after a second try.
    >>> prediction_feedback(14000, 14336, why)
    Not quite: you said 14,000, the answer is 14,336. Each filter has 3·3·3 weights and a bias.
    """
    if not isinstance(rel_tol, numbers.Real) or not 0 <= rel_tol < 1:
        raise ValueError(f"rel_tol must be a number with 0 ≤ rel_tol < 1, got {rel_tol!r}")
    if slips is not None and not isinstance(slips, dict):
        raise ValueError(f"slips must be a dict {{wrong answer: slip}}, got {slips!r:.60}")
    if guess is None:
        return Folded(f"The answer is {_show(answer)}. {explanation}", lead=AWAITED)
    if _same(guess, answer, rel_tol):
        return Verdict(f"Right: {_show(answer)}. {explanation}")
    diagnosis = _diagnosis(guess, answer, slips or {}, rel_tol)
    if attempt <= 1:
        parts = [f"Not quite: you said {_show(guess)}.", diagnosis,
                 f"Hint: {hint or DEFAULT_HINT}", RETRY]  # fmt: skip
        return Verdict(" ".join(p for p in parts if p))
    parts = [f"Not quite: you said {_show(guess)}, the answer is {_show(answer)}.", diagnosis,
             explanation]  # fmt: skip
    return Verdict(" ".join(p for p in parts if p))


def _display(obj: object) -> None:
    """Show ``obj`` as rich output inside IPython, as its plain text anywhere else."""
    shell = None
    if "IPython" in sys.modules:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        print(repr(obj))
        return
    from IPython.display import display

    display(obj)


def check_prediction(
    guess: object,
    answer: object,
    explanation: str,
    *,
    rel_tol: float = 0.0,
    slips: dict | None = None,
    hint: str | None = None,
) -> None:
    """Compare a learner's guess with the computed answer, and explain it.

    Parameters
    ----------
    guess : object
        What the learner predicted, or ``None`` if they have not guessed yet.
    answer : object
        The answer, computed by the notebook (a number, a tuple such as a shape,
        or a string).
    explanation : str
        Why the answer is what it is, in a sentence or two.
    rel_tol : float, default 0.0
        Relative tolerance for numeric answers (0 asks for the exact number); must
        be between 0 and 1.
    slips : dict, optional
        ``{wrong answer: the slip that gives it}`` (:func:`param_slips`,
        :func:`mac_slips`), to diagnose a wrong guess; a shape with its height and
        width swapped is always recognised.
    hint : str, optional
        Given with the first wrong guess, instead of a general one.

    Shows the feedback of :func:`prediction_feedback`: in a notebook as rich output
    (with no guess, the answer sits folded behind "Show the answer"), elsewhere as its
    plain text. The first wrong guess of an exercise gets its diagnosis and the hint,
    and a second try; the answer comes with the second wrong guess. Returns nothing,
    so that a cell may check several guesses and show each verdict.

    Examples
    --------
    >>> check_prediction((5, 5, 3), (5, 5, 3), "A filter is as deep as its input.")
    Right: (5, 5, 3). A filter is as deep as its input.
    """
    key = (repr(answer), explanation)
    attempt = 0
    if guess is not None and not _same(guess, answer, rel_tol):
        attempt = _WRONG_GUESSES[key] = _WRONG_GUESSES.get(key, 0) + 1
    _display(
        prediction_feedback(
            guess, answer, explanation, rel_tol=rel_tol, attempt=attempt, slips=slips, hint=hint
        )
    )


def explain_why(model_answer: str) -> Folded:
    """Return a model answer to an "explain why" question, folded until the learner opens it.

    Parameters
    ----------
    model_answer : str
        The answer in a few sentences (a little Markdown, see :func:`~conv1x1_viz.prose.markup`).

    Returns
    -------
    Folded
        Its lead asks for the learner's own answer first; its summary is "Show a model
        answer"; its plain text holds nothing of the answer.

    Examples
    --------
    >>> explain_why("Each filter sums over every channel, so it gives one number per pixel.")
    Write your answer in a sentence or two first, then compare it with this one.
    [“Show a model answer” is folded here: open it in JupyterLab or on GitHub.]
    """
    return Folded(model_answer, "Show a model answer", lead=EXPLAIN_FIRST)


def true_or_false(statement: str, answer: bool, why: str) -> Folded:
    """Return a statement to judge true or false, its verdict folded until the learner opens it.

    Parameters
    ----------
    statement : str
        The claim to judge, in a sentence or two (a little Markdown, see
        :func:`~conv1x1_viz.prose.markup`).
    answer : bool
        Whether the statement is true.
    why : str
        Why it is true or false, and which notebook shows it.

    Returns
    -------
    Folded
        Its lead is the statement; its summary is "Show the answer"; its folded body says
        **True.** or **False.**, then ``why``. Its plain text holds the statement and
        nothing of the answer.

    Raises
    ------
    ValueError
        If ``statement`` or ``why`` is not a non-empty string, or ``answer`` is not
        ``True`` or ``False``.

    Examples
    --------
    >>> item = true_or_false("A 1×1 layer with 64 filters outputs 64 maps.", True,
    ...                      "One map per filter (notebook 01).")
    >>> item
    A 1×1 layer with 64 filters outputs 64 maps.
    [“Show the answer” is folded here: open it in JupyterLab or on GitHub.]
    >>> item.text
    '**True.** One map per filter (notebook 01).'
    """
    statement = text("statement", statement)
    verdict = "True" if flag("answer", answer) else "False"
    return Folded(f"**{verdict}.** {text('why', why)}", lead=statement)
