"""``python -m conv1x1_viz.static_site [--notebooks DIR] [--out DIR]``: build the site."""

from __future__ import annotations

import argparse
from pathlib import Path

from conv1x1_viz.static_site import build_site


def main() -> None:
    """Build the site and say what was written."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--out", type=Path, default=Path("site"))
    args = parser.parse_args()
    report = build_site(args.notebooks, args.out)
    for page in report.pages:
        live = report.explorers[page.name]
        static = report.static[page.name]
        kept = f", {static} kept as saved pictures" if static else ""
        print(f"{page}: {len(live)} live explorers{kept}")
    print(f"{args.out / 'index.html'}: the contents ({report.seconds:.1f} s)")


if __name__ == "__main__":
    main()
