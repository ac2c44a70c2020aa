import re

import pytest

from conv1x1_viz.exercises import AWAITED, Verdict, check_prediction, prediction_feedback
from conv1x1_viz.prose import Folded


def _outside_details(html):
    return re.sub(r"<details>.*?</details>", "", html, flags=re.S)


def test_no_guess_hides_the_answer_from_plain_text(capsys):
    assert check_prediction(None, 32832, "because (1·1·512 + 1)·64") is None
    text = capsys.readouterr().out
    assert text.startswith(AWAITED)
    assert "32,832" not in text
    assert "because" not in text
    assert "Show the answer" in text


def test_no_guess_folds_the_answer_in_html():
    feedback = prediction_feedback(None, (256, 256, 64), "one map per filter")
    assert isinstance(feedback, Folded)
    html = feedback._repr_html_()
    shown = _outside_details(html)
    # Closed: no "open" attribute, and the answer only inside the element.
    assert "<details>" in html
    assert "<details open" not in html
    assert "(256, 256, 64)" in html
    assert "(256, 256, 64)" not in shown
    assert "one map per filter" not in shown
    assert "(256, 256, 64)" not in repr(feedback)
    assert "(256, 256, 64)" in feedback.text
    assert "<summary>Show the answer</summary>" in html


def test_no_guess_is_the_same_on_every_run():
    first = prediction_feedback(None, 1.5, "why", rel_tol=0.1)
    second = prediction_feedback(None, 1.5, "why", rel_tol=0.1)
    assert repr(first) == repr(second)
    assert first._repr_html_() == second._repr_html_()


@pytest.mark.parametrize(
    ("guess", "answer", "rel_tol", "right"),
    [
        (64, 64, 0.0, True),
        (63, 64, 0.0, False),
        (1_600_000, 1_605_696, 0.01, True),
        (1_000_000, 1_605_696, 0.01, False),
        ((256, 256, 64), (256, 256, 64), 0.0, True),
        ((256, 256, 512), (256, 256, 64), 0.0, False),
        ([256, 256, 64], (256, 256, 64), 0.0, True),
        ("channels", "channels", 0.0, True),
    ],
)
def test_verdicts(capsys, guess, answer, rel_tol, right):
    check_prediction(guess, answer, "why", rel_tol=rel_tol)
    text = capsys.readouterr().out
    assert text.startswith("Right:") is right
    assert text.startswith("Not quite:") is not right
    assert text.rstrip().endswith("why")


def test_a_guess_shows_the_answer_openly():
    feedback = prediction_feedback(63, 64, "why")
    assert isinstance(feedback, Verdict)
    assert repr(feedback) == "Not quite: you said 63, the answer is 64. why"
    assert "<details" not in feedback._repr_html_()
    assert "the answer is 64" in feedback._repr_html_()


def test_in_a_notebook_it_displays_rich_output(monkeypatch):
    shown = []
    import IPython
    import IPython.display

    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", shown.append)
    check_prediction(None, 8, "why")
    check_prediction(8, 8, "why")
    assert [type(s) for s in shown] == [Folded, Verdict]


def test_bad_tolerance():
    with pytest.raises(ValueError, match=r"rel_tol must be a number with 0 ≤ rel_tol < 1"):
        check_prediction(1, 1, "why", rel_tol=2)
