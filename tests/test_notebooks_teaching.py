"""What the notebooks teach, read from the stored files.

Slips a close reading once found must not come back; conventions are stated where the
learner reads them; no exercise shows its answer unasked; every question closes with a
folded worked solution; and notebook 07's table lists every reader question with a link
to where it is answered.
"""

import ast
import json
import re

import pytest

from tests.test_notebooks_stored import NOTEBOOKS

NOTEBOOK_DIR = NOTEBOOKS[0].parent
DETAILS = re.compile(r"<details>(.*?)</details>", re.S)


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _joined(value):
    return "".join(value) if isinstance(value, list) else value


def _outputs(cell):
    return cell.get("outputs", []) if cell["cell_type"] == "code" else []


def _texts(path):
    """Every text a reader meets: markdown, code, printed and displayed outputs."""
    for cell in _cells(path):
        yield _joined(cell["source"])
        for out in _outputs(cell):
            if "text" in out:
                yield _joined(out["text"])
            for mime in ("text/plain", "text/markdown", "text/html"):
                if mime in out.get("data", {}):
                    yield _joined(out["data"][mime])


def _sentences(text):
    flat = re.sub(r"\s+", " ", text)
    return re.split(r"(?<=[.!?:;])\s+(?=[A-Z*(`\"'“])", flat)


