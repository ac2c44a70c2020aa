"""The README's picture of an explorer is what the code draws now, pixel for pixel.

``docs/images/explorer.png`` is a ParamExplorer at its defaults (the tutorial's reduction),
as a reader without a kernel sees it: the saved picture with its readout under it
(:func:`~conv1x1_viz.explorers.animation.animation_frame`). When a change to the drawing or
the readout makes this test fail, draw the file again and commit it:

    .venv/bin/python -m tests.test_docs_picture
"""

from pathlib import Path

import numpy as np
from PIL import Image

PICTURE = Path(__file__).resolve().parents[1] / "docs" / "images" / "explorer.png"
REDRAW = "redraw it: .venv/bin/python -m tests.test_docs_picture"


def explorer_picture() -> Image.Image:
    from conv1x1_viz.explorers import ParamExplorer
    from conv1x1_viz.explorers.animation import animation_frame

    return animation_frame(ParamExplorer())


def test_the_readmes_explorer_picture_is_what_the_code_draws_now():
    committed = np.asarray(Image.open(PICTURE).convert("RGB"))
    drawn = np.asarray(explorer_picture())
    assert committed.shape == drawn.shape, REDRAW
    assert np.array_equal(committed, drawn), REDRAW


if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    PICTURE.parent.mkdir(parents=True, exist_ok=True)
    explorer_picture().save(PICTURE, optimize=True)
    print(f"wrote {PICTURE} ({PICTURE.stat().st_size:,} bytes)")
