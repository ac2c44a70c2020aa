"""The code cells of a stored notebook, for tests that run a function the learner reads."""

from __future__ import annotations

import json
import re
from pathlib import Path


def code_cells(path: Path) -> list[dict]:
    """The notebook's code cells, in order."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    """A cell's source as one string."""
    return "".join(cell["source"])


def cell_defining(path: Path, name: str) -> dict:
    """The one code cell that defines function ``name`` (found by its ``def`` line)."""
    line = re.compile(rf"^def {re.escape(name)}\(", re.M)
    found = [c for c in code_cells(path) if line.search(source(c))]
    assert len(found) == 1, f"{Path(path).name} must define {name} in exactly one cell"
    return found[0]
