"""Small copies of the browser test's screenshots, for the README.

The browser test (``make browser``, part of ``make test``) saves a full-size screenshot of
each tutorial notebook, executed in JupyterLab, to ``build/screenshots/`` (ignored by git).
This script shrinks each to ``docs/screenshots/<notebook>.png`` (640 px wide, a 64-colour
palette, typically under 100 kB), which the README shows.

    make browser && python tools/screenshots.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "build" / "screenshots"
DEST = ROOT / "docs" / "screenshots"
WIDTH = 640
COLOURS = 64


def shrink(src: Path, dest: Path) -> int:
    """Write a small copy of ``src`` to ``dest``; return its size in bytes."""
    with Image.open(src) as img:
        img = img.convert("RGB")
        height = round(img.height * WIDTH / img.width)
        small = img.resize((WIDTH, height), Image.Resampling.LANCZOS)
        small = small.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
        small.save(dest, optimize=True)
    return dest.stat().st_size


def main() -> int:
    tutorials = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [t for t in tutorials if not (SOURCE / f"{t}.png").exists()]
    if missing:
        print(f"no screenshot in {SOURCE} for: {', '.join(missing)}; run `make browser` first")
        return 1
    DEST.mkdir(parents=True, exist_ok=True)
    for t in tutorials:
        size = shrink(SOURCE / f"{t}.png", DEST / f"{t}.png")
        print(f"docs/screenshots/{t}.png: {size / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
