"""How long the course takes to read: the core path and the deep dives, measured.

The course marks what is off the core path in its headings. A heading whose text starts
with "Deep dive" (after a notebook's number, as in "# 06 · Deep dive · Does it pay?") opens
a deep dive, which runs until the next heading of the same or a higher level; everything
else is the core. A notebook whose title is marked is a deep dive as a whole.

What a learner reads is measured as they meet it:

- **words**: the words of the markdown (a link by its text, not its address), and of the
  output of each cell whose code is folded (a sentence written by code, a check's verdict),
  which the learner reads as prose;
- **lines of code**: the non-blank lines of every code cell whose code shows;
- **code cells**: the cells the learner runs.

Minutes are estimated at 200 words and 15 lines of code a minute. ``python -m
tests.course_path`` prints the table that the README and notebook 00 give.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))

WORDS_A_MINUTE = 200
LINES_A_MINUTE = 15
#: The core path's budget (issue 26): about 45 minutes.
CORE_WORDS = 6_000
CORE_LINES = 250

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
DEEP_DIVE = re.compile(r"^(?:\d\d\s*·\s*)?Deep dive\b")
WORD = re.compile(r"[^\W_]+(?:['’.,-][^\W_]+)*")
LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")  # [text](address)


@dataclass(frozen=True)
class Reading:
    """What a learner reads in one part of a notebook."""

    words: int = 0
    lines: int = 0
    cells: int = 0

    def __add__(self, other: Reading) -> Reading:
        return Reading(self.words + other.words, self.lines + other.lines, self.cells + other.cells)

    @property
    def minutes(self) -> float:
        return self.words / WORDS_A_MINUTE + self.lines / LINES_A_MINUTE


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _words(text: str) -> int:
    """Words a reader reads: a link counts by its text, not its address."""
    return len(WORD.findall(LINK.sub(r"\1", text)))


def _folded_output_words(cell: dict) -> int:
    """Words of what a folded cell shows: its plain text (the same sentence as its HTML)."""
    words = 0
    for out in cell.get("outputs", []):
        if "text" in out:
            words += _words(_text(out["text"]))
        elif "text/plain" in out.get("data", {}):
            words += _words(_text(out["data"]["text/plain"]))
    return words


@dataclass(frozen=True)
class Piece:
    """A cell, or the part of a markdown cell under one heading, and the deep dive it is in."""

    cell: dict
    text: str
    deep_dive: str | None  # the heading that opened the deep dive, or None in the core


def pieces(path: Path) -> Iterator[Piece]:
    """Walk a notebook in order, telling what is core and what is in a deep dive."""
    deep: tuple[int, str] | None = None  # level and text of the heading that opened it
    for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
        source = _text(cell["source"])
        if cell["cell_type"] != "markdown":
            yield Piece(cell, source, deep and deep[1])
            continue
        chunk: list[str] = []
        for line in source.splitlines():
            match = HEADING.match(line)
            if match:
                if chunk:
                    yield Piece(cell, "\n".join(chunk), deep and deep[1])
                chunk = []
                level = len(match.group(1))
                if deep is not None and level <= deep[0]:
                    deep = None
                if deep is None and DEEP_DIVE.match(match.group(2)):
                    deep = (level, match.group(2))
            chunk.append(line)
        if chunk:
            yield Piece(cell, "\n".join(chunk), deep and deep[1])


def reading(piece: Piece) -> Reading:
    """What a learner reads of one piece."""
    cell = piece.cell
    if cell["cell_type"] == "markdown":
        return Reading(words=_words(piece.text))
    if cell["cell_type"] != "code" or not piece.text.strip():
        return Reading()
    if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
        return Reading(words=_folded_output_words(cell), cells=1)
    return Reading(lines=sum(1 for line in piece.text.splitlines() if line.strip()), cells=1)


def measure(path: Path) -> dict[str, Reading]:
    """``{"core": Reading, "deep dive": Reading}`` for one notebook."""
    parts = {"core": Reading(), "deep dive": Reading()}
    for piece in pieces(path):
        parts["core" if piece.deep_dive is None else "deep dive"] += reading(piece)
    return parts


def course() -> dict[str, dict[str, Reading]]:
    """Every notebook's measure, by its name without the suffix."""
    return {path.stem: measure(path) for path in NOTEBOOKS}


def core_path() -> Reading:
    """The whole core path: the core parts of every notebook."""
    total = Reading()
    for parts in course().values():
        total += parts["core"]
    return total


def rounded_minutes(reading: Reading) -> int:
    """Minutes rounded up to a multiple of 5, as the tables give them (0 stays 0)."""
    minutes = reading.minutes
    return 5 * math.ceil(minutes / 5)


def main() -> None:
    print("| notebook | core: words, lines, cells | core min | deep dives min |")
    print("| --- | --- | ---: | ---: |")
    for name, parts in course().items():
        core, deep = parts["core"], parts["deep dive"]
        print(
            f"| `{name}` | {core.words:,}, {core.lines}, {core.cells} | "
            f"{rounded_minutes(core)} | {rounded_minutes(deep)} |"
        )
    total = core_path()
    print(
        f"\ncore path: {total.words:,} words (budget {CORE_WORDS:,}), {total.lines} lines of code "
        f"(budget {CORE_LINES}), {total.cells} code cells, {total.minutes:.0f} minutes"
    )


if __name__ == "__main__":
    main()
