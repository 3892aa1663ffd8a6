"""Build the notebooks from their text sources: the one tool that writes ``notebooks/**.ipynb``.

Every notebook has one source, a jupytext percent file, and that source is what people edit:

    notebooks/src/<name>.py                        -> notebooks/<name>.ipynb
    notebooks/src/solutions/<name>_solutions.py    -> notebooks/solutions/<name>_solutions.ipynb

For each source the build

1. adds the Binder and Colab badges under the title and the Colab-only install cell (tagged
   ``colab-install``) before the first code cell, from ``[tool.lstm-tutorial]`` in
   pyproject.toml (and refreshes the README's badges);
2. in a tutorial, copies the cells tagged ``exercise`` and ``starter`` from its solutions
   source, in order, right after its ``## Exercises`` heading;
3. executes the notebook top to bottom in a fresh ``python3`` kernel, from the notebook's
   own folder (the environment, e.g. ``LSTM_HELPERS_DATA``, is passed through);
4. writes the ``.ipynb`` with only the metadata a reader needs (cell ids from the cell's
   content, no timings, no Python patch version), so rebuilding gives small diffs. Outputs
   are saved as the kernel printed them, exactly what a learner sees: nothing is filtered
   (TensorFlow's C++ start-up lines are silenced in the notebooks themselves, and
   tests/project/test_tf_log_lines.py fails on any that reach a saved output). A cell that
   raises stops the build, and nothing is written.

    python tools/build_notebooks.py                      # build every notebook (make notebooks)
    python tools/build_notebooks.py 01                   # notebooks/01_*.ipynb only
    python tools/build_notebooks.py solutions/01         # its solutions only
    python tools/build_notebooks.py --check              # execute nothing; exit 1 if stale

``--check`` fails when a committed notebook's cells (sources, tags, badges, exercises) differ
from what its source produces, when a notebook has no source or a source no notebook, or
when a source holds what the build adds, and prints which file and the command that fixes
it. ``make test`` runs it. jupytext.toml pairs each notebook with its source for jupytext.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import re
import sys
import time
import tomllib
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- badges:start -->", "<!-- badges:end -->"
BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
INSTALL_TAG = "colab-install"
COPIED_TAGS = ("exercise", "starter")  # solutions cells the tutorial shows
BINDER_IMG = "https://mybinder.org/badge_logo.svg"
COLAB_IMG = "https://colab.research.google.com/assets/colab-badge.svg"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {  # what the kernel reports, without its patch version
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
SOURCE_FORMAT = "py:percent"
# --- where things are --------------------------------------------------------------------


def settings(root: Path = ROOT) -> tuple[str, str]:
    """(github ``owner/name``, branch) from ``[tool.lstm-tutorial]`` in pyproject.toml."""
    conf = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["lstm-tutorial"]
    github, branch = conf["github"], conf.get("branch", "main")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", github):
        raise ValueError(f"[tool.lstm-tutorial] github must be 'owner/name'; got {github!r}")
    return github, branch


def sources(root: Path = ROOT) -> list[Path]:
    """Every notebook source: the tutorials in order, then their solutions in order.

    The templates (``_template.py``, ``solutions/_template_solutions.py``) are not sources:
    their names start with ``_``.
    """
    src = root / "notebooks" / "src"
    return sorted(src.glob("[0-9][0-9]_*.py")) + sorted(
        (src / "solutions").glob("[0-9][0-9]_*_solutions.py")
    )


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every committed notebook: the tutorials and their solutions."""
    nb_dir = root / "notebooks"
    return sorted(nb_dir.glob("*.ipynb")) + sorted((nb_dir / "solutions").glob("*.ipynb"))


def target_of(source: Path, root: Path = ROOT) -> Path:
    """The notebook built from ``source``: notebooks/src/a/b.py -> notebooks/a/b.ipynb."""
    rel = source.relative_to(root / "notebooks" / "src")
    return (root / "notebooks" / rel).with_suffix(".ipynb")


