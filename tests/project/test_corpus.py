"""tools/corpus.py (make corpus) and the committed results/corpus.{csv,json}.

A smoke test runs the real runner, in its worker processes, on two short series with the
detectors the committed results were made by (notebook 3's cells, or the stand-in module
tests/project/corpus_standin.py while those cells do not exist), and checks:

* the protocol properties of every row (one row per series x detector x seed, seed empty
  for deterministic detectors, metrics and null p-values in range, NaN where a metric is
  undefined, the null band ordered, fit_seconds measured);
* progress lines, the record in corpus.json, and resuming (a finished series is skipped);
* that it reproduces the committed rows of those series: exactly (fit_seconds apart) on the
  machine, backend and versions that made them, otherwise the deterministic detectors'
  rows to 1e-9 and the LSTMs' story (``corpus.same_story``).

A detector that cannot be applied to a series (its score function raises ``ValueError``, or
its score is NaN everywhere) is recorded as "refused: <message>" with no metrics and does
not fail the run; any other exception is an error and fails it: tested with a small module
of detectors that refuse, built on the stand-in's protocol.

Then the committed results themselves: every series of ``nab.SERIES``, every detector and
seed, and every column notebook 6 reads.
"""

from __future__ import annotations

import ast
import json
import math
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import corpus

from lstm_helpers import nab

STANDIN = ROOT / "tests" / "project" / "corpus_standin.py"
COMMITTED_CSV = ROOT / "results" / corpus.CSV_NAME
COMMITTED_JSON = ROOT / "results" / corpus.JSON_NAME
NOTEBOOK_6 = ROOT / "notebooks" / "src" / "06_judging_on_many_series.py"
#: Two short series (1,345 points every 15 minutes): one without labelled spans, one with.
SMOKE = (
    "artificialNoAnomaly/art_daily_small_noise.csv",
    "artificialWithAnomaly/art_daily_jumpsup.csv",
)
P_MIN = 1 / (corpus.N_ROTATIONS + 1)  # the smallest p-value of a 200-rotation null


def _committed_meta() -> dict:
    return json.loads(COMMITTED_JSON.read_text(encoding="utf-8"))


def _detectors_of_committed_results() -> str | None:
    """The --detectors argument that made the committed results (None: notebook 3)."""
    made_by = _committed_meta()["detectors"]
    return None if made_by["kind"] == "notebook 3 cells" else str(ROOT / made_by["path"])


