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

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...changes import KEY_COLUMNS
from ...derive import derive_complement
from ...errors import DataError, MappingError
from ...schema import OBSERVATION_COLUMNS, validate_observations
from ...store import ObservationStore
from ..cells import parse_cells
from .areas import SUBDISTRICT, Context, classify_areas
from .fields import DOCS, norm_column
from .grid import check_complete, make_table, read_grid, require_columns, row_error
from .layouts import layout_of
from .mapping import TARGET_KEYS, DistrictMapping, load_mapping


@dataclass
class DistrictTable:
    """One file read through its mapping: canonical observations (plus ``origin_row``), the
    areas for the register, and notes on what was left out and why."""

    observations: pd.DataFrame
    areas: pd.DataFrame
    notes: list[str]
    unmatched: dict[int, str]  # long layout: labels of the mapping no row of this file has
    warnings: list[str]  # what was read although it looks wrong (printed, logged)


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
    text = norm_column(rows[m.year_column], lambda c: str(c).strip())
    bad = ~text.str.fullmatch(r"(19|20)[0-9][0-9]")
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


def _merge_duplicates(cells: pd.DataFrame, origin: str) -> tuple[pd.DataFrame, list[str]]:
    """The same key twice: kept once if value and status agree (a repeated denominator, or
    a repeated row, which is a warning)."""
    dup = cells.duplicated(KEY_COLUMNS, keep=False)
    if not dup.any():
        return cells, []
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
    first_row = cells.groupby(KEY_COLUMNS, sort=False)["_row"].transform("first")
    repeated = cells.loc[dup & (cells["_row"] != first_row), "_row"].unique()
    warnings = (
        [
            f"{len(repeated)} rows repeat the values of earlier rows (first: row "
            f"{repeated[0]}); each value was kept once"
        ]
        if len(repeated)
        else []
    )
    return cells.drop_duplicates(KEY_COLUMNS, keep="first"), warnings


# ---------------------------------------------------------------------------------------------
# reading one file
# ---------------------------------------------------------------------------------------------


def _ags(m: DistrictMapping, area: str | None) -> str:
    mid = m.municipality.id
    if area is not None:
        if not re.fullmatch(r"[0-9]{8}", str(area)):
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
    raw = read_grid(path, m.format, m.decimal)
    table = make_table(raw, m.format, origin)
    spec = m.areas
    needed = [c for c in (spec.code_column, spec.name_column, m.year_column) if c]
    needed += [lv.column for lv in spec.hierarchy if lv.column] + layout.columns()
    require_columns(table, needed, origin, m.origin)
    check_complete(raw, table, needed, layout.value_columns(), origin)
    del raw  # the table holds the rows now (a 100 MB file: about 1 GiB of cell texts)
    rows, areas, notes = classify_areas(table, ctx)
    rows = rows.assign(_year=_years(rows, m, year, origin))
    cells, layout_notes = layout.extract(rows, set(needed), origin)
    cells, value_notes = _parse_values(cells, m, origin)
    cells, warnings = _merge_duplicates(cells, origin)
    level = rows.drop_duplicates("_area_id").set_index("_area_id")["_area_level"]
    obs = cells.assign(
        area_level=cells["area_id"].map(level),
        origin_row=cells["_row"],
        source=f"{m.source}: {path.name}" if m.source else path.name,
    )
    for d in m.derive:
        derived = derive_complement(obs, d.dimension, d.part, d.whole, d.minus, origin)
        obs = pd.concat([obs, derived], ignore_index=True)
        notes.append(
            f"{len(derived)} values of {d.dimension} {d.part} derived as {d.whole} − "
            f"{' − '.join(d.minus)}"
        )
    obs = obs.sort_values(["area_id", "year", *TARGET_KEYS], ignore_index=True)
    obs = validate_observations(obs[[*OBSERVATION_COLUMNS, "origin_row"]], origin)
    return DistrictTable(
        obs,
        areas.reset_index(drop=True),
        notes + layout_notes + value_notes,
        layout.unmatched,
        warnings,
    )


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


def source_id(m: DistrictMapping, ags: str) -> str:
    """The store's source of a district table: the municipality and the table the mapping
    describes (``table:``, else the mapping file's name), so next year's file with the same
    mapping adds its year to the same source, whatever the file is called."""
    table = m.table or Path(m.origin).stem
    return "district_" + re.sub(r"[^A-Za-z0-9_.-]", "_", f"{ags}_{table}")


def _new_areas(store: ObservationStore, tables: list[DistrictTable]) -> pd.DataFrame:
    """The areas to add to the register. An area the register already holds above the
    sub-districts (the municipality) keeps its entry, and its level wins in the observations."""
    areas = pd.concat([t.areas for t in tables], ignore_index=True)
    areas = areas.drop_duplicates("area_id", keep="first")
    if not store.has_areas():
        return areas
    known = store.read_areas().set_index("area_id")["level"]
    keep_existing = areas["area_id"].isin(known.index) & (areas["level"] != SUBDISTRICT)
    for t in tables:
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
    is kept as it is. The files become one source (:func:`source_id`): each replaces what it
    covers (its areas and years), so files of several years add up.
    """
    if mapping is None:
        raise DataError(
            "district tables need a mapping: pass --mapping FILE (a YAML file; "
            f"examples in mappings/, every key in {DOCS})"
        )
    m = load_mapping(mapping)
    paths = list(paths)
    tables = [read_district_report(p, m, area=area, year=year) for p in paths]
    nowhere = set.intersection(*(set(t.unmatched) for t in tables))
    if nowhere:
        i = min(nowhere)
        raise DataError(
            f"labels[{i}] of {m.origin} ({tables[0].unmatched[i]!r}) matches no row of "
            f"{', '.join(map(str, paths))}; nothing was imported -> correct the label (compare "
            f"with the file's label columns), or mark it 'optional: true'"
        )
    sid = source_id(m, _ags(m, area))
    messages = []
    with store.transaction():
        areas = _new_areas(store, tables)
        added = store.merge_areas(areas, origin=", ".join(map(str, paths)))
        for t, p in zip(tables, paths, strict=True):
            for text in t.warnings:
                store.warn(str(p), text)
            store.write_observations(t.observations, sid, origin=str(p))
            n_areas = t.observations["area_id"].nunique()
            line = f"{p}: {len(t.observations)} observations of {n_areas} areas"
            messages.append("; ".join([line, *t.notes]))
    messages.append(f"{len(added)} areas added to {store.areas_path}")
    return "\n".join(messages)