def source_of(notebook: Path, root: Path = ROOT) -> Path:
    """The source of ``notebook``: notebooks/a/b.ipynb -> notebooks/src/a/b.py."""
    rel = notebook.relative_to(root / "notebooks")
    return (root / "notebooks" / "src" / rel).with_suffix(".py")


def solutions_of(source: Path, root: Path = ROOT) -> Path | None:
    """The solutions source of a tutorial source (None for a solutions source)."""
    if source.parent.name == "solutions":
        return None
    return root / "notebooks" / "src" / "solutions" / f"{source.stem}_solutions.py"


def key(source: Path, root: Path = ROOT) -> str:
    """A source's short name: ``01_x`` for a tutorial, ``solutions/01_x_solutions``."""
    return source.relative_to(root / "notebooks" / "src").with_suffix("").as_posix()


def select(names: list[str], root: Path = ROOT) -> list[Path]:
    """The sources that ``names`` pick: a full name, a prefix (``01``), or a path.

    ``01`` picks the tutorial ``01_*``; ``solutions/01`` picks its solutions. A name that
    picks nothing is an error.
    """
    every = sources(root)
    if not names:
        return every
    chosen: list[Path] = []
    for name in names:
        short = name.replace("\\", "/").removesuffix(".py").removesuffix(".ipynb")
        short = re.sub(r"^(.*/)?notebooks/(src/)?", "", short).removeprefix("src/")
        exact = [s for s in every if short in (key(s, root), s.stem)]
        found = exact or [s for s in every if key(s, root).startswith(short)]
        if not found:
            known = ", ".join(key(s, root) for s in every)
            raise SystemExit(f"no notebook source matches {name!r}; sources: {known}")
        chosen += [s for s in found if s not in chosen]
    return sorted(chosen, key=every.index)


# --- what a source produces --------------------------------------------------------------


def binder_url(github: str, branch: str, rel: str) -> str:
    """mybinder.org launch URL that opens JupyterLab on ``rel``, a path in the repository."""
    return f"https://mybinder.org/v2/gh/{github}/{branch}?urlpath=lab/tree/{rel}"


def colab_url(github: str, branch: str, rel: str) -> str:
    return f"https://colab.research.google.com/github/{github}/blob/{branch}/{rel}"


def badge_block(github: str, branch: str, rel: str, colab: bool = True) -> str:
    """The markdown between the badge markers: Binder opening ``rel``, and Colab on it."""
    lines = [START]
    lines.append(f"[![Launch on Binder]({BINDER_IMG})]({binder_url(github, branch, rel)})")
    if colab:
        lines.append(f"[![Open in Colab]({COLAB_IMG})]({colab_url(github, branch, rel)})")
    lines.append(END)
    return "\n".join(lines)


def install_source(github: str, branch: str) -> str:
    """The Colab-only install cell: lstm_helpers alone, without its pinned dependencies."""
    return f"""\
# On Google Colab only: install this tutorial's helper package, lstm_helpers, from GitHub.
# --no-deps keeps Colab's own TensorFlow, Keras, numpy, pandas and matplotlib.
# Anywhere else (make lab, Binder, conda) this cell does nothing.
import subprocess
import sys

if "google.colab" in sys.modules:
    package = "lstm_helpers @ git+https://github.com/{github}@{branch}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", package], check=True)"""  # noqa: E501


def with_badges(text: str, block: str, after_title: bool) -> str:
    """``text`` with its badge block replaced by ``block`` (or ``block`` under the title)."""
    if BLOCK.search(text):
        return BLOCK.sub(lambda _: block, text, count=1)
    if not after_title:
        raise ValueError("README.md has no badges markers")
    first, _, rest = text.partition("\n")
    return f"{first}\n\n{block}\n{rest}" if rest else f"{first}\n\n{block}\n"


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _cell(cell_type: str, source: str, cell_tags: list[str]) -> nbformat.NotebookNode:
    new = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    return new(source, metadata={"tags": cell_tags} if cell_tags else {})


