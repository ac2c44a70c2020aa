"""Predict, then check: the small helper behind the notebooks' exercises.

A notebook asks the learner to write a guess into a variable, then calls
:func:`check_prediction`, which compares the guess with the computed answer and
explains it. With no guess yet (``None``) it says that a guess is awaited and keeps the
answer folded away behind a "Show the answer" element (:class:`~conv1x1_viz.prose.Folded`),
which the learner opens on purpose. Its plain text, what a terminal prints and what
nbval compares, never holds the answer, and it is the same on every run.
"""

from __future__ import annotations

import html
import numbers
import sys

import numpy as np

from conv1x1_viz.prose import Folded

__all__ = ["Verdict", "check_prediction", "prediction_feedback"]

AWAITED = "No guess yet: write your guess in the cell above, then run both cells again."


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


def prediction_feedback(
    guess: object, answer: object, explanation: str, *, rel_tol: float = 0.0
) -> Verdict | Folded:
    """Return the feedback :func:`check_prediction` shows, without showing it.

    Parameters are those of :func:`check_prediction`.

    Returns
    -------
    Verdict or Folded
        With a guess, a :class:`Verdict` that gives the answer and the explanation.
        With no guess (``None``), a :class:`~conv1x1_viz.prose.Folded` whose lead says
        that a guess is awaited and whose folded body holds the answer and the
        explanation; its plain text holds neither.

    Examples
    --------
    >>> prediction_feedback(None, 14336, "Each of 512 filters has 3·3·3 weights and a bias.")
    No guess yet: write your guess in the cell above, then run both cells again.
    [“Show the answer” is folded here: open it in JupyterLab or on GitHub.]
    >>> prediction_feedback(14000, 14336, "Each filter has 3·3·3 weights and a bias.")
    Not quite: you said 14,000, the answer is 14,336. Each filter has 3·3·3 weights and a bias.
    """
    if not isinstance(rel_tol, numbers.Real) or not 0 <= rel_tol < 1:
        raise ValueError(f"rel_tol must be a number with 0 ≤ rel_tol < 1, got {rel_tol!r}")
    if guess is None:
        return Folded(f"The answer is {_show(answer)}. {explanation}", lead=AWAITED)
    if _same(guess, answer, rel_tol):
        return Verdict(f"Right: {_show(answer)}. {explanation}")
    return Verdict(
        f"Not quite: you said {_show(guess)}, the answer is {_show(answer)}. {explanation}"
    )


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
    guess: object, answer: object, explanation: str, *, rel_tol: float = 0.0
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

    Shows the feedback of :func:`prediction_feedback`: in a notebook as rich output
    (with no guess, the answer sits folded behind "Show the answer"), elsewhere as its
    plain text. Returns nothing, so that a cell may check several guesses and show
    each verdict.

    Examples
    --------
    >>> check_prediction((5, 5, 3), (5, 5, 3), "A filter is as deep as its input.")
    Right: (5, 5, 3). A filter is as deep as its input.
    """
    _display(prediction_feedback(guess, answer, explanation, rel_tol=rel_tol))
