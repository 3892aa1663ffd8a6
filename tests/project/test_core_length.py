"""The workshop notebooks' core reads in 15 minutes; no Markdown cell is a wall of text.

Issue 24: notebooks 1 and 2 each have a core of at most 2,200 words of prose before a
"## Going further" part (exercises come after it and are not counted), and no Markdown cell of
any notebook is over 250 words. Words are whitespace-separated tokens of the Markdown cells'
source, as a reader meets them (badges, links and inline code included).
"""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ROOT

CORE_WORDS = 2_200
CELL_WORDS = 250
WORKSHOP = ["01_univariate_lstm_autoencoder.ipynb", "02_multivariate_multistep_forecaster.ipynb"]
TUTORIALS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GOING_FURTHER = re.compile(r"^## Going further", re.M)


def words(text: str) -> int:
    return len(text.split())


def core_words(cells: list) -> int:
    """Words of the Markdown cells before the first "## Going further" heading.

    Raises
    ------
    ValueError
        When the notebook has no "## Going further" heading (then it has no marked core).
    """
    total = 0
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        if GOING_FURTHER.search(cell.source):
            return total + words(cell.source[: GOING_FURTHER.search(cell.source).start()])
        total += words(cell.source)
    raise ValueError("cells: no '## Going further' heading, so no marked core to count")


def test_the_counter_counts_and_can_fail():
    md = nbformat.v4.new_markdown_cell
    cells = [md("# Title\nfour words here"), nbformat.v4.new_code_cell("x = 1  # not prose")]
    cells += [md("two words\n## Going further\nnot counted"), md("nor this")]
    assert core_words(cells) == 7
    with pytest.raises(ValueError, match="Going further"):
        core_words(cells[:2])


@pytest.mark.parametrize("name", WORKSHOP)
def test_workshop_core_reads_in_15_minutes(name: str):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    n = core_words(nb.cells)
    assert n <= CORE_WORDS, (
        f"{name}: {n} words of prose before '## Going further' (at most {CORE_WORDS}); "
        "move depth into Going further"
    )


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_no_markdown_cell_is_a_wall_of_text(path):
    nb = nbformat.read(path, as_version=4)
    long = [
        (i, words(c.source))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and words(c.source) > CELL_WORDS
    ]
    assert not long, f"{path.name}: Markdown cells over {CELL_WORDS} words (cell, words): {long}"