def _run(out, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LSTM_HELPERS_DATA=os.environ.get("LSTM_HELPERS_DATA", ""))
    if not env["LSTM_HELPERS_DATA"]:
        shared = ROOT.parent / "shared" / "data" / "nab"
        env["LSTM_HELPERS_DATA"] = str(shared) if shared.is_dir() else ""
    detectors = _detectors_of_committed_results()
    command = [sys.executable, str(ROOT / "tools" / "corpus.py"), "--out", str(out)]
    command += ["--backend", _committed_meta()["keras_backend"]]
    command += [] if detectors is None else ["--detectors", detectors]
    return subprocess.run(
        command + list(args), capture_output=True, text=True, env=env, timeout=1800
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """The runner on the two SMOKE series, two workers: (out folder, process, rows, meta)."""
    out = tmp_path_factory.mktemp("corpus")
    args = [arg for name in SMOKE for arg in ("--series", name)]
    done = _run(out, *args, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = corpus.read_results(out / corpus.CSV_NAME)
    meta = json.loads((out / corpus.JSON_NAME).read_text(encoding="utf-8"))
    return out, done, rows, meta


@pytest.mark.slow
def test_progress_lines_name_each_series_elapsed_and_time_left(smoke):
    _, done, _, _ = smoke
    for i in (1, 2):
        assert f"[{i:2d}/2]" in done.stdout, done.stdout
    assert "elapsed" in done.stdout and "left" in done.stdout
    # it names the detectors it runs, and says so when they are the stand-in's
    made_by = _committed_meta()["detectors"]
    assert made_by["path"].split("/")[-1] in done.stdout
    assert ("STAND-IN" in done.stdout) == made_by["standin"]


@pytest.mark.slow
def test_one_row_per_series_detector_and_seed(smoke):
    _, _, rows, meta = smoke
    assert list(rows.columns) == corpus.COLUMNS
    assert set(rows["series"]) == set(SMOKE)
    assert not rows.duplicated(corpus.KEY).any()
    assert (rows["status"] == "ok").all(), rows.loc[rows["status"] != "ok", "status"]
    simple, lstm = rows[rows["kind"] == "simple"], rows[rows["kind"] == "LSTM"]
    assert simple["seed"].isna().all()  # deterministic: seed empty
    seeds = meta["seeds"]
    assert len(seeds) >= 2
    for (_, _), group in lstm.groupby(["series", "detector"]):
        assert sorted(group["seed"]) == seeds
    per_series = rows.groupby("series")["detector"].apply(lambda d: sorted(set(d)))
    assert per_series.map(tuple).nunique() == 1  # every detector on every series


@pytest.mark.slow
def test_rows_keep_the_protocols_properties(smoke):
    _, _, rows, _ = smoke
    for col in ("event_precision", "event_recall", "event_f1", "pr_auc"):
        values = rows[col].dropna()
        assert values.between(0, 1).all(), col
    for col in ("event_f1_null_p", "pr_auc_null_p"):
        values = rows[col].dropna()
        assert values.between(P_MIN - 1e-12, 1).all(), col
    assert (rows["false_alarms_per_day"] >= 0).all()
    assert (rows["false_alarms"] == rows["false_alarms"].round()).all()
    assert (rows["fit_seconds"] > 0).all()
    assert rows["threshold"].map(math.isfinite).all()
    band = rows.dropna(subset=["event_f1_null_median", "event_f1_null_q95"])
    assert (band["event_f1_null_q95"] >= band["event_f1_null_median"]).all()
    # without labelled spans only false alarms count: recall, PR-AUC and their nulls are NaN
    no_spans = rows[~rows["has_spans"]]
    undefined = no_spans[["event_recall", "pr_auc", "pr_auc_null_p"]]
    assert len(no_spans) and undefined.isna().all().all()
    with_spans = rows[rows["has_spans"]]
    assert len(with_spans) and with_spans["pr_auc"].notna().all()
    assert with_spans["event_f1_null_p"].notna().all()
    # spans_found is "found/n_test_spans"
    found = with_spans["spans_found"].str.split("/", expand=True).astype(int)
    assert (found[1] == with_spans["n_test_spans"]).all() and (found[0] <= found[1]).all()
    # the fit part ends before the calibration part, which ends before the first span
    assert (rows["fit_points"] > 0).all() and (rows["calibration_points"] > 0).all()
    lstm = rows[rows["kind"] == "LSTM"]
    assert (lstm["lstm_best_epoch"] <= lstm["lstm_epochs"]).all()
    assert lstm["lstm_val_loss"].map(math.isfinite).all()


@pytest.mark.slow
def test_the_json_records_commit_backend_seeds_machine_and_wall_time(smoke):
    _, _, _, meta = smoke
    assert meta["keras_backend"] in ("jax", "tensorflow")
    assert len(meta["git"]["commit"]) == 40
    assert {"keras", "numpy", "pandas", "lstm_helpers"} <= set(meta["versions"])
    assert meta["machine"]["cores"] >= 1
    run = meta["last_run"]
    assert run["wall_seconds"] > 0 and run["series_run"] == 2 and not run["whole_corpus"]
    assert len(run["load_average_start"]) == 3 and run["date"].startswith("20")
    for name in SMOKE:
        record = meta["series"][name]
        assert record["status"] == "ok" and record["window_length"] >= 2
        assert {c["check"] for c in record["checks"]} >= {"missing values", "step"}


@pytest.mark.slow
def test_a_finished_series_is_skipped_unless_forced(smoke):
    out = smoke[0]
    before = (out / corpus.CSV_NAME).read_bytes()
    done = _run(out, "--series", SMOKE[0])
    assert done.returncode == 0, done.stderr
    assert "nothing to do" in done.stdout
    assert (out / corpus.CSV_NAME).read_bytes() == before


@pytest.mark.slow
def test_the_smoke_run_reproduces_the_committed_rows(smoke):
    """Exactly on the machine, backend and versions that made them; else the same story."""
    _, _, rows, meta = smoke
    committed = corpus.read_results(COMMITTED_CSV)
    committed = committed[committed["series"].isin(SMOKE)]
    assert set(committed["series"]) == set(SMOKE), "the committed results lack a smoke series"
    made = _committed_meta()
    exact = corpus.same_environment(made, meta) and (
        made["detectors"]["sha256"] == meta["detectors"]["sha256"]
    )
    problems = corpus.compare(committed, rows, exact=exact)
    assert not problems, f"exact={exact}:\n" + "\n".join(problems[:20])


REFUSING = """\
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, {folder!r})
from corpus_standin import make_protocol  # noqa: E402

SEEDS = (0, 1)


def ok(p):
    return (p.series - p.series[p.fit].mean()).abs()


def refuses(p):
    raise ValueError("fit must have a non-zero std; got a constant series")


def all_nan(p):
    return pd.Series(np.nan, index=p.series.index)


def one_variant_all_nan(p):
    return {{"short": ok(p), "long": all_nan(p)}}


def lstm_refuses(p, T, seed):
    raise ValueError(f"n_windows must be >= 1; got 0 (seed {{seed}})")


SIMPLE = {{
    "ok": ok,
    "refuses": refuses,
    "all NaN": all_nan,
    "one variant all NaN": one_variant_all_nan,
}}
LSTMS = {{"LSTM refuses": lstm_refuses}}
{extra}
"""
BROKEN = """
def broken(p):
    raise RuntimeError("a bug, not a refusal")


SIMPLE["broken"] = broken
"""


def _refusing_module(tmp_path, extra: str = ""):
    module = tmp_path / "refusing.py"
    folder = str(ROOT / "tests" / "project")
    module.write_text(REFUSING.format(folder=folder, extra=extra), encoding="utf-8")
    return module


def _run_refusing(tmp_path, module) -> tuple[subprocess.CompletedProcess, pd.DataFrame]:
    out = tmp_path / "out"
    env = dict(os.environ, LSTM_HELPERS_DATA=os.environ.get("LSTM_HELPERS_DATA", ""))
    if not env["LSTM_HELPERS_DATA"]:
        shared = ROOT.parent / "shared" / "data" / "nab"
        env["LSTM_HELPERS_DATA"] = str(shared) if shared.is_dir() else ""
    command = [sys.executable, str(ROOT / "tools" / "corpus.py"), "--out", str(out)]
    command += ["--detectors", str(module), "--series", SMOKE[1], "--jobs", "1"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    return done, corpus.read_results(out / corpus.CSV_NAME)


@pytest.mark.slow
def test_a_detector_that_cannot_be_applied_is_refused_with_its_reason(tmp_path):
    done, rows = _run_refusing(tmp_path, _refusing_module(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr  # a refusal is not an error
    status = {
        (row.detector, None if pd.isna(row.seed) else int(row.seed)): row.status
        for row in rows.itertuples()
    }
    assert status[("ok", None)] == "ok"
    assert status[("refuses", None)] == (
        "refused: fit must have a non-zero std; got a constant series"
    )
    assert status[("all NaN", None)] == "refused: no score that is not NaN (all NaN)"
    assert status[("one variant all NaN", None)] == (
        "refused: no score that is not NaN (all NaN in variant(s) long)"
    )
    for seed in (0, 1):  # one row per seed, each with its own message
        assert status[("LSTM refuses", seed)] == (
            f"refused: n_windows must be >= 1; got 0 (seed {seed})"
        )
    refused = rows[rows["status"].str.startswith("refused: ")]
    assert len(refused) == len(rows) - 1
    metrics = ["event_f1", "pr_auc", "false_alarms_per_day", "event_f1_null_p", "fit_seconds"]
    assert refused[metrics].isna().all().all()  # no made-up score
    assert refused["fit_points"].notna().all()  # the series is described all the same
    assert rows.loc[rows["detector"] == "ok", metrics[:4]].notna().all().all()
    assert "5 detector run(s) refused" in done.stdout, done.stdout
    assert "refused: fit must have a non-zero std" in done.stdout  # reported as it happens


@pytest.mark.slow
def test_any_other_exception_is_an_error_and_fails_the_run(tmp_path):
    done, rows = _run_refusing(tmp_path, _refusing_module(tmp_path, BROKEN))
    assert done.returncode == 1, done.stdout + done.stderr
    status = rows.set_index("detector")["status"]
    assert status["broken"] == "error: RuntimeError: a bug, not a refusal"
    assert status["refuses"].startswith("refused: ")
    assert "1 detector run(s) FAILED" in done.stdout


def test_all_nan_names_the_variants_without_a_number():
    index = pd.date_range("2026-01-01", periods=3, freq="h")
    number = pd.Series([float("nan"), 1.0, float("nan")], index=index)
    nothing = pd.Series(float("nan"), index=index)
    assert corpus.all_nan(number) == ""
    assert corpus.all_nan(nothing) == "all NaN"
    assert corpus.all_nan({"a": number, "b": nothing}) == "all NaN in variant(s) b"
    assert corpus.all_nan({"a": number}) == ""
    infinite = pd.Series([float("inf"), float("nan"), -float("inf")], index=index)
    assert corpus.all_nan(infinite) == "all NaN"


def test_a_module_missing_part_of_the_contract_is_refused(tmp_path):
    module = tmp_path / "detectors.py"
    module.write_text("SEEDS = (0,)\nSIMPLE = {}\n", encoding="utf-8")
    source = corpus.detectors_source(module)
    with pytest.raises(corpus.DetectorsNotFound, match="make_protocol, LSTMS"):
        corpus.load_detectors(source)
    with pytest.raises(corpus.DetectorsNotFound, match="no such file"):
        corpus.detectors_source(tmp_path / "missing.py")


def test_without_tagged_cells_the_runner_names_the_stand_in(tmp_path):
    notebook = tmp_path / "03.py"
    notebook.write_text("# %%\nx = 1\n", encoding="utf-8")
    assert corpus.notebook_cells(notebook) == []
    tagged = tmp_path / "03_tagged.py"
    tagged.write_text(
        textwrap.dedent(
            """\
            # %%
            x = 1

            # %% tags=["detectors"]
            SEEDS = (0, 1)

            # %% tags=["detectors"]
            SIMPLE = {}
            """
        ),
        encoding="utf-8",
    )
    assert [c.strip() for c in corpus.notebook_cells(tagged)] == ["SEEDS = (0, 1)", "SIMPLE = {}"]


def test_csv_round_trips_every_float_to_the_last_bit():
    frame = pd.DataFrame([{c: None for c in corpus.COLUMNS}])
    frame["pr_auc"] = 0.1 + 0.2
    frame["threshold"] = 1 / 3
    frame["seed"] = 2
    back = corpus.as_written(frame)
    assert back.at[0, "pr_auc"] == 0.1 + 0.2 and back.at[0, "threshold"] == 1 / 3
    assert str(back["seed"].dtype) == "Int64"


def _notebook_6_reads() -> list[str]:
    """The list ``READS`` in notebook 6's source: the columns of corpus.csv it uses."""
    tree = ast.parse(NOTEBOOK_6.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "READS" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{NOTEBOOK_6.name} defines no READS list")


def test_the_committed_results_have_every_column_notebook_6_reads():
    reads = _notebook_6_reads()
    assert set(reads) <= set(corpus.COLUMNS), set(reads) - set(corpus.COLUMNS)
    committed = corpus.read_results(COMMITTED_CSV)
    header = pd.read_csv(COMMITTED_CSV, nrows=0).columns
    assert list(header) == corpus.COLUMNS
    for col in reads:
        assert committed[col].notna().any(), f"{col} is empty in {COMMITTED_CSV.name}"


def test_the_committed_results_cover_the_corpus_every_detector_and_seed():
    committed = corpus.read_results(COMMITTED_CSV)
    meta = _committed_meta()
    assert set(committed["series"]) == set(nab.SERIES) == set(meta["series"])
    assert not committed.duplicated(corpus.KEY).any()
    # no detector failed; a series is skipped only as a whole, with the reason recorded
    assert not committed["status"].str.startswith("error").any()
    skipped = committed[committed["status"].str.startswith("skipped: ")]
    refused = committed[committed["status"].str.startswith("refused: ")]
    assert len(skipped) + len(refused) == (committed["status"] != "ok").sum()
    # a refused detector has its reason and no metrics, on a series that was run
    assert refused[["event_f1", "pr_auc", "false_alarms_per_day"]].isna().all().all()
    assert (refused["status"].str.len() > len("refused: ")).all()
    assert not set(refused["series"]) & set(skipped["series"])
    assert len(refused) < 0.1 * len(committed), "most detector runs must give a result"
    for name, group in skipped.groupby("series"):
        assert len(group) == (committed["series"] == name).sum()
        assert meta["series"][name]["status"] == group["status"].iloc[0]
        assert group[["event_f1", "pr_auc", "false_alarms_per_day"]].isna().all().all()
    assert skipped["series"].nunique() <= 3, "most series must be run, not skipped"
    assert len(meta["seeds"]) >= 3
    detectors = committed.groupby("series")["detector"].apply(frozenset)
    assert detectors.nunique() == 1
    lstm = committed[committed["kind"] == "LSTM"]
    seeds = lstm.groupby(["series", "detector"])["seed"].apply(sorted)
    assert (seeds.map(list) == pd.Series([meta["seeds"]] * len(seeds), index=seeds.index)).all()
    assert committed.loc[committed["kind"] == "simple", "seed"].isna().all()
    # what made them, recorded
    assert meta["keras_backend"] in ("jax", "tensorflow") and len(meta["git"]["commit"]) == 40
    run = meta["whole_corpus_run"]
    assert run["series_run"] == len(nab.SERIES) and run["wall_seconds"] > 0
