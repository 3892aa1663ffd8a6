"""Root pytest configuration, for `pytest --nbmake notebooks` as much as for `pytest tests`.

Notebook 3 needs a few NAB files. With no local copy (LSTM_HELPERS_DATA, the cache) and no
network, that notebook and its solutions are skipped, with the reason; every other test runs.
"""

from __future__ import annotations

import functools

import pytest

NAB_NOTEBOOK_STEM = "03_real_data_nab"
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
        if item.path.suffix == ".ipynb" and item.path.name.startswith(NAB_NOTEBOOK_STEM):
            reason = nab_unavailable()
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"NAB data unavailable: {reason}"))
