"""No exercise shows its answer before it asks its question.

Every predict-then-check exercise calls ``check_prediction(guess, answer, ...)``; with no
guess, the stored output of that call holds the answer folded behind "Show the answer".
These tests read each answer from there, find the exercise's prompt (the last markdown cell
before the cell where the learner writes the guess) and check that nothing a reader sees
above the prompt (markdown, printed and displayed outputs, folded text left out) shows the
answer, written as the notebooks write numbers: 525,312, (256, 256, 1024), 256×256×1024.
"""

import ast
import html
import json
import re

import pytest

from tests.test_notebooks_stored import NOTEBOOKS

DETAILS = re.compile(r"<details>.*?</details>", re.S)
FOLDED_ANSWER = re.compile(r"<summary>Show the answer</summary>\s*<p>The answer is (.*?)\.\s", re.S)
TAG = re.compile(r"<[^>]+>")
# Not part of a longer number on either side: 4 is not found in 14, 0.4, 1,024 or 4.5.
BEFORE = r"(?<![\d.,])"
AFTER = r"(?![\d]|[.,]\d)"

MISSING = object()  # an exercise whose stored check shows no folded answer


def _joined(value):
    return "".join(value) if isinstance(value, list) else value


def _visible_texts(cell):
    """What a reader sees of a cell: markdown, or outputs with folded parts left out."""
    if cell["cell_type"] == "markdown":
        yield _joined(cell["source"])
        return
    for out in cell.get("outputs", []):
        if "text" in out:
            yield _joined(out["text"])
        data = out.get("data", {})
        for mime in ("text/plain", "text/markdown"):
            if mime in data:
                yield _joined(data[mime])
        if "text/html" in data:
            yield html.unescape(TAG.sub(" ", DETAILS.sub(" ", _joined(data["text/html"]))))


def _number(text):
    return rf"{BEFORE}{re.escape(text)}{AFTER}"


def answer_patterns(answer):
    """Regular expressions for the ways a notebook would show ``answer``.

    A count of 100 or more is looked for as written, with and without thousands
    separators. A smaller whole number is too common to look for alone (4 is in every
    "4 filters"), so it is looked for as a factor: ×4, 4×, 4 times, 4-fold, and from 2 to 10
    as its reciprocal, 0.25 or 1/4. A float is looked for as written; a tuple of whole numbers
    as a tuple and as a shape such as 256×256×1024.
    """
    if isinstance(answer, bool) or isinstance(answer, str):
        return [re.escape(str(answer))]
    if isinstance(answer, int):
        n = abs(answer)
        if n >= 100:
            return [_number(f"{n:,}"), _number(str(n))]
        patterns = [
            rf"(?<![\d.,×·]){n}\s?×(?!\s?\d)",
            rf"(?<![\d.,])(?<!\d\s)×\s?{n}{AFTER}",
            rf"{BEFORE}{n}(?: times\b|-fold)",
            rf"factor of {n}{AFTER}",
        ]
        if 1 < n <= 10:
            patterns += [_number(f"1/{n}")] + [_number(f"{1 / n:{f}}") for f in (".2f", ".3g")]
        return patterns
    if isinstance(answer, float):
        return [_number(repr(answer))]
    if isinstance(answer, tuple):
        parts = [str(p) for p in answer]
        patterns = [r"\(\s*" + r",\s*".join(map(re.escape, parts)) + r",?\s*\)"]
        if all(isinstance(p, int) for p in answer):
            patterns.append(_number("×".join(parts)))
        return patterns
    raise TypeError(f"no way to look for an answer of type {type(answer).__name__}")


def _parse(shown):
    """The answer as check_prediction showed it: 525,312 → 525312, '(256, 256, 1024)' → tuple."""
    shown = html.unescape(shown).strip()
    if re.fullmatch(r"-?\d{1,3}(?:,\d{3})+", shown):
        return int(shown.replace(",", ""))
    try:
        return ast.literal_eval(shown)
    except (ValueError, SyntaxError):
        return shown


