"""Reading and importing district tables.

Pipeline for one file (each step a small function):

1. ``load_mapping``: validate the YAML mapping (``mapping.py``);
2. ``read_grid`` → ``make_table``: raw rows of text cells (CSV or XLSX), header, skipped rows
   and footer removed; every row keeps its row number in the file (``grid.py``);
3. ``classify_areas``: per row base area, aggregate (imported as its own area or dropped) or
   excluded; the intmon area ids and the area register (``areas.py``);
4. the layout (``layouts.LAYOUTS``: ``wide`` or ``long``) turns rows into cells;
5. ``_parse_values``: ``sources.cells.parse_cells`` reads numbers and symbols;
   ``_merge_duplicates``; the canonical observation table is validated like the store does.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError, MappingError
from ...store import (
    AREA_COLUMNS,
    KEY_COLUMNS,
    OBSERVATION_COLUMNS,
    ObservationStore,
    validate_observations,
)
from ...validation import check_import
from ..cells import parse_cells
from .areas import SUBDISTRICT, Context, classify_areas
from .fields import DOCS
from .grid import make_table, read_grid, require_columns, row_error
from .layouts import layout_of
from .mapping import TARGET_KEYS, DistrictMapping, load_mapping


@dataclass
class DistrictTable:
    """One file read through its mapping: canonical observations (plus ``origin_row``), the
    areas for the register, and notes on what was left out and why."""

    observations: pd.DataFrame
    areas: pd.DataFrame
    notes: list[str]


# ---------------------------------------------------------------------------------------------
# years, values, duplicates
# ---------------------------------------------------------------------------------------------


def _years(rows: pd.DataFrame, m: DistrictMapping, year: int | None, origin: str) -> pd.Series:
    if m.year_column is None:
        fixed = m.constant_year
        chosen = fixed if fixed is not None else year
        if chosen is None:
            raise DataError(
                f"{origin}: the mapping {m.origin} gives no year -> add 'year: 2022' "
                f"or 'year: {{column: NAME}}' to it, or pass --year"
            )
        if fixed is not None and year is not None and year != fixed:
            raise DataError(
                f"{origin}: --year {year} contradicts 'year: {fixed}' in {m.origin} "
                f"-> drop one of them"
            )
        return pd.Series(chosen, index=rows.index, dtype="int64")
    text = rows[m.year_column].map(lambda c: str(c).strip())
    bad = ~text.str.fullmatch(r"(19|20)\d\d")
    if bad.any():
        raise row_error(
            origin,
            rows,
            bad.to_numpy(),
            m.year_column,
            text,
            "cells that are not a year",
            "the year column must hold years such as "
            "2012; otherwise set a constant 'year:' in the mapping",
        )
    return text.astype("int64")


def _parse_values(
    cells: pd.DataFrame, m: DistrictMapping, origin: str
) -> tuple[pd.DataFrame, list[str]]:
    """Numbers and symbols via ``parse_cells``, one call per source column (errors name the row)."""
    value = pd.Series(np.nan, index=cells.index, dtype="float64")
    status = pd.Series("", index=cells.index, dtype=object)
    for column, part in cells.groupby("column", sort=False):
        rows = part["_row"].to_numpy()
        if pd.Index(rows).has_duplicates:  # one cell per row and column: parse position-wise
            raise DataError(f"{origin}: column '{column}' is mapped twice for one row")
        dense = pd.Series("", index=np.arange(rows.max()), dtype=object)
        dense.iloc[rows - 1] = part["text"].to_numpy()
        v, s = parse_cells(
            dense, m.publisher, m.decimal, origin=origin, column=column, row_offset=1
        )
        value[part.index] = v.iloc[rows - 1].to_numpy()
        status[part.index] = s.iloc[rows - 1].to_numpy()
    cells = cells.assign(value=value, status=status)
    notes = []
    empty = cells["status"] == "missing"
    if empty.any():
        first = cells[empty].iloc[0]
        if m.empty_cells == "error":
            raise DataError(
                f"{origin}: {int(empty.sum())} empty cells (first: row "
                f"{first['_row']}, column '{first['column']}') -> write the official "
                f"symbol ('.' secret, '-' zero, 'x' not meaningful …) or set "
                f"'empty_cells: skip' in {m.origin} to leave them out"
            )
        notes.append(f"{int(empty.sum())} empty cells left out")
        cells = cells[~empty]
    negative = cells["value"] < 0
    if negative.any():
        first = cells[negative].iloc[0]
        raise DataError(
            f"{origin}: negative count in column '{first['column']}' (row "
            f"{first['_row']}: {first['text'].strip()!r} = {first['value']:g}, "
            f"{int(negative.sum())} cells in all) -> intmon stores counts; check the "
            f"file or map this column to nothing"
        )
    return cells, notes


def _merge_duplicates(cells: pd.DataFrame, origin: str) -> pd.DataFrame:
    """The same key twice: kept once if value and status agree (a repeated denominator)."""
    dup = cells.duplicated(KEY_COLUMNS, keep=False)
    if not dup.any():
        return cells
    groups = cells[dup].groupby(KEY_COLUMNS, sort=False)
    spread = groups.agg(
        values=("value", lambda v: v.fillna(-1).nunique()), statuses=("status", "nunique")
    )
    conflict = spread[(spread["values"] > 1) | (spread["statuses"] > 1)]
    if len(conflict):
        key = conflict.index[0]
        rows = cells[(cells[KEY_COLUMNS] == pd.Series(key, index=KEY_COLUMNS)).all(axis=1)]
        shown = "; ".join(
            f"row {r['_row']} column '{r['column']}': {r['text'].strip()!r}"
            for _, r in rows.head(5).iterrows()
        )
        example = dict(zip(KEY_COLUMNS, key, strict=True))
        raise DataError(
            f"{origin}: {len(conflict)} observations get different values from "
            f"several cells, e.g. {example} ({shown}) -> map only one of these "
            f"columns/labels, or mark aggregate rows as aggregates"
        )
    return cells.drop_duplicates(KEY_COLUMNS, keep="first")


# ---------------------------------------------------------------------------------------------
# reading one file
# ---------------------------------------------------------------------------------------------


def _ags(m: DistrictMapping, area: str | None) -> str:
    mid = m.municipality.id
    if area is not None:
        if not re.fullmatch(r"\d{8}", str(area)):
            raise DataError(
                f"--area {area!r}: district tables need the 8-digit AGS of the "
                f"municipality, e.g. 09162000"
            )
        if mid is not None and mid != area:
            raise DataError(
                f"--area {area} contradicts municipality.id {mid} in {m.origin} -> drop one of them"
            )
        return str(area)
    if mid is None:
        raise MappingError(
            m.origin,
            "municipality.id",
            "is missing",
            'add the municipality\'s AGS in quotes (e.g. id: "11000000"), or pass --area',
        )
    return mid


def read_district_report(
    path: str | Path, mapping, *, area: str | None = None, year: int | None = None
) -> DistrictTable:
    """Like :func:`read_district_table`, with notes on what was left out and why."""
    path = Path(path)
    m = load_mapping(mapping)
    origin = str(path)
    ctx = Context(origin, _ags(m, area), m)
    layout = layout_of(m)
    table = make_table(read_grid(path, m.format, m.decimal), m.format, origin)
    spec = m.areas
    needed = [c for c in (spec.code_column, spec.name_column, m.year_column) if c]
    needed += [lv.column for lv in spec.hierarchy if lv.column] + layout.columns()
    require_columns(table, needed, origin, m.origin)
    rows, areas, notes = classify_areas(table, ctx)
    rows = rows.assign(_year=_years(rows, m, year, origin))
    cells, layout_notes = layout.extract(rows, set(needed))
    cells, value_notes = _parse_values(cells, m, origin)
    cells = _merge_duplicates(cells, origin)
    level = rows.drop_duplicates("_area_id").set_index("_area_id")["_area_level"]
    obs = cells.assign(
        area_level=cells["area_id"].map(level),
        origin_row=cells["_row"],
        source=f"{m.source}: {path.name}" if m.source else path.name,
    )
    obs = obs.sort_values(["area_id", "year", *TARGET_KEYS], ignore_index=True)
    obs = validate_observations(obs[[*OBSERVATION_COLUMNS, "origin_row"]], origin)
    return DistrictTable(obs, areas.reset_index(drop=True), notes + layout_notes + value_notes)


def read_district_table(
    path: str | Path, mapping, *, area: str | None = None, year: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one district table through a mapping: ``(observations, areas)`` in canonical form.

    ``mapping`` is a YAML file, a dict or a loaded :class:`DistrictMapping`. The observations
    have ``store.OBSERVATION_COLUMNS`` plus ``origin_row`` (the row in the file, for messages;
    the store does not keep it). ``areas`` (``store.AREA_COLUMNS``) holds the municipality,
    every base area and every hierarchy level with its ``parent_id``.
    """
    result = read_district_report(path, mapping, area=area, year=year)
    return result.observations, result.areas


