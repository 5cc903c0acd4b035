"""The published tables: observations after disclosure control and the indicators from them.

Computed once per data state and threshold and cached under ``<data>/derived/`` (keyed by
the store's fingerprint), so hundreds of notebooks read one Parquet file instead of
recomputing. Delete the folder at any time; it is rebuilt on demand.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .catalogue import load_catalogue
from .disclosure import protect, violations
from .errors import DataError
from .fileio import atomic_path
from .indicators import compute_indicators
from .store import ObservationStore
from .spatial import spatial_indicators
from .survey import survey_indicators


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's code and configuration (catalogue, vocabulary): a change to any
    of them must invalidate cached tables and rerun reports."""
    h = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.yml")]):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_key(store: ObservationStore) -> str:
    """Identifies the published tables: the data and the code that turned them into tables."""
    return hashlib.sha256(f"{store.fingerprint()}:{code_fingerprint()}".encode()).hexdigest()[:16]


def _paths(store: ObservationStore, min_count: int, min_cases: int):
    stem = f"min{min_count}-{min_cases}_{cache_key(store)}"
    return (store.derived_dir / f"observations_{stem}.parquet",
            store.derived_dir / f"indicators_{stem}.parquet")


def build(store: ObservationStore, min_count: int, min_cases: int = 30
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Protect the observations, audit them, compute every indicator (register-based and
    survey-based); cache both tables."""
    obs_path, ind_path = _paths(store, min_count, min_cases)
    if obs_path.exists() and ind_path.exists():
        return pd.read_parquet(obs_path), pd.read_parquet(ind_path)
    areas = store.read_areas()
    protected = protect(store.read_observations(), areas, min_count)
    problems = violations(protected, areas, min_count)
    if len(problems):
        raise DataError(f"disclosure audit failed for {len(problems)} cells, e.g. "
                        f"{problems.iloc[0].to_dict()}; nothing was published")
    table = pd.concat([compute_indicators(protected, load_catalogue()),
                       spatial_indicators(protected, areas, load_catalogue())], ignore_index=True)
    micro = store.read_surveys()
    if micro is not None:
        table = pd.concat([table, survey_indicators(micro, load_catalogue(), min_cases)],
                          ignore_index=True)
    for path, frame in ((obs_path, protected), (ind_path, table)):
        with atomic_path(path) as tmp:
            frame.to_parquet(tmp, index=False)
    # tables of earlier data or code states are obsolete
    for old in store.derived_dir.glob(f"*_min{min_count}-{min_cases}_*.parquet"):
        if old not in (obs_path, ind_path):
            old.unlink(missing_ok=True)
    return protected, table


def indicator_table(store: ObservationStore, min_count: int, min_cases: int = 30) -> pd.DataFrame:
    return build(store, min_count, min_cases)[1]