def _guess_names(source):
    """The guess variable of every check_prediction call in a cell, in the order of the calls."""
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "check_prediction"
    ]
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    return [ast.unparse(call.args[0]) for call in calls]


def exercises(cells):
    """Each exercise as (guess variable, answer, index of its prompt cell, index of its check)."""
    found = []
    for i, cell in enumerate(cells):
        source = _joined(cell["source"])
        if cell["cell_type"] != "code" or "check_prediction(" not in source:
            continue
        names = _guess_names(source)
        answers = [
            _parse(a)
            for out in cell.get("outputs", [])
            for a in FOLDED_ANSWER.findall(_joined(out.get("data", {}).get("text/html", "")))
        ]
        if len(answers) != len(names):  # not executed as committed: no answer to look for
            answers = [MISSING] * len(names)
        for name, answer in zip(names, answers, strict=True):
            assigned = re.compile(rf"^\s*{re.escape(name)}\s*=", re.M)
            guess_cell = max(
                (j for j in range(i) if assigned.search(_joined(cells[j]["source"]))), default=i
            )
            prompt = max(j for j in range(guess_cell) if cells[j]["cell_type"] == "markdown")
            found.append((name, answer, prompt, i))
    return found


def leaks(cells):
    """Where answers show above their prompts: (exercise, guess, answer, cell, excerpt)."""
    found = []
    for k, (name, answer, prompt, check) in enumerate(exercises(cells)):
        if answer is MISSING:
            continue
        patterns = dict.fromkeys(answer_patterns(answer))
        # Above the prompt, and in the checking cell itself (outside its folded answer):
        # 06 once printed its measured speed-up there, above "Show the answer".
        for j in [*range(prompt), check]:
            for text in _visible_texts(cells[j]):
                flat = re.sub(r"\s+", " ", text)
                for pattern in patterns:
                    for match in re.finditer(pattern, flat):
                        excerpt = flat[max(0, match.start() - 50) : match.end() + 30]
                        found.append((k, name, answer, j, excerpt))
    return list(dict.fromkeys(found))


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _cases():
    for path in NOTEBOOKS:
        for k, (name, _, _, _) in enumerate(exercises(_cells(path))):
            yield pytest.param(path, k, id=f"{path.stem[:2]}-{name}")


def test_every_notebook_has_exercises_to_check():
    assert all(exercises(_cells(path)) for path in NOTEBOOKS)


@pytest.mark.parametrize(("path", "k"), list(_cases()))
def test_answer_is_not_shown_above_its_prompt(path, k):
    cells = _cells(path)
    name, answer, prompt, check = exercises(cells)[k]
    assert answer is not MISSING, f"cell {check} stores no folded answer: execute the notebook"
    shown = [(j, excerpt) for i, _, _, j, excerpt in leaks(cells) if i == k]
    assert shown == [], f"the answer {answer!r} shows above the prompt (cell {prompt})"


def test_answer_patterns():
    def found(answer, text):
        return any(re.search(p, text) for p in answer_patterns(answer))

    assert found(525312, "conv_1x1  Conv2D  (256, 256, 1024)  525,312")
    assert found(525312, "count_params() = 525312")
    assert not found(525312, "1,525,312 and 525,3120")
    assert found((256, 256, 1024), "Output shape (256, 256, 1024)")
    assert found((256, 256, 1024), "a 256×256×1024 block")
    assert not found((256, 256, 1024), "(256, 256, 102) and 256×256×10245")
    assert found(4, "the MACs fall ×4") and found(4, "4× fewer") and found(4, "4 times less")
    assert found(4, "MACs × 0.25") and found(4, "a factor of 4")
    assert not found(4, "4 filters of 4×4 on 14 maps, 1×4 = 4, 0.255, 4.5 times")
    assert not found(1, "a 1×1 layer, 11×11 kernels, 1.00")
    assert found(0.886, "its grey is 0.886.") and not found(0.886, "0.8861")
