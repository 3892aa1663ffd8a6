"""Write the notebook tables of README.md and docs/instructor-guide.md, and the README's gallery.

The one writer of the two tables between ``<!-- bench:notebooks:start -->`` and
``<!-- bench:notebooks:end -->``, and of the screenshot gallery between
``<!-- screenshots:start -->`` and ``<!-- screenshots:end -->``. A row per tutorial found in
``notebooks/NN_*.ipynb``: its title and "what you learn" from ``docs/notebooks.toml``, its run
time and peak memory from ``benchmarks/results.json`` (written by ``python -m benchmarks``;
``make bench`` runs both, in that order), or "not measured" until ``make bench`` has run;
its screenshot from ``docs/screenshots/<name>.png`` (``make screenshots``), or a note that
there is none yet. ``make notebooks`` runs this tool after building, so a new notebook needs
no hand edit here.

    python tools/sync_docs_tables.py          # rewrite both tables
    python tools/sync_docs_tables.py --check  # exit 1 if either is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:notebooks:start -->", "<!-- bench:notebooks:end -->"
GALLERY = ("<!-- screenshots:start -->", "<!-- screenshots:end -->")
NOT_MEASURED = "not measured"


def _memory(mb: float) -> str:
    return f"{mb / 1024:.2f} GB" if mb >= 1024 else f"{mb:.0f} MB"


def rows(root: Path) -> tuple[list[dict], list[str]]:
    """One dict per tutorial (stem, title, learn, guide_note, time, memory), and problems."""
    catalog = tomllib.loads((root / "docs" / "notebooks.toml").read_text(encoding="utf-8"))
    results_path = root / "benchmarks" / "results.json"
    results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    measured = {r["notebook"]: r for r in results.get("notebooks", {}).get("rows", [])}
    out, problems = [], []
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        entry = catalog.get(path.stem)
        if entry is None:
            problems.append(f"{path.name} has no entry in docs/notebooks.toml: add one")
            entry = {"title": path.stem, "learn": ""}
        row = measured.get(f"notebooks/{path.name}")
        if row is None or row["seconds"] is None:  # a new notebook: make bench measures it
            time, memory = NOT_MEASURED, NOT_MEASURED
        else:
            time, memory = f"{row['seconds']:.0f} s", _memory(row["peak_rss_mb"])
        out.append({"name": path.name, **entry, "time": time, "memory": memory})
    return out, problems


BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def _span(values: list[float]) -> str:
    low, high = f"{min(values):.2f}", f"{max(values):.2f}"
    return low if low == high else f"{low}–{high}"


def footer(root: Path) -> str:
    """Where, when and on which Keras backend the run times were measured; and, when
    ``make bench`` measured other backends' training speed, how they compare."""
    results_path = root / "benchmarks" / "results.json"
    results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    part = results.get("notebooks")
    if not part:
        return "Not measured yet: run `make bench`."
    backend = part.get("backend", "tensorflow")  # results before 0.3 were all TensorFlow's
    default = " (the default)" if backend == "tensorflow" else ""
    text = (
        f"Measured by `make bench` on {part['measured']}, on {part['machine'].split(';')[0]}, "
        f"with Keras's {BACKEND_NAMES.get(backend, backend)} backend{default}: each notebook "
        "run headless from a fresh kernel, TensorFlow import included; memory is the "
        "kernel's peak resident set."
    )
    rows = results.get("training", {}).get("rows", []) if backend == "tensorflow" else []
    first = {
        r["model"]: r["first_epoch_s"]
        for r in rows
        if r["backend"] == backend and r["setting"] == "defaults"
    }
    ratios: dict[str, list[float]] = {}  # time per epoch relative to TensorFlow's defaults
    firsts: dict[str, list[float]] = {}  # the first epoch (compiling included), likewise
    for row in rows:
        if row["backend"] != backend and row["setting"] == "defaults" and row["time_ratio"]:
            ratios.setdefault(row["backend"], []).append(row["time_ratio"])
            if row["model"] in first:
                firsts.setdefault(row["backend"], []).append(
                    row["first_epoch_s"] / first[row["model"]]
                )
    for other, values in ratios.items():
        text += (
            f" On {BACKEND_NAMES.get(other, other)}, the notebooks' models train in "
            f"{_span(values)} of {BACKEND_NAMES.get(backend, backend)}'s time per epoch"
        )
        if firsts.get(other):
            text += f", after a first epoch (compiling) {_span(firsts[other])} times as long"
        text += " (`benchmarks/results.md`)."
    return text


