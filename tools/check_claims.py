"""Every figure stated in a notebook's Markdown is backed by that notebook's outputs or code.

A *figure* is a number written in a Markdown cell: ``9.3 %``, ``0.169``, ``1,000``, ``k = 3``.
It is *backed* when the same notebook prints it (a stream, or the ``text/plain``,
``text/markdown`` or ``text/latex`` form of a result or display) or its code contains it (a
parameter such as ``TIME_STEPS = 20``, an assert such as ``assert n == 709``), rounded the
way the prose rounds it: ``0.02`` is backed by a printed ``0.0214``, ``9.3 %`` by a printed
``9.3%``, ``9.27%`` or ``0.0927`` (a fraction, for percentages), but ``0.169`` is not
backed by a printed ``0.17`` (the prose claims more than was shown). Signs are ignored.

These numbers are **not figures**, and are never checked:

* references to parts of the collection: ``Step 8``, ``Steps 9–11``, ``Exercises 1 and 2``,
  ``notebook 3``, ``Solution 4``, ``Fix 1``, ``cell 23``, ``issue 16``, ``Figure 2``,
  ``equation 3``, ``Eq. (3)``, and LaTeX ``\\tag{3}``;
* the notebook number next to ``·`` in a heading (``# 1 · Spikes in a sine wave``);
* ordered-list markers (``1.`` at the start of a line);
* software versions after a product name: ``Python 3.10``, ``Keras 3``,
  ``lstm_helpers 0.2``, ``TensorFlow 2.16``;
* years in citations: a four-digit 1900–2099 written without a separator, inside
  parentheses or after ``in``, ``since``, ``from``, ``until``, ``©`` or a month;
* digits that are part of a name (``F1``, ``float32``, ``ex1_window``, ``t0``,
  ``01_univariate``, a hash) and everything in link targets, URLs and HTML tags.

**Deliberate exceptions** (a figure that is true but not computed by the notebook, such as a
run time measured elsewhere, or a fact about the walkthrough) are listed in an HTML comment
in the same cell, which Jupyter does not display::

    <!-- not-claims: 10 2 (run time measured by make bench on a 2-core CPU) -->

Tokens are separated by spaces and written as in the cell (``1,000`` not ``1000``); text in
parentheses is the reason, for readers of the source. A listed token that does not occur
in the cell is itself reported, so exceptions cannot outlive their prose.

    python tools/check_claims.py                      # every executed notebook
    python tools/check_claims.py notebooks/01_*.ipynb # some of them

Exit status 1 when a figure is unbacked, with one line per figure, grouped per notebook.

What it cannot see: the check compares numbers, not meanings. A figure counts as backed
if the same value appears anywhere in the notebook's code or outputs, so small integers
(which some parameter nearly always holds) and figures in words ("four spikes", "a few
thousand") pass; a true number used for a false statement ("k = 2 and k = 3 show a
trade-off" when both flag 80 windows) passes too. It catches what drifts most: measured
values, percentages and counts that a rerun changed while the prose stayed.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# A number as prose or code writes it: 1,000 / 0.169 / .5 / 1e-3 / 1_000.
NUMBER = re.compile(
    r"""
    (?<!\w)(?<!\d\.)                 # not inside a name, not the tail of 3.10.2 (1..5 is fine)
    (?P<num>
        \d{1,3}(?:,\d{3})+(?!\d)     # 1,000 or 12,345,678
      | \d+(?:_\d+)+                 # 1_000 (code)
      | \d*\.\d+ | \d+               # 0.169 .5 20
    )
    (?P<exp>[eE][-+]?\d+)?           # 1e-3
    (?P<unit>\s?%|[a-zA-Z_]+)?        # 9.3 % / 10s / 2D / ex1_ -> decided below
    """,
    re.VERBOSE,
)
# Letters that may follow a figure directly and still leave it a figure (10s, 3x, 2nd).
UNITS = {"s", "ms", "min", "h", "x", "k", "K", "M", "G", "GB", "MB", "KB", "kB", "px"}
UNITS |= {"st", "nd", "rd", "th"}

_NUM = r"\d+(?:[.,]\d+)*"
_JOIN = r"(?:\s*(?:,|–|—|-|to|and|or|&)\s*)"
REFERENCE = re.compile(
    r"\b(?:steps?|exercises?|solutions?|fix(?:es)?|notebooks?|nb|cells?|sections?|parts?"
    r"|figures?|fig\.|tables?|issues?|chapters?|items?|eq\.|eqs\.|equations?|listing)"
    rf"\s*\(?{_NUM}\)?(?:{_JOIN}\(?{_NUM}\)?)*",
    re.IGNORECASE,
)
PRODUCTS = (
    r"python|keras|tensorflow|tf|numpy|pandas|matplotlib|scipy|jupyterlab|jupyter|ipython"
    r"|lstm_helpers|lstm-helpers|scikit-learn|sklearn|nbmake|nbformat|pytest|ruff|jupytext"
    r"|debian|ubuntu|macos|windows|chromium|node|cuda|cudnn|colab|version|release|v"
)
VERSION = re.compile(
    rf"\b(?:{PRODUCTS})\s*v?\d+(?:\.\d+|\.x)*(?:{_JOIN}v?\d+(?:\.\d+|\.x)*)*", re.I
)
MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
YEAR = re.compile(
    rf"(?:(?<=\()|(?<=\(\s)|(?:\b(?:in|since|from|until|by|©|(?:{MONTHS})[a-z]*\.?)\s+))"
    r"(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d(?=\s*[);])",
    re.I,
)
# In a heading, the number beside a "·" is the notebook's number: "# 📃 Solutions · 1 · Spikes".
HEADING_NUMBER = re.compile(r"\d+(?=\s*·)|(?<=·)\s*\d+")
LIST_MARKER = re.compile(r"^\s*\d+[.)](?=\s)", re.M)
TAG = re.compile(r"\\tag\{\d+\}")
EXCEPTIONS = re.compile(r"<!--\s*not-claims:(?P<body>.*?)-->", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HTML_TAG = re.compile(r"<[^>]+>")
LINK_TARGET = re.compile(r"\]\([^)]*\)|^\s*\[[^\]]+\]:\s*\S+", re.M)
URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")


@dataclass(frozen=True)
class Figure:
    """A number as written in prose: its text, value and number of decimals."""

    text: str
    value: Decimal
    decimals: int
    percent: bool


@dataclass(frozen=True)
class Problem:
    notebook: str
    cell: int
    message: str

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell}: {self.message}"


def _figure(match: re.Match) -> Figure | None:
    """The figure in a NUMBER match, or None when the digits are part of a name."""
    unit = (match.group("unit") or "").strip()
    if unit and unit != "%" and unit not in UNITS:
        return None
    num = match.group("num").replace(",", "").replace("_", "")
    exp = match.group("exp") or ""
    value = Decimal(num + exp)
    decimals = max(0, -value.as_tuple().exponent) if "." in num or exp else 0
    text = match.group(0).rstrip()
    return Figure(text=text, value=abs(value), decimals=decimals, percent=unit == "%")


def numbers(text: str) -> list[Figure]:
    """Every figure in a piece of text (code or output), names excluded."""
    return [f for m in NUMBER.finditer(text) if (f := _figure(m)) is not None]


def _blank(text: str, pattern: re.Pattern) -> str:
    """Replace every match with spaces of the same length (positions stay put)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def exceptions(source: str) -> list[str]:
    """Tokens listed in ``<!-- not-claims: ... -->`` comments, reasons in parentheses dropped."""
    tokens = []
    for m in EXCEPTIONS.finditer(source):
        body = re.sub(r"\([^)]*\)", " ", m.group("body"))
        tokens += body.split()
    return tokens


