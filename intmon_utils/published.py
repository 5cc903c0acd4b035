"""The published tables: observations after disclosure control and the indicators from them.

Computed once per data state and threshold policy (``disclosure.policy``: the strictest
threshold of every report that shows a cell) and cached under ``<data>/derived/`` (keyed by
the store's fingerprint), so hundreds of notebooks read one Parquet file instead of
recomputing, and a rerun with unchanged data does not repeat the audit. Delete the folder at
any time; it is rebuilt on demand.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .catalogue import load_catalogue
from .disclosure import protect_audited, violations
from .disclosure.policy import ThresholdPolicy
from .errors import DataError
from .fileio import atomic_path
from .indicators import compute_indicators
from .spatial import spatial_indicators
from .store import ObservationStore
from .survey import survey_indicators

log = logging.getLogger(__name__)


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


def cache_dir(store: ObservationStore) -> Path:
    """``<data>/derived/``; for a data folder this user cannot write (a read-only copy, a
    colleague's store), a folder of the user's own cache, readable by them only."""
    if os.access(store.root, os.W_OK) and (
        not store.derived_dir.exists() or os.access(store.derived_dir, os.W_OK)
    ):
        return store.derived_dir
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "intmon"
    folder = base / hashlib.sha256(str(store.root.resolve()).encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _paths(store: ObservationStore, policy: ThresholdPolicy):
    stem = f"policy-{policy.key()}_{cache_key(store)}"
    folder = cache_dir(store)
    return (
        folder / f"observations_{stem}.parquet",
        folder / f"indicators_{stem}.parquet",
    )


def build(store: ObservationStore, policy: ThresholdPolicy) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Protect the observations, audit them, compute every indicator (register-based and
    survey-based); cache both tables. Returns new frames the caller may change."""
    obs_path, ind_path = _paths(store, policy)
    if obs_path.exists() and ind_path.exists():
        return pd.read_parquet(obs_path), pd.read_parquet(ind_path)
    return _compute(store, policy, obs_path, ind_path)


def ensure(store: ObservationStore, policy: ThresholdPolicy) -> tuple[Path, Path]:
    """The paths of the cached tables, computing them first if needed (without reading)."""
    obs_path, ind_path = _paths(store, policy)
    if not (obs_path.exists() and ind_path.exists()):
        _compute(store, policy, obs_path, ind_path)
    return obs_path, ind_path


def _compute(store, policy: ThresholdPolicy, obs_path, ind_path):
    areas = store.read_areas()
    observations = store.read_observations().reset_index(drop=True)
    min_count = policy.min_count(observations["area_id"])
    protected, audit_result, extra = protect_audited(observations, areas, min_count)
    log.info(
        "disclosure audit: %d suppressed cells, %d identities, %d components, %d linear "
        "programs, %d cells added by the audit",
        audit_result.cells,
        audit_result.identities,
        audit_result.components,
        audit_result.programs,
        extra,
    )
    problems = violations(protected, areas, min_count)
    if len(problems):
        raise DataError(
            f"disclosure audit failed for {len(problems)} cells, e.g. "
            f"{problems.iloc[0].to_dict()}; nothing was published"
        )
    table = _indicator_table(store, protected, areas, policy.min_cases)
    # which suppressions were primary is known here and nowhere after: not published
    published = protected.drop(columns="disclosure")
    for path, frame in ((obs_path, published), (ind_path, table)):
        with atomic_path(path) as tmp:
            frame.to_parquet(tmp, index=False)
    # tables of earlier data or code states are obsolete (other thresholds of this state stay)
    current = cache_key(store)
    for old in obs_path.parent.glob("*.parquet"):
        if not old.stem.endswith(f"_{current}"):
            old.unlink(missing_ok=True)
    return published, table


def _indicator_table(store, observations, areas, min_cases) -> pd.DataFrame:
    """Every indicator (register-based, spatial and survey-based) of these observations."""
    catalogue = load_catalogue()
    parts = [
        compute_indicators(observations, catalogue),
        spatial_indicators(observations, areas, catalogue),
    ]
    micro = store.read_surveys()
    if micro is not None:
        parts.append(survey_indicators(micro, catalogue, min_cases))
    return pd.concat(parts, ignore_index=True)


INTERNAL = "intern – nicht zur Veröffentlichung"


def internal_tables(store: ObservationStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The observations and indicators **without** disclosure control, for the statistics
    office's own checks. Never cached, never written beside the published tables; every row
    carries the column ``classification`` = :data:`INTERNAL`."""
    observations = store.read_observations()
    table = _indicator_table(store, observations, store.read_areas(), 1)
    return (
        observations.assign(classification=INTERNAL),
        table.assign(classification=INTERNAL),
    )


@dataclass(frozen=True)
class Published:
    """The published tables of one data state and threshold, indexed by area, so that a
    report takes the rows of its few areas without scanning the whole of Germany."""

    observations: pd.DataFrame
    indicators: pd.DataFrame
    areas: pd.DataFrame
    _obs_rows: dict = field(repr=False)
    _ind_rows: dict = field(repr=False)

    @classmethod
    def of(cls, observations, indicators, areas) -> Published:
        return cls(
            observations,
            indicators,
            areas,
            observations.groupby("area_id", observed=True).indices,
            indicators.groupby("area_id", observed=True).indices,
        )

    def for_areas(self, area_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(observations, indicators) of these areas, as new frames in the stored order."""

        def take(frame, index):
            rows = [index[a] for a in dict.fromkeys(area_ids) if a in index]
            pos = np.sort(np.concatenate(rows)) if rows else np.array([], dtype=int)
            return frame.take(pos).reset_index(drop=True)

        return take(self.observations, self._obs_rows), take(self.indicators, self._ind_rows)


@lru_cache(maxsize=2)
def _load(obs_path: Path, ind_path: Path, areas_path: Path) -> Published:
    """(The paths name the data and code state: a change to either gives new paths.)"""
    return Published.of(
        pd.read_parquet(obs_path), pd.read_parquet(ind_path), pd.read_parquet(areas_path)
    )


def load(store: ObservationStore, policy: ThresholdPolicy) -> Published:
    """The published tables, built if needed and kept in memory by this process: a warm
    kernel running one report after another reads them once (the key changes with any
    change to the data or the code)."""
    return _load(*ensure(store, policy), store.areas_path)


@lru_cache(maxsize=2)
def _read(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def indicators(store: ObservationStore, policy: ThresholdPolicy) -> pd.DataFrame:
    """The published indicator table alone, kept in memory by this process (do not change
    it; :func:`build` returns copies)."""
    return _read(ensure(store, policy)[1])
