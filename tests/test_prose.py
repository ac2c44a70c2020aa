import re

import pytest

from conv1x1_viz.prose import Folded, Sentence, markup


def test_sentence_plain_text_is_the_sentence():
    sentence = Sentence("The layer has **1,040** parameters.")
    assert repr(sentence) == "The layer has **1,040** parameters."
    assert sentence._repr_markdown_() == repr(sentence)


def test_folded_hides_its_body_from_plain_text():
    folded = Folded("r = **440**, from `3649·r + 64`.", "Show a worked solution", lead="Try first.")
    plain = repr(folded)
    assert "440" not in plain and "3649" not in plain
    assert plain.startswith("Try first.")
    assert "Show a worked solution" in plain
    html = folded._repr_html_()
    outside = re.sub(r"<details>.*?</details>", "", html, flags=re.S)
    assert "440" in html and "440" not in outside
    assert "<summary>Show a worked solution</summary>" in html
    assert "<code>3649·r + 64</code>" in html


def test_markup_blocks_and_escaping():
    html = markup("A *word* & `a<b`.\n\n- one\n- **two**\n\n    x = 1\n    y = x < 2")
    assert html.split("\n")[0] == "<p>A <em>word</em> &amp; <code>a&lt;b</code>.</p>"
    assert "<ul><li>one</li><li><strong>two</strong></li></ul>" in html
    assert "<pre>x = 1\ny = x &lt; 2</pre>" in html


def test_markup_keeps_products_written_with_stars():
    # 3 * 4 is arithmetic, not emphasis.
    assert markup("3 * 4 * 5") == "<p>3 * 4 * 5</p>"


@pytest.mark.parametrize("bad", ["", None, 3])
def test_bad_text(bad):
    with pytest.raises(ValueError, match="must be a non-empty string"):
        Folded(bad)
    with pytest.raises(ValueError, match="must be a non-empty string"):
        Sentence(bad)


def test_bad_lead():
    with pytest.raises(ValueError, match="lead must be a string"):
        Folded("body", lead=None)
