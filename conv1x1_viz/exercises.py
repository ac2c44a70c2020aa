"""Predict, then check: the small helper behind the notebooks' exercises.

A notebook asks the learner to write a guess into a variable, then calls
:func:`check_prediction`, which compares the guess with the computed answer and
explains it. With no guess yet (``None``) it still prints the answer, so a notebook
run from top to bottom shows the same text every time.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_prediction"]


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

    Prints the verdict and the explanation; returns nothing, so that a notebook cell
    ending with the call shows only the printed text.

    Examples
    --------
    >>> check_prediction(None, 14336, "Each of 512 filters has 3·3·3 weights and a bias.")
    No guess yet: set your variable above and run both cells again.
    The answer is 14,336. Each of 512 filters has 3·3·3 weights and a bias.
    >>> check_prediction(14336, 14336, "Each of 512 filters has 3·3·3 weights and a bias.")
    Right: 14,336. Each of 512 filters has 3·3·3 weights and a bias.
    """
    if not isinstance(rel_tol, numbers.Real) or not 0 <= rel_tol < 1:
        raise ValueError(f"rel_tol must be a number with 0 ≤ rel_tol < 1, got {rel_tol!r}")
    if guess is None:
        verdict = "No guess yet: set your variable above and run both cells again.\nThe answer is"
    elif _same(guess, answer, rel_tol):
        verdict = "Right:"
    else:
        verdict = f"Not quite: you said {_show(guess)}, the answer is"
    print(f"{verdict} {_show(answer)}. {explanation}")
