import re

import pytest

import conv1x1_viz.exercises as exercises
from conv1x1_viz import conv_macs, conv_params
from conv1x1_viz.exercises import (
    AWAITED,
    RETRY,
    Verdict,
    check_prediction,
    mac_slips,
    param_slips,
    prediction_feedback,
    true_or_false,
)
from conv1x1_viz.prose import Folded


@pytest.fixture(autouse=True)
def _fresh_attempts(monkeypatch):
    """Each test starts with no wrong guess on record."""
    monkeypatch.setattr(exercises, "_WRONG_GUESSES", {})


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
    first = capsys.readouterr().out
    assert first.startswith("Right:") is right
    assert first.startswith("Not quite:") is not right
    # A wrong guess is told to try again, the answer kept back; the second gets it.
    assert first.rstrip().endswith("why" if right else RETRY)
    check_prediction(guess, answer, "why", rel_tol=rel_tol)
    second = capsys.readouterr().out
    assert second.rstrip().endswith("why")
    assert ("the answer is" in second) is not right


def test_a_wrong_guess_gets_a_diagnosis_a_hint_and_one_retry(capsys):
    answer = conv_params(3, 64, 32)  # (3·3·64 + 1)·32 = 18,464
    slips = param_slips(3, 64, 32)
    check_prediction(3 * 3 * 64 * 32, answer, "why", slips=slips, hint="Each filter has a bias.")
    first = capsys.readouterr().out
    assert first == (
        "Not quite: you said 18,432. That is what you get if you left out the biases, one per "
        "filter. Hint: Each filter has a bias. " + RETRY + "\n"
    )
    assert "18,464" not in first
    check_prediction((3 * 3 * 32 + 1) * 32, answer, "why", slips=slips)
    second = capsys.readouterr().out
    assert second.startswith("Not quite: you said 9,248, the answer is 18,464. That is what ")
    assert "as deep as the output (C_out)" in second and second.rstrip().endswith("why")
    check_prediction(answer, answer, "why", slips=slips)
    assert capsys.readouterr().out.startswith("Right: 18,464.")


def test_a_wrong_guess_without_a_known_slip_gets_the_general_hint(capsys):
    check_prediction(100, 18_464, "why", slips=param_slips(3, 64, 32))
    assert capsys.readouterr().out == (
        f"Not quite: you said 100. Hint: {exercises.DEFAULT_HINT} {RETRY}\n"
    )


def test_swapped_height_and_width_is_recognised():
    feedback = prediction_feedback((64, 32, 8), (32, 64, 8), "why", attempt=1)
    assert "height and width swapped" in repr(feedback)
    assert "(32, 64, 8)" not in repr(feedback)
    assert "swapped" not in repr(prediction_feedback((64, 64, 8), (64, 64, 8), "why"))


def test_each_slip_is_the_count_of_its_mistake():
    slips = {why: wrong for wrong, why in param_slips(5, 192, 32).items()}
    assert slips["left out the biases, one per filter"] == conv_params(5, 192, 32, False)
    assert slips["made each filter as deep as the output (C_out), not as the input (C_in)"] == (
        conv_params(5, 32, 32)
    )
    assert slips["counted a flat k×k filter, without the input's depth"] == conv_params(5, 1, 32)
    assert slips["counted one filter, not all of them"] == conv_params(5, 192, 1)
    assert slips["used k, not k×k, weights per channel"] == (5 * 192 + 1) * 32
    no_bias = param_slips(5, 192, 32, use_bias=False)
    assert no_bias[conv_params(5, 192, 32)] == "added a bias per filter, but this layer has none"
    macs = {why: wrong for wrong, why in mac_slips((112, 112, 32), 64, 1).items()}
    assert macs["counted the parameters, not the multiply-accumulates"] == conv_params(1, 32, 64)
    assert macs["left out the input's depth: each output sums over every channel"] == (
        conv_macs((112, 112, 1), 64, 1)
    )
    assert macs["counted one filter's work, not all of the filters'"] == (
        conv_macs((112, 112, 32), 1, 1)
    )
    assert macs["counted one position, not every pixel of the map"] == conv_macs((1, 1, 32), 64, 1)


def test_a_slip_equal_to_the_answer_is_never_diagnosed():
    # With C_in == C_out, "as deep as the output" gives the right count: it must read right.
    assert repr(
        prediction_feedback(
            conv_params(3, 8, 8), conv_params(3, 8, 8), "why", slips=param_slips(3, 8, 8), attempt=1
        )
    ).startswith("Right")


def test_a_second_wrong_guess_shows_the_answer_openly():
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


def test_bad_tolerance_and_slips():
    with pytest.raises(ValueError, match=r"rel_tol must be a number with 0 ≤ rel_tol < 1"):
        check_prediction(1, 1, "why", rel_tol=2)
    with pytest.raises(ValueError, match=r"slips must be a dict \{wrong answer: slip\}"):
        check_prediction(1, 2, "why", slips=[3])


@pytest.mark.parametrize("answer", [True, False])
def test_true_or_false_folds_the_verdict_and_why_away(answer):
    statement = "Pooling keeps the number of maps."
    why = "It works on each map apart (notebook 02)."
    item = true_or_false(statement, answer, why)
    verdict = f"{answer}."
    assert isinstance(item, Folded)
    # The plain text, which nbval compares and a terminal prints: the statement, nothing more.
    plain = repr(item)
    assert plain.startswith(statement)
    assert "Show the answer" in plain
    assert "True" not in plain and "False" not in plain
    assert why not in plain and "notebook 02" not in plain
    # The page: the statement above a closed <details> that holds the verdict and why.
    html = item._repr_html_()
    shown = _outside_details(html)
    assert "Pooling keeps the number of maps." in shown
    assert "<details>" in html and "<details open" not in html
    assert "<summary>Show the answer</summary>" in html
    assert f"<strong>{verdict}</strong> {why}" in html
    assert verdict not in shown and "notebook 02" not in shown
    assert item.text == f"**{verdict}** {why}"


def test_true_or_false_is_the_same_on_every_run():
    first = true_or_false("A 1×1 layer keeps the height and width.", True, "At stride 1.")
    second = true_or_false("A 1×1 layer keeps the height and width.", True, "At stride 1.")
    assert repr(first) == repr(second)
    assert first._repr_html_() == second._repr_html_()


def test_true_or_false_marks_up_code_in_the_statement():
    item = true_or_false("`x.sum(axis=-1)` is a 1×1 layer.", False, "It has fixed weights.")
    assert "<p><code>x.sum(axis=-1)</code> is a 1×1 layer.</p>" in _outside_details(
        item._repr_html_()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", True, "why"), r"statement must be a non-empty string, got ''"),
        ((None, True, "why"), r"statement must be a non-empty string, got None"),
        (("claim", "yes", "why"), r"answer must be True or False, got 'yes'"),
        (("claim", 1, "why"), r"answer must be True or False, got 1"),
        (("claim", None, "why"), r"answer must be True or False, got None"),
        (("claim", False, ""), r"why must be a non-empty string, got ''"),
        (("claim", False, 3), r"why must be a non-empty string, got 3"),
    ],
)
def test_true_or_false_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        true_or_false(*args)


def test_true_or_false_is_exported_from_the_package():
    import conv1x1_viz as c1

    assert c1.true_or_false is true_or_false
    assert "true_or_false" in c1.__all__
