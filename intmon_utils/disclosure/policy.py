"""Which threshold protects which cell: the strictest of every report that shows it.

A working group may set ``disclosure.min_count`` and ``min_cases`` per area. The cells of the
Land, of Germany, of peers and of sub-districts are shown by several reports; if each report
protected them at its own threshold, a cell hidden at 5 in one report would be printed in the
next at 3. So there is **one** protected table per workspace, and each area's cells carry the
strictest threshold of the reports that show that area (the area's own report, the reports
that compare with it, and the report of its parent). Areas no report shows take the
thresholds of ``defaults.yml``. Specification: docs/methods/disclosure-control.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..comparisons import report_areas
from ..config.parameters import DEFAULTS_FILE, discover, load_defaults, load_parameters
from ..errors import IntmonError


@dataclass(frozen=True)
class ThresholdPolicy:
    """(min_count, min_cases) per area; ``default`` for every area not listed."""

    default: tuple[int, int]
    by_area: tuple[tuple[str, int, int], ...] = ()  # sorted by area id

    @classmethod
    def uniform(cls, min_count: int = 3, min_cases: int = 30) -> ThresholdPolicy:
        """One threshold for every cell (tests, benchmarks, a single-area workspace)."""
        return cls((min_count, min_cases))

    @classmethod
    def strictest(
        cls, default: tuple[int, int], reports: Iterable[tuple[Iterable[str], int, int]]
    ) -> ThresholdPolicy:
        """From ``(areas shown, min_count, min_cases)`` per report: per area the largest
        threshold of any report that shows it."""
        count: dict[str, int] = {}
        cases: dict[str, int] = {}
        for shown, min_count, min_cases in reports:
            for area in shown:
                count[area] = max(count.get(area, 0), min_count)
                cases[area] = max(cases.get(area, 0), min_cases)
        # areas at the default need no entry: a workspace at one threshold has the key
        # (and shares the cached tables) of ThresholdPolicy.uniform
        entries = ((a, count[a], cases[a]) for a in sorted(count))
        return cls(default, tuple(e for e in entries if e[1:] != default))

    def of_area(self, area_id: str) -> tuple[int, int]:
        """(min_count, min_cases) protecting the cells of ``area_id``."""
        for area, min_count, min_cases in self.by_area:
            if area == area_id:
                return min_count, min_cases
        return self.default

    def _lookup(self, area_ids, column: int) -> np.ndarray:
        table = {row[0]: row[column + 1] for row in self.by_area}
        fallback = self.default[column]
        return np.array([table.get(a, fallback) for a in area_ids], dtype="int64")

    def min_count(self, area_ids) -> np.ndarray:
        """Per cell (by its area id): the count threshold."""
        return self._lookup(area_ids, 0)

    def min_cases(self, area_ids) -> np.ndarray:
        """Per cell (by its area id): the respondent threshold of survey shares."""
        return self._lookup(area_ids, 1)

    def key(self) -> str:
        """A short name of this policy for cache file names."""
        text = repr((self.default, self.by_area))
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def range(self, area_ids: list[str]) -> tuple[int, int]:
        """The smallest and largest ``min_count`` among ``area_ids`` (a report's areas)."""
        counts = self.min_count(list(area_ids)) if area_ids else [self.default[0]]
        return int(min(counts)), int(max(counts))


def workspace_policy(parameter_dir: str | Path, areas: pd.DataFrame) -> ThresholdPolicy:
    """The policy of a parameter folder: every parameter file's report and the areas it
    shows (a file that does not load makes no report, so it sets no threshold).

    Kept per process while the parameter files (name, size, modification time) and the area
    hierarchy are unchanged: a warm kernel making report after report of a 400-Kreise
    workspace reads the 400 files once, not once per report."""
    files = [Path(parameter_dir) / DEFAULTS_FILE, *discover(parameter_dir)]
    stamp = tuple((str(p), st.st_mtime_ns, st.st_size) for p in files if (st := _stat(p)))
    hierarchy = areas[["area_id", "parent_id", "level"]]
    key = (str(Path(parameter_dir).resolve()), stamp, _digest(hierarchy))
    if key not in _POLICIES:
        _POLICIES.clear()  # one workspace per process is the rule; never grow
        _POLICIES[key] = _read_policy(parameter_dir, areas)
    return _POLICIES[key]


_POLICIES: dict[tuple, ThresholdPolicy] = {}


def _stat(path: Path):
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _digest(frame: pd.DataFrame) -> int:
    return int(pd.util.hash_pandas_object(frame, index=False).sum())


def _read_policy(parameter_dir: str | Path, areas: pd.DataFrame) -> ThresholdPolicy:
    defaults = load_defaults(parameter_dir)
    reports = []
    for path in discover(parameter_dir):
        try:
            params = load_parameters(path, defaults)
        except IntmonError:
            continue  # intmon run reports the broken file as a failed job
        shown = report_areas(params.area_id, areas, params.peers)
        reports.append((shown, *params.thresholds))
    return ThresholdPolicy.strictest(defaults.thresholds, reports)