def read_source(path: Path) -> list[nbformat.NotebookNode]:
    """The cells of a text source: type, source and tags only."""
    nb = jupytext.read(path, fmt=SOURCE_FORMAT)
    cells = [_cell(c.cell_type, c.source, tags(c)) for c in nb.cells if c.cell_type != "raw"]
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        raise ValueError(f"{path}: the first cell must be a markdown title ('# ...')")
    return cells


def _shown(cells: list[nbformat.NotebookNode]) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, tags(c)) for c in cells]


def exercises(solutions: Path) -> list[nbformat.NotebookNode]:
    """The cells a tutorial copies from its solutions source: ``exercise`` and ``starter``."""
    cells = [c for c in read_source(solutions) if set(tags(c)) & set(COPIED_TAGS)]
    if not any("exercise" in tags(c) for c in cells):
        raise ValueError(f"{solutions}: no cell is tagged 'exercise'")
    return cells


def generated_parts(source: Path, root: Path = ROOT) -> list[str]:
    """What ``source`` holds that the build generates (e.g. after ``jupytext --sync`` from a
    built notebook): the build ignores them, the check asks for their removal."""
    cells = read_source(source)
    found = []
    if BLOCK.search(cells[0].source):
        found.append("the badges")
    if any(INSTALL_TAG in tags(c) for c in cells):
        found.append(f"a cell tagged {INSTALL_TAG}")
    if solutions_of(source, root) and any(set(tags(c)) & set(COPIED_TAGS) for c in cells):
        found.append("cells tagged exercise/starter (they live in the solutions source)")
    return found


def render(source: Path, root: Path = ROOT) -> nbformat.NotebookNode:
    """The notebook ``source`` produces, before execution: badges, install cell, exercises."""
    github, branch = settings(root)
    rel = target_of(source, root).relative_to(root).as_posix()
    cells = [c for c in read_source(source) if INSTALL_TAG not in tags(c)]
    cells[0].source = with_badges(cells[0].source, badge_block(github, branch, rel), True)

    solutions = solutions_of(source, root)
    own = [c for c in cells if set(tags(c)) & set(COPIED_TAGS)]
    if solutions is not None and solutions.exists():
        copied = exercises(solutions)
        if own and _shown(own) != _shown(copied):
            raise ValueError(
                f"{source.relative_to(root)} has cells tagged exercise/starter: exercises are "
                f"written in {solutions.relative_to(root)} only; delete them from the tutorial"
            )
        cells = [c for c in cells if not set(tags(c)) & set(COPIED_TAGS)]
        heading = next(
            (
                i
                for i, c in enumerate(cells)
                if c.cell_type == "markdown"
                and c.source.lstrip().lower().startswith("## exercises")
            ),
            None,
        )
        if heading is None:
            raise ValueError(f"{source.relative_to(root)} has no '## Exercises' heading cell")
        cells[heading + 1 : heading + 1] = copied

    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    cells.insert(first_code, _cell("code", install_source(github, branch), [INSTALL_TAG]))

    nb = nbformat.v4.new_notebook(cells=cells)
    tidy(nb)
    return nb


def tidy(nb: nbformat.NotebookNode) -> None:
    """Keep only what a reader needs: tags, a fixed kernelspec, ids from each cell's content.
    Outputs are kept as they are."""
    nb.metadata = nbformat.NotebookNode(
        kernelspec=dict(KERNELSPEC), language_info=dict(LANGUAGE_INFO)
    )
    seen: dict[str, int] = {}
    for cell in nb.cells:
        kept = tags(cell)
        cell.metadata = nbformat.NotebookNode({"tags": kept} if kept else {})
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


# --- build and check ---------------------------------------------------------------------


