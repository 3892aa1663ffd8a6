"""Binder and Colab launch badges, and the Colab-only install cell, from one setting.

The repository's GitHub path and branch live in ``pyproject.toml`` only::

    [tool.lstm-tutorial]
    github = "owner/name"
    branch = "main"

This script writes, from them:

* the README's badges, between ``<!-- badges:start -->`` and ``<!-- badges:end -->``;
* the same markers in the first cell of every notebook, right under its title: a Binder
  badge that opens JupyterLab on that notebook (``urlpath=lab/tree/...``) and a Colab badge;
* a code cell tagged ``colab-install`` before each notebook's first code cell, which on
  Colab installs ``lstm_helpers`` (and nothing Colab already has) and elsewhere does nothing.

    python tools/badges.py --write    # rewrite README.md and the notebooks
    python tools/badges.py --check    # exit 1 if anything is out of date (used by the tests)

Notebooks are edited as JSON: outputs and execution counts of other cells are kept.
A new install cell has no execution count, so run ``make notebooks`` after ``--write``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- badges:start -->", "<!-- badges:end -->"
BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
INSTALL_TAG = "colab-install"
BINDER_IMG = "https://mybinder.org/badge_logo.svg"
COLAB_IMG = "https://colab.research.google.com/assets/colab-badge.svg"


def settings(root: Path = ROOT) -> tuple[str, str]:
    """(github ``owner/name``, branch) from ``[tool.lstm-tutorial]`` in pyproject.toml."""
    conf = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["lstm-tutorial"]
    github, branch = conf["github"], conf.get("branch", "main")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", github):
        raise ValueError(f"[tool.lstm-tutorial] github must be 'owner/name'; got {github!r}")
    return github, branch


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook the project ships: the tutorials and their solutions."""
    nb_dir = root / "notebooks"
    return sorted(nb_dir.glob("[0-9][0-9]_*.ipynb")) + sorted(
        (nb_dir / "solutions").glob("*.ipynb")
    )


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


def _with_block(text: str, block: str, after_title: bool) -> str:
    if BLOCK.search(text):
        return BLOCK.sub(lambda _: block, text, count=1)
    if not after_title:
        raise ValueError("README.md has no badges markers")
    first, _, rest = text.partition("\n")
    return f"{first}\n\n{block}\n{rest}" if rest else f"{first}\n\n{block}\n"


def updated_notebook(nb: nbformat.NotebookNode, rel: str, github: str, branch: str) -> bool:
    """Bring one notebook's badges and install cell up to date; True when it changed."""
    changed = False
    title = nb.cells[0]
    if title.cell_type != "markdown" or not title.source.startswith("# "):
        raise ValueError(f"{rel}: the first cell must be a markdown title ('# ...')")
    new = _with_block(title.source, badge_block(github, branch, rel), after_title=True)
    if new != title.source:
        title.source, changed = new, True

    source = install_source(github, branch)
    tagged = [c for c in nb.cells if INSTALL_TAG in c.get("metadata", {}).get("tags", [])]
    if tagged:
        cell = tagged[0]
        if cell.source != source:
            cell.source, cell.outputs, cell.execution_count = source, [], None
            changed = True
    else:
        first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INSTALL_TAG]})
        nb.cells.insert(first_code, cell)
        changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    github, branch = settings()

    stale = []
    readme = ROOT / "README.md"
    text = readme.read_text()
    new = _with_block(
        text, badge_block(github, branch, "notebooks", colab=False), after_title=False
    )
    if new != text:
        stale.append("README.md")
        if args.write:
            readme.write_text(new)
    for path in notebooks():
        rel = path.relative_to(ROOT).as_posix()
        nb = nbformat.read(path, as_version=4)
        if updated_notebook(nb, rel, github, branch):
            stale.append(rel)
            if args.write:
                nbformat.write(nb, path)
    if args.check and stale:
        print("out of date (run python tools/badges.py --write):", *stale, sep="\n  ")
        return 1
    print("rewrote:" if args.write else "up to date", *stale, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