def prose_figures(source: str) -> list[Figure]:
    """The figures a Markdown cell states, once everything that is not a figure is masked."""
    text = _blank(source, HTML_COMMENT)
    for pattern in (LINK_TARGET, URL, HTML_TAG, TAG, REFERENCE, VERSION, YEAR, LIST_MARKER):
        text = _blank(text, pattern)
    lines = text.split("\n")
    lines = [_blank(ln, HEADING_NUMBER) if ln.lstrip().startswith("#") else ln for ln in lines]
    return numbers("\n".join(lines))


def _backs(fig: Figure, candidate: Figure) -> bool:
    """Does a printed or coded number back a stated figure, rounded as the prose rounds it?

    The candidate must show at least the stated precision (``0.17`` does not back ``0.169``)
    and round to the stated value. For a percentage, a fraction counts too: ``0.0927`` backs
    ``9.3 %`` (its 4 decimals are 2 as a percentage) and the parameter ``0.1`` backs ``10 %``.
    """
    readings = [(candidate.value, candidate.decimals)]
    if fig.percent and not candidate.percent:
        readings.append((candidate.value * 100, max(0, candidate.decimals - 2)))
    half = Decimal(5) * Decimal(10) ** -(fig.decimals + 1)
    return any(dec >= fig.decimals and abs(v - fig.value) <= half for v, dec in readings)


def backing(nb: nbformat.NotebookNode) -> list[Figure]:
    """Every number in the notebook's code cells and text outputs."""
    found: list[Figure] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found += numbers(cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                found += numbers(out.get("text", ""))
            for mime in ("text/plain", "text/markdown", "text/latex"):
                data = out.get("data", {}).get(mime)
                if data:
                    found += numbers(data if isinstance(data, str) else "".join(data))
    return found


def check_notebook(nb: nbformat.NotebookNode, name: str) -> list[Problem]:
    """Problems of one notebook: unbacked figures and stale exceptions, in cell order."""
    pool = backing(nb)
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        allowed = exceptions(cell.source)
        visible = _blank(cell.source, HTML_COMMENT)
        for token in allowed:
            if not re.search(rf"(?<![\w.]){re.escape(token)}(?![\d])", visible):
                problems.append(
                    Problem(name, index, f"not-claims lists {token!r}, not in the cell")
                )
        seen = set()
        for fig in prose_figures(cell.source):
            if fig.text in seen:
                continue
            seen.add(fig.text)
            bare = fig.text.rstrip("%").rstrip()
            if bare in allowed or fig.text in allowed:
                continue
            if any(_backs(fig, c) for c in pool):
                continue
            line = next(ln for ln in visible.splitlines() if fig.text in ln)
            problems.append(
                Problem(name, index, f"{fig.text!r} is not printed or in code: {_clip(line)}")
            )
    return problems


def _clip(line: str, width: int = 90) -> str:
    line = " ".join(line.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def executed_notebooks() -> list[Path]:
    """Tutorials and solutions, the notebooks whose outputs the prose can rely on."""
    return sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def check_path(path: Path) -> list[Problem]:
    return check_notebook(nbformat.read(path, as_version=4), _shown(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    args = parser.parse_args(argv)
    paths = args.notebooks or executed_notebooks()
    failed = 0
    for path in paths:
        problems = check_path(path)
        status = "OK" if not problems else f"{len(problems)} unbacked"
        print(f"{status:>14}  {_shown(path)}")
        for p in problems:
            print(f"{'':>16}cell {p.cell}: {p.message}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