def execute(nb: nbformat.NotebookNode, folder: Path, timeout: int) -> None:
    """Run ``nb`` top to bottom in a fresh python3 kernel whose working folder is ``folder``."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    tidy(nb)


def readme_text(root: Path = ROOT) -> tuple[str, str]:
    """(README as it is, README with its badges brought up to date)."""
    github, branch = settings(root)
    text = (root / "README.md").read_text()
    block = badge_block(github, branch, "notebooks", colab=False)
    return text, with_badges(text, block, after_title=False)


def fix_command(source: Path, root: Path = ROOT) -> str:
    return f"make notebooks NB={key(source, root)}"


def problems(root: Path = ROOT) -> list[str]:
    """Every way the committed notebooks differ from their sources; empty when up to date."""
    out = []
    text, wanted = readme_text(root)
    if text != wanted:
        out.append("README.md: badges out of date (fix: make notebooks, or any build)")
    srcs = sources(root)
    for nb_path in notebooks(root):
        if source_of(nb_path, root) not in srcs:
            rel = source_of(nb_path, root).relative_to(root)
            out.append(
                f"{nb_path.relative_to(root)}: has no source {rel} (notebooks are generated: "
                f"write the source, then build it)"
            )
    for source in srcs:
        target, fix = target_of(source, root), fix_command(source, root)
        rel_t, rel_s = target.relative_to(root), source.relative_to(root)
        try:
            expected = render(source, root)
        except ValueError as err:
            out.append(f"{rel_s}: {err}")
            continue
        extra = generated_parts(source, root)
        if extra:
            out.append(f"{rel_s}: holds {', '.join(extra)}, which the build adds; delete them")
        if not target.exists():
            out.append(f"{rel_t}: missing; build it from {rel_s} (fix: {fix})")
            continue
        committed = nbformat.read(target, as_version=4)
        diff = _first_difference(_shown(expected.cells), _shown(committed.cells))
        if diff:
            out.append(f"{rel_t} differs from its source {rel_s} (fix: {fix})\n{diff}")
            continue
        counts = [c.get("execution_count") for c in committed.cells if c.cell_type == "code"]
        if counts != list(range(1, len(counts) + 1)):
            out.append(f"{rel_t}: not executed top to bottom once (fix: {fix})")
    return out


def _first_difference(expected: list, committed: list) -> str:
    """A short diff of the first cell that differs, or '' when the cells are the same."""
    for i, (want, have) in enumerate(zip(expected, committed, strict=False)):
        if want != have:
            lines = difflib.unified_diff(
                f"{have[0]} {have[2]}\n{have[1]}".splitlines(),
                f"{want[0]} {want[2]}\n{want[1]}".splitlines(),
                "committed notebook",
                "built from source",
                lineterm="",
                n=1,
            )
            shown = list(lines)[:12]
            return f"  cell {i}:\n" + "\n".join("    " + line for line in shown)
    if len(expected) != len(committed):
        return f"  the source makes {len(expected)} cells, the notebook has {len(committed)}"
    return ""


def build(source: Path, root: Path = ROOT, timeout: int = 600, run: bool = True) -> float:
    """Render, execute and write the notebook of ``source``; seconds spent executing."""
    target = target_of(source, root)
    nb = render(source, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if run:
        execute(nb, target.parent, timeout)
    nbformat.write(nb, target)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="sources to build, e.g. 01 (default: all)")
    parser.add_argument("--check", action="store_true", help="execute nothing; exit 1 if stale")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout, seconds")
    parser.add_argument(
        "--no-execute", action="store_true", help="write the notebooks without outputs"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()

    if args.check:
        found = problems(root)
        for problem in found:
            print(problem)
        if found:
            print(
                f"{len(found)} problem(s): notebooks are built from notebooks/src/: edit "
                "the source, never the .ipynb, then run the command shown (make notebooks: all)"
            )
            return 1
        print(f"{len(sources(root))} notebooks match their sources")
        return 0

    text, wanted = readme_text(root)
    if text != wanted:
        (root / "README.md").write_text(wanted)
        print("updated the badges in README.md")
    for source in select(args.names, root):
        rel = target_of(source, root).relative_to(root)
        print(f"building {rel} from {source.relative_to(root)} ...", flush=True)
        elapsed = build(source, root, args.timeout, run=not args.no_execute)
        print(f"  wrote {rel} ({elapsed:.1f} s executing)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