def readme_table(table_rows: list[dict], foot: str) -> str:
    lines = [
        "| notebook | what you learn | run time | peak memory |",
        "| --- | --- | --- | --- |",
    ]
    for r in table_rows:
        link = f"[{r['title']}](notebooks/{r['name']})"
        lines.append(f"| {link} | {r['learn']} | {r['time']} | {r['memory']} |")
    return "\n".join([*lines, "", foot])


def guide_table(table_rows: list[dict], foot: str) -> str:
    lines = ["| notebook | run time | peak memory |", "| --- | ---: | ---: |"]
    for r in table_rows:
        title = r["title"] + (f", {r['guide_note']}" if r.get("guide_note") else "")
        lines.append(f"| [{title}](../notebooks/{r['name']}) | {r['time']} | {r['memory']} |")
    return "\n".join([*lines, "", foot])


def gallery(table_rows: list[dict], root: Path) -> str:
    """The README's screenshots, two to a row, each captioned with its title."""
    cells = []
    for r in table_rows:
        image = f"docs/screenshots/{r['name'].removesuffix('.ipynb')}.png"
        if (root / image).is_file():
            cells.append((f"![{r['title']} in JupyterLab]({image})", r["title"]))
        else:
            cells.append(("(no screenshot yet: `make screenshots`)", r["title"]))
    lines = ["| | |", "| --- | --- |"]
    for i in range(0, len(cells), 2):
        pair = cells[i : i + 2] + [("", "")] * (2 - len(cells[i : i + 2]))
        lines.append(f"| {pair[0][0]} | {pair[1][0]} |")
        lines.append(f"| {pair[0][1]} | {pair[1][1]} |")
    return "\n".join(lines)


def replace_block(text: str, body: str, name: str, marks: tuple[str, str] = (START, END)) -> str:
    match = re.search(re.escape(marks[0]) + r"\n(.*?)" + re.escape(marks[1]), text, re.S)
    if match is None:
        raise SystemExit(f"{name} has no {marks[0]} ... {marks[1]} block")
    return text[: match.start(1)] + body + "\n" + text[match.end(1) :]


def render(root: Path = ROOT) -> tuple[dict[Path, str], list[str]]:
    """New text of README.md and the guide, and the problems found."""
    table_rows, problems = rows(root)
    foot = footer(root)
    out = {}
    for rel, table in (
        ("README.md", readme_table),
        ("docs/instructor-guide.md", guide_table),
    ):
        path = root / rel
        out[path] = replace_block(path.read_text(encoding="utf-8"), table(table_rows, foot), rel)
    readme = root / "README.md"
    out[readme] = replace_block(out[readme], gallery(table_rows, root), "README.md", GALLERY)
    return out, problems


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    texts, problems = render(root)
    stale = [p for p, text in texts.items() if p.read_text(encoding="utf-8") != text]
    for problem in problems:
        print(problem)
    if args.check:
        for p in stale:
            print(
                f"{p.relative_to(root)}: the notebook table is out of date: "
                "run `python tools/sync_docs_tables.py`"
            )
        return 1 if stale or problems else 0
    for p in stale:
        p.write_text(texts[p], encoding="utf-8")
        print(f"wrote the notebook table of {p.relative_to(root)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
