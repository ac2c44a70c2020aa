import pytest

from conv1x1_viz.exercises import check_prediction


def test_no_guess_prints_the_answer(capsys):
    assert check_prediction(None, 32832, "why") is None
    text = capsys.readouterr().out
    assert text.startswith("No guess yet")
    assert "The answer is 32,832. why" in text


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


def test_bad_tolerance():
    with pytest.raises(ValueError, match=r"rel_tol must be a number with 0 ≤ rel_tol < 1"):
        check_prediction(1, 1, "why", rel_tol=2)
