"""tools/check_claims.py: every figure in a notebook's Markdown is printed or in its code.

One test per executed notebook, so a failure names the notebook and lists its unbacked
figures; then the check's rules, each on a small planted notebook that must fail or pass.
"""

from __future__ import annotations

import sys

import nbformat
import pytest

from conftest import ROOT, run_tool

sys.path.insert(0, str(ROOT / "tools"))
import check_claims as claims

NOTEBOOKS = claims.executed_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_figure_in_the_prose_is_backed(path):
    problems = claims.check_path(path)
    if problems:
        listed = "\n".join(map(str, problems))
        pytest.fail(f"unbacked figures (print, assert or mark them):\n{listed}", pytrace=False)


def _notebook(markdown: str, code: str = "", printed: str = "") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(code)
    if printed:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown), cell])


def _unbacked(markdown: str, code: str = "", printed: str = "") -> list[str]:
    problems = claims.check_notebook(_notebook(markdown, code, printed), "planted.ipynb")
    return [p.message.split("'")[1] for p in problems]


def test_a_percentage_that_drifted_from_its_output_fails():
    # Issue 16: the prose said several percent while the output printed 0.2 %.
    assert _unbacked("mean + k std flags 9.3 % of the points", printed="flags 0.2% of points") == [
        "9.3 %"
    ]
    assert _unbacked("mean + k std flags 9.3 % of the points", printed="flags 9.3% of points") == []


def test_rounding_must_match_the_prose():
    assert _unbacked("about 0.02", printed="MAE 0.0214") == []
    assert _unbacked("the spike scales to 0.169", printed="0.17") == ["0.169"]  # more than shown
    assert _unbacked("the spike scales to 0.17", printed="0.169") == []
    assert _unbacked("9.3 % of points", printed="0.0927") == []  # a printed fraction
    assert _unbacked("9.3 % of points", printed="0.09") == ["9.3 %"]  # too coarse
    assert _unbacked("10 % held out", code="model.fit(x, validation_split=0.1)") == []


def test_code_backs_parameters_and_asserts():
    assert _unbacked("windows of 20 steps", code="TIME_STEPS = 20") == []
    assert _unbacked("709 training points", code="assert len(train) == 709") == []
    assert _unbacked("1,000 points", code="n = 1_000") == []
    assert _unbacked("708 training points", code="assert len(train) == 709") == ["708"]
    assert _unbacked("points 101 to 120", printed="drawn at points 101..120") == []
    assert _unbacked("version 3.10", printed="3.10.2") == []


def test_markdown_of_the_same_notebook_does_not_back_itself():
    nb = _notebook("we flag 41 windows")
    nb.cells.append(nbformat.v4.new_markdown_cell("as said, 41 windows"))
    assert len(claims.check_notebook(nb, "planted.ipynb")) == 2


def test_numbers_that_are_not_figures():
    text = "\n".join(
        [
            "# 1 · Spikes in a sine wave",
            "# 📃 Solutions · 2 · Forecasts",
            "## Step 8 — What goes wrong",
            "### 📝 Exercise 4 — harder",
            "See Steps 9–11, Steps 3 to 10, Exercises 1 and 2, notebook 3 and Fix 1.",
            "1. first item",
            "2. second item",
            "Python 3.10–3.12, Keras 3, TensorFlow 2.16, lstm_helpers 0.2.",
            "As Malhotra et al. showed (2015), and in 2016 again.",
            "The F1 score of ex1_window, float32 arrays and t0, see 01_univariate.ipynb.",
            "[link](https://example.org/a/123/b.ipynb) ![badge](x_42.svg) <img width=640>",
            r"$$ x = y \tag{7} $$",
        ]
    )
    assert _unbacked(text) == []


def test_deliberate_exceptions_are_listed_in_an_html_comment():
    text = (
        "About 10 s on a 2-core CPU.\n<!-- not-claims: 10 2 (run time measured by make bench) -->"
    )
    assert _unbacked(text) == []
    assert sorted(_unbacked("About 10 s.\n<!-- not-claims: 2 -->")) == [
        "10",
        "2",
    ]  # stale entry too


def test_the_real_notebook_fails_when_a_figure_drifts(tmp_path):
    # Plant a mismatch in a copy of a real executed notebook: a printed figure changes.
    source = ROOT / "notebooks" / "solutions" / "01_univariate_lstm_autoencoder_solutions.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("The threshold flags 97.31 % of the points."))
    planted = tmp_path / source.name
    nbformat.write(nb, planted)
    assert [p.message.split("'")[1] for p in claims.check_path(planted)][-1:] == ["97.31 %"]


def test_the_real_notebook_fails_when_an_output_drifts_from_its_prose(tmp_path):
    # Notebook 1's prose says t runs to 499.5, backed by a printed line; a rerun that
    # printed another end (the data changed, the prose did not) must fail the check.
    source = ROOT / "notebooks" / "01_univariate_lstm_autoencoder.ipynb"
    nb = nbformat.read(source, as_version=4)
    assert not claims.check_notebook(nb, source.name)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    printed = [o for o in outputs if o.get("output_type") == "stream" and "499.5" in o.text]
    assert printed, "notebook 1 no longer prints the end of its time axis"
    for o in printed:
        o.text = o.text.replace("499.5", "249.75")
    planted = tmp_path / source.name
    nbformat.write(nb, planted)
    assert "'499.5' is not printed or in code" in run_tool("check_claims.py", str(planted)).stdout


def test_command_line_exit_status(tmp_path):
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(_notebook("20 steps", code="TIME_STEPS = 20"), good)
    nbformat.write(_notebook("21 steps", code="TIME_STEPS = 20"), bad)
    assert run_tool("check_claims.py", str(good)).returncode == 0
    result = run_tool("check_claims.py", str(good), str(bad))
    assert result.returncode == 1
    assert "'21' is not printed or in code" in result.stdout
