"""Execute notebooks top to bottom, each in a fresh kernel, and save them with their outputs.

    python tools/run_notebooks.py --in-place                 # every notebook under notebooks/
    python tools/run_notebooks.py --in-place notebooks/01_*.ipynb

`make notebooks` runs the first form. Notebooks run in name order (00, 01, ..., then
solutions/), from their own folder, with kernel `python3`. Saved notebooks keep only the
metadata a reader needs, so re-running them gives small diffs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def discover(paths: list[str]) -> list[Path]:
    """The notebooks to run: the given ones, or every notebook under notebooks/."""
    if paths:
        found = [Path(p).resolve() for p in paths]
    else:
        found = sorted(
            p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
        )
    # Top-level tutorials first, in order, then subfolders (solutions) in order.
    return sorted(found, key=lambda p: (len(p.relative_to(ROOT).parts), str(p)))


def tidy(nb: nbformat.NotebookNode) -> None:
    """Drop per-run metadata and pin the kernelspec to python3."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.metadata.pop("collapsed", None)


def run(path: Path, timeout: int, in_place: bool) -> float:
    nb = nbformat.read(path, as_version=4)
    tidy(nb)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    elapsed = time.perf_counter() - start
    tidy(nb)
    if in_place:
        nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks to run (default: all)")
    parser.add_argument("--in-place", action="store_true", help="save outputs into the files")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout, seconds")
    args = parser.parse_args(argv)
    for path in discover(args.paths):
        print(f"running {path.relative_to(ROOT)} ...", flush=True)
        elapsed = run(path, args.timeout, args.in_place)
        print(f"  done in {elapsed:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
