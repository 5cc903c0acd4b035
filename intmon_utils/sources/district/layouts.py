"""Layouts: how the rows of a district table become cells
``(row, area, year, variable, group, sex, age, column, text)``.

``wide``: one row per area, one column per count. ``long``: one row per area and indicator;
label columns say what the value column(s) hold. ``LAYOUTS`` is the registry: a layout is a
class built from the mapping with ``columns()`` (the file columns it reads) and ``extract()``;
its keys and their checks are part of the mapping schema (``mapping.LAYOUT_KEYS``).
"""

from __future__ import annotations

import difflib
from collections import Counter

import numpy as np
import pandas as pd

from ...errors import DataError
from .fields import norm, norm_column
from .mapping import LAYOUT_KEYS, TARGET_KEYS, DistrictMapping

CELL_COLUMNS = ["_row", "area_id", "year", *TARGET_KEYS, "column", "text"]
# columns added to the file's columns while reading (file row number, area, level, year)
INTERNAL = ("_row", "_area_id", "_area_level", "_year")


def _cells(rows: pd.DataFrame, column: str, texts: pd.Series, target) -> pd.DataFrame:
    out = rows[["_row", "_area_id", "_year"]].rename(
        columns={"_area_id": "area_id", "_year": "year"}
    )
    for key, value in zip(TARGET_KEYS, target, strict=True):
        out[key] = value
    out["column"] = column
    out["text"] = texts.to_numpy()
    return out


class WideLayout:
    """One row per area; one column per variable (``columns: {name: {variable, group, …}}``)."""

    keys = LAYOUT_KEYS["wide"]

    def __init__(self, m: DistrictMapping):
        self.columns_map = {col: target.key for col, target in (m.columns or {}).items()}
        self.unmatched: dict[int, str] = {}  # the long layout's labels no row has

    def columns(self) -> list[str]:
        return list(self.columns_map)

    def value_columns(self) -> list[str]:
        return list(self.columns_map)

    def extract(
        self, rows: pd.DataFrame, used: set[str], origin: str
    ) -> tuple[pd.DataFrame, list[str]]:
        frames = [_cells(rows, col, rows[col], target) for col, target in self.columns_map.items()]
        ignored = [
            c
            for c in rows.columns
            if c not in INTERNAL and c not in self.columns_map and c not in used
        ]
        notes = [f"columns not imported: {', '.join(ignored)}"] if ignored else []
        return pd.concat(frames, ignore_index=True), notes


class LongLayout:
    """One row per area and indicator: label columns say what the value column(s) hold."""

    keys = LAYOUT_KEYS["long"]

    def __init__(self, m: DistrictMapping):
        self.label_columns = tuple(m.label_columns or ())
        self.value_sources = m.value_sources
        # normalised labels → target; several combinations may name the same target
        self.labels = {label.match: label.key for label in m.labels or ()}
        self.required = [(i, lb.match) for i, lb in enumerate(m.labels or ()) if not lb.optional]
        self.mapping = m.origin
        self.unmatched: dict[int, str] = {}  # labels no row of the last file has

    def columns(self) -> list[str]:
        extra = [v.label_column for v in self.value_sources if v.label_column]
        return [*self.label_columns, *(v.column for v in self.value_sources), *extra]

    def value_columns(self) -> list[str]:
        return [v.column for v in self.value_sources]

    def extract(
        self, rows: pd.DataFrame, used: set[str], origin: str
    ) -> tuple[pd.DataFrame, list[str]]:
        base = {f"_l{i}": norm_column(rows[c]) for i, c in enumerate(self.label_columns)}
        frames, skipped, seen = [], Counter(), set()
        for vc in self.value_sources:
            parts = dict(base)
            if vc.label_column:
                parts["_v"] = norm_column(rows[vc.label_column])
            elif vc.label is not None:
                parts["_v"] = pd.Series(norm(vc.label), index=rows.index)
            labels = pd.DataFrame(parts, index=rows.index)
            # one pass per distinct combination of labels (numbered by first appearance)
            group = labels.groupby(list(labels.columns), sort=False).ngroup().to_numpy()
            sizes = np.bincount(group)
            for n, shown in enumerate(labels.drop_duplicates().itertuples(index=False)):
                key = tuple(x.casefold() for x in shown)
                seen.add(key)
                if key not in self.labels:
                    skipped[" | ".join(shown)] += int(sizes[n])
                    continue
                idx = rows.index[group == n]
                frames.append(
                    _cells(rows.loc[idx], vc.column, rows.loc[idx, vc.column], self.labels[key])
                )
        self._check_matched(seen, origin)
        cells = (
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CELL_COLUMNS)
        )
        return cells, _skipped_note(skipped)

    def _check_matched(self, seen: set, origin: str) -> None:
        """A label combination of the mapping that no row has: an error when the file has a
        combination close to it (a typo), else left for the other files of the import
        (``unmatched``; the importer fails if no file has it)."""
        self.unmatched = {}
        for i, match in self.required:
            if match in seen:
                continue
            wanted = " | ".join(match)
            unmapped = [" | ".join(k) for k in seen if k not in self.labels]
            close = difflib.get_close_matches(wanted, unmapped, n=3, cutoff=0.75)
            if close or (len(match) > 1 and match[0] in {k[0] for k in seen if k}):
                close = close or difflib.get_close_matches(wanted, unmapped, n=3, cutoff=0)
                raise DataError(
                    f"{origin}: labels[{i}] of {self.mapping} ({wanted!r}) matches no row of "
                    f"the file -> did you mean {' or '.join(repr(c) for c in close)}? Correct "
                    f"the label, or mark the entry 'optional: true' if the table has it only "
                    f"in some releases"
                )
            self.unmatched[i] = wanted


def _skipped_note(skipped: Counter) -> list[str]:
    if not skipped:
        return []
    top = "; ".join(f"'{k}' ×{n}" for k, n in skipped.most_common(5))
    more = f" and {len(skipped) - 5} more combinations" if len(skipped) > 5 else ""
    return [
        f"{sum(skipped.values())} values skipped because their labels are not mapped ({top}{more})"
    ]


LAYOUTS: dict[str, type] = {"wide": WideLayout, "long": LongLayout}
assert set(LAYOUTS) == set(LAYOUT_KEYS), "every layout needs its keys in mapping.LAYOUT_KEYS"


def layout_of(m: DistrictMapping) -> WideLayout | LongLayout:
    """The layout object the mapping names (``layout: wide`` or ``layout: long``)."""
    return LAYOUTS[m.layout](m)
