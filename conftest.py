"""Root pytest configuration, for `pytest --nbmake notebooks` as much as for `pytest tests`.

Notebooks 3 and 4 need a few NAB files. With no local copy (LSTM_HELPERS_DATA, the cache) and no
network, those notebooks and their solutions are skipped, with the reason; every other test runs.
"""

from __future__ import annotations

import functools

import pytest

# Notebooks (and their solutions) that read NAB series.
NAB_NOTEBOOK_STEMS = ("03_real_data_nab", "04_thresholds_and_evaluation")
NAB_FILES = (
    "data/realKnownCause/machine_temperature_system_failure.csv",
    "data/realKnownCause/nyc_taxi.csv",
    "data/artificialWithAnomaly/art_daily_jumpsup.csv",  # notebook 3's Exercise 1
)


@functools.cache
def nab_unavailable() -> str | None:
    """Why the NAB data cannot be had here, or None when it can."""
    from lstm_helpers.datasets import LABELS, NabError, nab_path

    try:
        for rel in (*NAB_FILES, LABELS):
            nab_path(rel, timeout=10)
    except NabError as err:
        return str(err)
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.suffix == ".ipynb" and item.path.name.startswith(NAB_NOTEBOOK_STEMS):
            reason = nab_unavailable()
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"NAB data unavailable: {reason}"))