# A phrase, and what must be in the same sentence for it to be true (None: never true).
SLIPS = [
    # 03 once said that NiN "and every architecture after it" put a ReLU after 1×1 layers.
    (r"every architecture after it", None),
    # Filter depth is fixed by the input only in a standard, ungrouped convolution.
    (r"not something you choose", r"standard|ungrouped"),
    (r"always reaches through|always as deep as|always the depth of", r"standard|ungrouped"),
    # On a logarithmic axis a ratio is a difference of lengths, not a length.
    (r"equal ratios look equally long", None),
    # Only an invertible matrix keeps all the information (and a ReLU after it may lose some).
    (r"view of the same information", r"invertible"),
    # A ReLU after an invertible 1×1 layer can lose what it zeroes, but need not: 04 shows
    # W = I on non-negative maps, and [I, −I], for which x = ReLU(x) − ReLU(−x).
    (r"after the ReLU no longer determine", None),
    (r"and only before the ReLU", None),
    (r"ReLU between them gives something", None),
    # Network in Network introduced the 1×1 layer as a per-pixel MLP; cutting cost came with
    # GoogLeNet (05).
    (r"\binvented (?:to|for)\b", None),
    # The 1×1 layer is the k = 1 case of the k×k convolution, as every formula treats it.
    (r"not a special case of the k×k", None),
    # For a 1×1 kernel, padding changes nothing; "same" is not why the size is kept.
    (r"""1×1 (?:layer|filter) with ['"“`]*same['"”`]* padding""", None),
    (r"""['"“`]*same['"”`]* padding,? (?:and stride 1 )?keeps""", r"whatever|any padding|valid"),
    # 06 measured a wide 1×1 layer at the highest rate: narrow layers are the slow ones.
    (r"1×1 layer runs at a lower rate", r"narrow"),
    # 06 called 60 % of the k×k layers' rate close, and set a 1×1 layer's time, measured on its
    # own, against a branch's measured at another moment (the two layers took longer than both).
    (r"close to the k×k layers", None),
    (r"takes about \S+ of the reduced branch's time", None),
    # No convolution mirrors a general image: it is translation-equivariant, mirroring is not.
    (r"twice as wide as the image", None),
    # 07's SRCNN ratio was of weights, beside a table of MACs that gives another one.
    (r"make every output pixel [\d.]+ times as costly", None),
    # Mask R-CNN does instance segmentation; the tutorial's author said semantic, uncorrected.
    (r"Mask R-?CNN[^.]*semantic segmentation", r"wrong|instance|answered"),
    # A one-to-one projection is a C×C linear map of each pixel's channels: no translation.
    (r"(?:term|means?|meaning) (?:to mean )?translation", r"wrong|said"),
    # 08: 1×1 layers do 22 % of InceptionV3's MACs, about half of ResNet50's.
    (r"they do most of the work", r"MobileNet|depthwise"),
    (r"layers doing most of the work", None),
    # 08 asked for two decimal places and accepted only answers within 2 %.
    (r"two decimal places are enough", None),
    # "1×1 reduction, then k×k" is a low-rank k×k kernel only when the reduction is linear;
    # GoogLeNet's has a ReLU, and then no single k×k kernel matches the pair (05).
    (r"reduction,? (?:then|followed by) (?:a )?k×k[^.;]*low[- ]rank", r"linear"),
    (r"read a (?:1×1 )?reduction as a low-rank", None),
    (r"\bthen \d×\d\W*\s*\*?is\*? a \d×\d layer", r"linear"),
    (r"learns?\b[^.;]*kernels of rank", r"linear"),
    # A parameter count is not a cost of compute; reuse makes one weight cost many MACs.
    (r"parameters are cheap to compute with", None),
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_slips_do_not_come_back(path):
    found = []
    for text in _texts(path):
        for sentence in _sentences(text):
            for phrase, unless in SLIPS:
                if re.search(phrase, sentence, re.I) and not (
                    unless and re.search(unless, sentence, re.I)
                ):
                    found.append(sentence[:160])
    assert found == []


def test_slip_patterns_catch_the_old_sentences():
    old = [
        "This is why Network in Network and every architecture after it put a ReLU after them.",
        "The depth of a filter is not something you choose: it is the depth of the input.",
        "The bars below show the two designs (the axis is logarithmic, so equal ratios look "
        "equally long).",
        "Any other 512×512 matrix remixes the maps, just a different view of the same information.",
        "A 1×1 layer with 'same' padding and stride 1 keeps the height and width.",
        "Explain why a 1×1 layer runs at a lower rate than a 5×5 layer.",
        "The wide 1×1 layer runs at a higher rate than both (on the machine that stored this "
        "notebook, close to the k×k layers').",
        "the 1×1 layer takes about 50% of the reduced branch's time",
        "A k×k layer could do it only with a window about twice as wide as the image.",
        "A 5×5 middle layer would make every output pixel 7.1 times as costly.",
        "Typically a method such as Mask RCNN is used for semantic segmentation of images.",
        "One-to-one projection is a mathematical term to mean translation.",
        "In the networks people ship today, 1×1 layers are no trick: they do most of the work.",
        "find the 1×1 layers doing most of the work in MobileNet, ResNet, DenseNet, EfficientNet",
        "Answer with a decimal, e.g. 0.5 (two decimal places are enough).",
        "Even with an invertible matrix, the maps after the ReLU no longer determine the input.",
        "A projection keeps all the information only if its matrix is invertible, and only "
        "before the ReLU.",
        "Without an activation, two 1×1 layers equal one; a ReLU between them gives something "
        "no single matrix reproduces.",
        "This notebook shows the problem a 1×1 layer was invented to solve.",
        "A 1×1 layer is not a special case of the k×k convolution: it is the piece every k×k "
        "convolution is built from.",
    ]
    for sentence in old:
        assert any(
            re.search(p, sentence, re.I) and not (u and re.search(u, sentence, re.I))
            for p, u in SLIPS
        ), sentence


def test_cost_bars_are_drawn_on_a_linear_scale():
    # A ratio shows honestly as a ratio of lengths only on a linear axis. Every call is
    # read (one the pattern missed would fail the count), and the course has some.
    sources = [_joined(c["source"]) for path in NOTEBOOKS for c in _cells(path)]
    calls = [
        call
        for source in sources
        for call in re.findall(r"draw_cost_comparison\((.*?)\)\n", source, re.S)
    ]
    assert len(calls) == sum(s.count("draw_cost_comparison(") for s in sources) > 0
    for call in calls:
        assert "log=False" in call, call[:120]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_keep_their_answers_folded(path):
    checks = [c for c in _cells(path) if "check_prediction(" in _joined(c["source"])]
    for cell in checks:
        tags = cell["metadata"].get("tags", [])
        for out in _outputs(cell):
            printed = _joined(out.get("text", ""))
            assert "The answer is" not in printed
            data = out.get("data", {})
            if "text/html" not in data or "nbval-ignore-output" in tags:
                continue
            html, plain = _joined(data["text/html"]), _joined(data["text/plain"])
            assert plain.startswith("No guess yet")
            assert "The answer is" not in plain
            hidden = "".join(DETAILS.findall(html))
            assert "The answer is" in hidden
            assert "The answer is" not in DETAILS.sub("", html)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checking_code_is_folded_in_jupyterlab(path):
    # The explanation passed to check_prediction often states the answer in words.
    for cell in _cells(path):
        source = _joined(cell["source"])
        if "check_prediction(" in source:
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, source[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_says_its_numbers_instead_of_pointing_at_them(path):
    # "Wins by the ratio printed above": a sentence that needs a number renders it from code.
    markdown = " ".join(_joined(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    pointers = r"(?:ratio|amount|count|number) printed above|says by how much|by the amount"
    assert re.findall(pointers, re.sub(r"\s+", " ", markdown)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_folded_text_stays_out_of_plain_text(path):
    for cell in _cells(path):
        for out in _outputs(cell):
            data = out.get("data", {})
            for inner in DETAILS.findall(_joined(data.get("text/html", ""))):
                body = re.sub(r"<[^>]+>", "", inner.split("</summary>", 1)[-1]).strip()
                assert body[:60] not in _joined(data.get("text/plain", ""))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_question_to_try_has_a_folded_worked_solution(path):
    cells = _cells(path)
    start = next(
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown" and "## A question to try" in _joined(c["source"])
    )
    htmls = [
        _joined(out["data"]["text/html"])
        for c in cells[start + 1 :]
        for out in _outputs(c)
        if "text/html" in out.get("data", {})
    ]
    assert any("<summary>Show a worked solution</summary>" in h for h in htmls)


def _notebook(prefix):
    return next(p for p in NOTEBOOKS if p.name.startswith(prefix))


def _all_text(path):
    return re.sub(r"\s+", " ", "\n".join(_texts(path)))


def test_conventions_are_stated_where_the_learner_counts():
    for prefix in ("00", "02"):
        text = _all_text(_notebook(prefix))
        assert re.search(r"counted once", text), prefix
        assert re.search(r"[Bb]ias(es| additions) (are )?not counted in MACs", text), prefix
        assert re.search(r"FLOPs[^.]*2 × MACs", text), prefix


def test_seed_slips_are_flagged_in_the_open():
    text = _all_text(_notebook("05"))
    # The article's "120.422 million operations" are multiply-accumulates.
    assert re.search(r"120\.422 million operations\S* They are multiply-accumulates", text)
    # The tutorial's "5×5 and 7×7" reductions, and its pooling projection that "increases".
    assert re.search(r"5×5 and\s+7×7[^.]*\. That is a slip", text)
    assert re.search(r"\*increase\*[^.]*\. In inception \(3a\) it does the opposite", text)
    assert "about one million" in _all_text(_notebook("02"))


# One key phrase per question in the tutorial's comments (07's index may list them in any order).
READER_QUESTIONS = [
    "temporal convolution network",
    "semantic segmentation",
    '"dynamic" pooling',
    "feature maps that each block",
    '"a single weight for each channel"',
    "PyTorch",
    "`Dense(512)`",
    "comparable results",
    '"applied at a depth of 64"',
    "SRCNN",
    "bottleneck residual block",
    "first layer's parameter count",
    "64 maps of 512 channels",
    "another site's question",
    "as deep as its input",
    "42",
    "1×1 layer arrive at its parameter count",
    "algorithm computes a 1×1 convolution",
    '"one-to-one projection"',
    "`tensor.sum(axis)`",
]
# JupyterLab 4 names a heading's anchor after its text, but the link's fragment arrives
# percent-encoded: a heading with "·" or "×" in it cannot be reached by its text. A cell id
# can (JupyterLab reads "#cell-id=…"; the static site gives every cell that id).
INDEX_LINK = re.compile(r"\[([^\]]+)\]\(((?:\d\d_\w+\.ipynb)?)#cell-id=([\w-]+)\)")


def _headings(path):
    """The notebook's section titles, a deep dive's without its "Deep dive · " mark."""
    text = "\n".join(_joined(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    titles = [re.sub(r"^#+\s*", "", h).strip() for h in re.findall(r"^#{2,3} .*$", text, re.M)]
    return [t.removeprefix("Deep dive · ") for t in titles]


def _cell_headings(cell):
    """The headings of one markdown cell, without a "Deep dive · " mark."""
    found = re.findall(r"^#{1,4} (.*)$", _joined(cell["source"]), re.M)
    return [re.sub(r"^Deep dive · ", "", h.strip()) for h in found]


def _index_of_07():
    path = _notebook("07")
    index = next(
        _joined(c["source"])
        for c in _cells(path)
        if c["cell_type"] == "markdown"
        and "## The questions, and where they are answered" in _joined(c["source"])
    )
    return path, [line for line in index.splitlines() if line.startswith("- ") and "→" in line]


def test_07_index_has_one_line_per_reader_question():
    _, lines = _index_of_07()
    assert len(lines) == len(READER_QUESTIONS)
    for key in READER_QUESTIONS:
        assert len([line for line in lines if key in line.split("→")[0]]) == 1, key


@pytest.mark.parametrize("key", READER_QUESTIONS)
def test_07_index_links_each_question_to_its_answer(key):
    path, lines = _index_of_07()
    line = next(line for line in lines if key in line.split("→")[0])
    where = line.split("→", 1)[1]
    links = INDEX_LINK.findall(where)
    assert len(links) == where.count("]("), f"a link that is not to a cell id: {where}"
    if not links:
        assert "not about 1×1 layers" in where, line
    for text, target, cell_id in links:
        target_path = NOTEBOOK_DIR / target if target else path
        assert target_path.exists(), target
        cell = next((c for c in _cells(target_path) if c.get("id") == cell_id), None)
        assert cell is not None and cell["cell_type"] == "markdown", (target, cell_id)
        headings = _cell_headings(cell)
        if target:  # [04 · Where the counts come from](04_….ipynb#cell-id=…)
            prefix, title = text.split(" · ", 1)
            assert target.startswith(prefix), (text, target)
            assert any(h.startswith(title) for h in headings), (target, cell_id, title, headings)
        else:  # [§3](#cell-id=…): the cell opens with section 3's heading, where the link lands
            number = re.fullmatch(r"§(\d+)", text)
            assert number, text
            assert _joined(cell["source"]).startswith("## "), cell_id
            assert headings[0].startswith(f"{number[1]} · "), (cell_id, headings)


def test_07_says_which_answers_are_sketches():
    # SRCNN and the TCN block are built and counted but never trained: the heading and the
    # first line of each say so, and the index too.
    path, lines = _index_of_07()
    for key in ("SRCNN", "temporal convolution network"):
        assert next(line for line in lines if key in line).endswith(", a sketch"), key
    for cell in _cells(path):
        source = _joined(cell["source"])
        if cell["cell_type"] == "markdown" and re.match(r"## (8|10) · ", source):
            heading, _, rest = source.partition("\n\n")
            assert "A sketch" in heading, heading
            assert rest.startswith("*A sketch:") and "not trained" in rest.split("*")[1], rest


def test_07_keeps_no_section_that_only_repeats_earlier_notebooks():
    headings = _headings(_notebook("07"))
    assert not any("How deep is a filter" in h for h in headings)
    assert not any("parameter counts come from" in h for h in headings)
    assert not any("How is a 1×1 layer computed" in h for h in headings)


def _outputs_text(cell):
    for out in _outputs(cell):
        if "text" in out:
            yield _joined(out["text"])
        for mime in ("text/plain", "text/markdown"):
            if mime in out.get("data", {}):
                yield _joined(out["data"][mime])


def _exercises(path):
    """Each check cell's index, folded answer, rel_tol and the index of its prompt."""
    cells = _cells(path)
    for i, cell in enumerate(cells):
        source = _joined(cell["source"])
        if cell["cell_type"] != "code" or "check_prediction(" not in source:
            continue
        html = "".join(_joined(o.get("data", {}).get("text/html", "")) for o in _outputs(cell))
        found = re.search(r"The answer is (.+?)\.(?:\s|<|$)", "".join(DETAILS.findall(html)))
        tol = re.search(r"rel_tol=([\d.]+)", source)
        prompt = max(j for j in range(i) if cells[j]["cell_type"] == "markdown")
        yield i, found and found.group(1), float(tol.group(1)) if tol else 0.0, prompt


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prompts_state_the_tolerance_their_check_uses(path):
    # 08 asked for "two decimal places" of 0.0439 and accepted only answers within 2 %.
    cells = _cells(path)
    for _, _, tol, prompt in _exercises(path):
        said = re.findall(r"[Ww]ithin (\d+) ?%", _joined(cells[prompt]["source"]))
        assert [float(n) / 100 for n in said] == ([tol] if tol else []), (path.name, said, tol)


def test_07_srcnn_sentence_gives_the_tables_ratio():
    # The prose once said 7.1 times as costly (a ratio of weights) under a table whose MACs
    # give 5.35: the sentence and the table must come from one computation.
    outputs = [t for c in _cells(_notebook("07")) for t in _outputs_text(c)]
    table = next(t for t in outputs if "MACs, one 33×33 patch" in t)
    rows = re.findall(r"^(srcnn_9_\d_5)\s+[\d,]+\s+[\d,]+\s+([\d,]+)$", table, re.M)
    macs = {name: int(count.replace(",", "")) for name, count in rows}
    ratio = macs["srcnn_9_5_5"] / macs["srcnn_9_1_5"]
    sentence = next(t for t in outputs if t.startswith("Without biases the 9-1-5 network"))
    assert f"only {ratio:.2f} times as costly" in sentence
    assert f"{macs['srcnn_9_5_5']:,} MACs against {macs['srcnn_9_1_5']:,}" in sentence


def test_07_corrects_the_tutorial_authors_wrong_replies():
    text = _all_text(_notebook("07"))
    assert re.search(r"That reply was wrong: Mask R-CNN does \*\*instance\*\* segmentation", text)
    assert "reply in the comments was wrong on both counts" in text
    assert "as many filters as input channels: at every pixel it applies one C×C" in text
    # "Very little difference" between Conv2D 1×1 and Dense, and "the single weight" that makes
    # the whole map: both replies were left standing.
    assert re.search(r'"very little difference"[^.]*\. That reply was wrong', text)
    assert re.search(r'reply in the comments was wrong: it said that "the\s+single weight"', text)


def test_08_share_of_1x1_work_is_computed_not_claimed():
    # 08 once said 1×1 layers "do most of the work" in today's networks; its own table gave
    # 48.9 % for ResNet50, 52.0 % for DenseNet121 and 22.0 % for InceptionV3.
    outputs = [t for c in _cells(_notebook("08")) for t in _outputs_text(c)]
    table = next(t for t in outputs if t.startswith("network ") and "1×1 share" in t)
    share = dict(re.findall(r"^(\w+)\s.*\s([\d.]+%)$", table, re.M))
    sentence = next(t for t in outputs if t.startswith("How much of the work the 1×1 layers do"))
    for name in ("MobileNet", "MobileNetV2", "EfficientNetB0", "ResNet50", "DenseNet121"):
        assert share[name] in sentence, name
    assert f"{share['InceptionV3']}, about a fifth" in sentence
    assert 15 < float(share["InceptionV3"][:-1]) < 25


def test_explain_why_questions_keep_their_model_answers_folded():
    # Three or more questions answered in words, one of them on the ReLU after a reduction;
    # each shows its model answer folded, never in the plain text nbval compares.
    asked = []
    for path in NOTEBOOKS:
        cells = _cells(path)
        for i, cell in enumerate(cells):
            if cell["cell_type"] != "code" or "c1.explain_why(" not in _joined(cell["source"]):
                continue
            prompt = _joined(cells[i - 1]["source"])
            assert prompt.startswith("### Explain why"), (path.name, i)
            data = [o.get("data", {}) for o in _outputs(cell)]
            plain = "".join(_joined(d.get("text/plain", "")) for d in data)
            html = "".join(_joined(d.get("text/html", "")) for d in data)
            assert "“Show a model answer” is folded here" in plain, (path.name, i)
            assert "<summary>Show a model answer</summary>" in html
            assert DETAILS.sub("", html).count("<p>") == 1  # only the lead outside the fold
            asked.append((path.name, prompt))
    assert len(asked) >= 3
    assert any(name.startswith("05") and "ReLU" in prompt for name, prompt in asked)


def _writes_only_a_sentence(source):
    """Whether a cell ends in ``Sentence(...)`` after at most two lines that feed it."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    last = body[-1] if body else None
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and getattr(last.value.func, "id", getattr(last.value.func, "attr", None)) == "Sentence"
        and len(body) <= 3
    )


def test_cells_that_only_write_prose_show_their_output_not_their_source():
    # The learner reads the sentence, not the f-string that writes it (issue: code a learner
    # reads is code worth reading); a click on the fold shows the code.
    found = [
        (path.name, i, cell["metadata"].get("jupyter", {}).get("source_hidden") is True)
        for path in NOTEBOOKS
        for i, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code" and _writes_only_a_sentence(_joined(cell["source"]))
    ]
    assert len(found) >= 10
    assert [(name, i) for name, i, hidden in found if not hidden] == []


# A number typed into the prose of the deep-dive notebooks must be one their code or outputs
# hold: a setting the code uses (a learning rate, a number of seeds), a count it printed, a
# figure from a paper that a cell compares with. What is not a quantity is left out first.
# The check is coarse (the number may be held anywhere in the notebook), but a figure typed
# from memory, or left behind when the code changed, is caught.
NOT_A_QUANTITY = [
    r"(?i)notebooks? 0\d(?:[–-]0\d)?",  # notebook 05, notebooks 01–05
    r"\b0\d(?= · )",  # a notebook's number in a title or a link's text: 06 · Deep dive
    r"\(0\d_\w+\.ipynb[^)]*\)",  # a link's target
    r"\b(?:19|20)\d\d\b",  # a year
    r"§\d+|^#+ \d+ · ",  # a section of 07
    r"about \d+ minutes",  # the reading time, checked by tests/test_deep_dive_notebooks.py
    r"[Ww]ithin \d+ ?%",  # a tolerance, checked against its check by a test above
    r"e\.g\. [\d.]+",  # an example of the format an answer takes
]
TYPED_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _typed_numbers(markdown):
    for pattern in NOT_A_QUANTITY:
        markdown = re.sub(pattern, " ", markdown, flags=re.M)
    return [n.rstrip(".,") for n in TYPED_NUMBER.findall(markdown)]


def test_typed_numbers_are_found_by_pattern():
    text = "## 3 · Three\n\nNotebook 05 (2014) used 8 maps, e.g. 12, within 25 %, and 0.005."
    assert _typed_numbers(text) == ["8", "0.005"]


@pytest.mark.parametrize("prefix", ["06", "07", "08"])
def test_deep_dive_prose_types_only_numbers_its_code_holds(prefix):
    cells = _cells(_notebook(prefix))
    held = "\n".join(
        [_joined(c["source"]) for c in cells if c["cell_type"] == "code"]
        + [t for c in cells for t in _outputs_text(c)]
    )
    known = {n.replace(",", "") for n in TYPED_NUMBER.findall(held)}
    typed = [
        (c["id"], n)
        for c in cells
        if c["cell_type"] == "markdown"
        for n in _typed_numbers(_joined(c["source"]))
    ]
    assert [(cid, n) for cid, n in typed if n.replace(",", "") not in known] == []