# ---------------------------------------------------------------------------------------------
# importing files into the store
# ---------------------------------------------------------------------------------------------


def source_id(path: str | Path) -> str:
    """The store's source id for a file: its name without suffix, other characters as '_'."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", Path(path).stem)


def _check_overlap(store: ObservationStore, tables: dict[str, DistrictTable]) -> None:
    """Refuse observations that another source already holds (the store could not be read)."""
    frames = [t.observations[KEY_COLUMNS].assign(_source=sid) for sid, t in tables.items()]
    if store.observation_dir.exists():
        for p in sorted(store.observation_dir.glob("*.parquet")):
            if p.stem not in tables:
                frames.append(pd.read_parquet(p, columns=KEY_COLUMNS).assign(_source=p.stem))
    both = pd.concat(frames, ignore_index=True)
    dup = both[both.duplicated(KEY_COLUMNS, keep=False)]
    if len(dup):
        sources = sorted(dup["_source"].unique())
        first = dup.iloc[0]
        raise DataError(
            f"the same observations would come from several sources {sources} (e.g. "
            f"{first['area_id']} {first['year']} {first['variable']}/{first['group']}) "
            f"-> import only one of these files, or drop the other source's file "
            f"from {store.observation_dir}; nothing was written"
        )


def _merged_register(store: ObservationStore, areas: pd.DataFrame) -> pd.DataFrame:
    """The area register as ``store.merge_areas(areas)`` will leave it."""
    if not store.areas_path.exists():
        return areas[AREA_COLUMNS].reset_index(drop=True)
    old = store.read_areas()
    return pd.concat(
        [old[~old["area_id"].isin(areas["area_id"])], areas[AREA_COLUMNS]], ignore_index=True
    )


def _dry_run(tables: dict[str, DistrictTable], paths, register: pd.DataFrame) -> None:
    """Run the store's checks on every file before anything is written (warnings stay silent
    here; the store repeats the checks and reports them once while writing)."""
    logger = logging.getLogger("intmon")
    was = logger.disabled
    logger.disabled = True
    try:
        for t, p in zip(tables.values(), paths, strict=True):
            checked = validate_observations(t.observations, str(p), register)
            check_import(checked, str(p), register)
    finally:
        logger.disabled = was


def _new_areas(store: ObservationStore, tables: dict[str, DistrictTable]) -> pd.DataFrame:
    """The areas to add to the register. An area the register already holds above the
    sub-districts (the municipality) keeps its entry, and its level wins in the observations."""
    areas = pd.concat([t.areas for t in tables.values()], ignore_index=True)
    areas = areas.drop_duplicates("area_id", keep="first")
    if not store.areas_path.exists():
        return areas
    known = store.read_areas().set_index("area_id")["level"]
    keep_existing = areas["area_id"].isin(known.index) & (areas["level"] != SUBDISTRICT)
    for t in tables.values():
        obs = t.observations
        mun = obs["area_level"] != SUBDISTRICT
        obs.loc[mun, "area_level"] = (
            obs.loc[mun, "area_id"].map(known).fillna(obs.loc[mun, "area_level"])
        )
    return areas[~keep_existing]


def import_district_table(
    paths,
    store: ObservationStore,
    mapping=None,
    area: str | None = None,
    year: int | None = None,
    **_,
) -> str:
    """Municipal district tables (CSV/XLSX per Stadtteil) read through a YAML mapping (--mapping).

    Every file is read and checked before anything is written; the areas (municipality,
    sub-districts, hierarchy levels) are added to the register, an existing municipality entry
    is kept as it is. Each file becomes one source named after the file.
    """
    if mapping is None:
        raise DataError(
            "district tables need a mapping: pass --mapping FILE (a YAML file; "
            f"examples in mappings/, every key in {DOCS})"
        )
    m = load_mapping(mapping)
    paths = list(paths)
    tables: dict[str, DistrictTable] = {}
    for p in paths:
        sid = source_id(p)
        if sid in tables:
            raise DataError(f"{p}: two files give the source id '{sid}' -> rename one of them")
        tables[sid] = read_district_report(p, m, area=area, year=year)
    _check_overlap(store, tables)
    areas = _new_areas(store, tables)
    _dry_run(tables, paths, _merged_register(store, areas))
    store.merge_areas(areas)
    messages = []
    for (sid, t), p in zip(tables.items(), paths, strict=True):
        target = store.write_observations(t.observations, sid, origin=str(p))
        n_areas = t.observations["area_id"].nunique()
        line = f"{p}: {len(t.observations)} observations of {n_areas} areas written to {target}"
        messages.append("; ".join([line, *t.notes]))
    messages.append(f"{len(areas)} areas added to or updated in {store.areas_path}")
    return "\n".join(messages)
