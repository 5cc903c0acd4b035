"""intmon's own long format (CSV or Parquet): the simplest way to bring real data in.

Observations: one row per count with the canonical columns (docs/architecture.md) —
``area_id``, ``year``, ``variable``, ``group``, ``sex``, ``age``, ``value`` and optionally
``status`` (default: ``ok``, or ``zero`` for 0) and ``source`` (default: the file name).
``area_level`` is taken from the area register. CSV may use ``,`` or ``;``; area ids are
always read as text.

Area register: ``area_id``, ``name``, ``level``, ``kind``, ``parent_id`` and optionally
``synthetic`` (default false).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..area_ids import bad_code_hint, is_valid_area_id
from ..errors import DataError
from ..fileio import digest
from ..reading import read_table_file
from ..schema import fail_at_rows
from ..store import ObservationStore
from ..vocabulary import load_vocabulary

TEXT_COLUMNS = {
    "area_id": str,
    "parent_id": str,
    "variable": str,
    "group": str,
    "sex": str,
    "age": str,
    "status": str,
    "source": str,
    "name": str,
    "level": str,
    "kind": str,
}


def read_table(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    df = read_table_file(path, "table", TEXT_COLUMNS)
    if path.suffix.lower() == ".parquet":
        for col in set(TEXT_COLUMNS) & set(df.columns):
            if not pd.api.types.is_string_dtype(df[col]):
                raise DataError(
                    f"{path}: column '{col}' must be text in the Parquet file "
                    f"(area ids lose leading zeros as numbers)"
                )
    return df


def import_areas(paths: list[str | Path], store: ObservationStore) -> str:
    """Area register in intmon's table format (CSV or Parquet): added to the register (an id
    already there takes the file's row); with --replace the register becomes the file."""
    origin = ", ".join(map(str, paths))
    areas = check_area_rows(pd.concat([read_table(p) for p in paths], ignore_index=True), origin)
    with store.transaction() as staging:
        old = store.read_areas() if store.has_areas() else None
        if staging.replace or old is None:
            used = store.observed_area_ids() - set(areas["area_id"])
            if used:
                raise DataError(
                    f"{origin}: the new register lacks {len(used)} areas that observations "
                    f"refer to, e.g. {sorted(used)[:5]} -> add them to the file, or remove "
                    f"their sources first (intmon data sources / intmon data remove)"
                )
            _check_parents(areas, set(areas["area_id"]), origin)
            store.write_areas(areas.assign(synthetic=areas["synthetic"].fillna(False)))
            return f"area register replaced: {len(areas)} areas from {origin}"
        _check_parents(areas, set(areas["area_id"]) | set(old["area_id"]), origin)
        added = store.merge_areas(areas, update=True)
    return (
        f"{len(added)} areas added to the register, {len(areas) - len(added)} updated "
        f"(from {origin}); the register holds {len(store.read_areas())}"
    )


def _check_parents(areas: pd.DataFrame, known: set[str], origin: str) -> None:
    orphans = areas[(areas["parent_id"] != "") & ~areas["parent_id"].isin(known)]
    if len(orphans):
        row = orphans.iloc[0]
        raise DataError(
            f"{origin}: parent '{row['parent_id']}' of area '{row['area_id']}' is neither in "
            f"the file nor in the area register ({len(orphans)} areas) -> add the parent "
            f"area, or correct parent_id"
        )


AREA_LAYOUT = "an area table has the columns area_id, name, level, kind and parent_id"
LAYOUT = "an observation table has the columns area_id, year, variable, group, sex, age, value"


def _require(table: pd.DataFrame, origin, columns, rows: str, layout: str) -> None:
    """An error unless ``table`` has ``columns`` and at least one row."""
    missing = [c for c in columns if c not in table]
    if missing:
        raise DataError(f"{origin}: missing columns {missing} -> {layout} (docs/architecture.md)")
    if table.empty:
        raise DataError(f"{origin}: no {rows} (only a header) -> nothing was imported")


def check_area_rows(areas: pd.DataFrame, origin: str) -> pd.DataFrame:
    """Area rows as the register keeps them: every column there, names and levels filled in,
    a known level, no id twice, ``synthetic`` a flag (missing: left to the register)."""
    _require(areas, origin, ("area_id", "name", "level", "kind"), "area rows", AREA_LAYOUT)
    areas = areas.copy()
    bad = ~areas["area_id"].fillna("").map(is_valid_area_id)
    if bad.any():
        raise DataError(
            f"{origin}: {int(bad.sum())} area ids are malformed: "
            f"{bad_code_hint(areas.loc[bad, 'area_id'].fillna(''))}"
        )
    areas["parent_id"] = areas.get("parent_id", "").fillna("")
    for column in ("area_id", "name", "level", "kind"):
        blank = areas[column].fillna("").str.strip() == ""
        if blank.any():
            fail_at_rows(
                origin,
                areas,
                blank,
                column,
                "empty cell (a row cut short?)",
                "fill it in, or export the file again",
            )
    long = areas["name"].str.len() > 200
    if long.any():
        fail_at_rows(
            origin, areas, long, "name", "a name of over 200 characters", "shorten the name"
        )
    levels = load_vocabulary().area_levels
    bad = ~areas["level"].isin(list(levels))
    if bad.any():
        fail_at_rows(origin, areas, bad, "level", "unknown level", f"use one of {sorted(levels)}")
    dup = areas["area_id"].duplicated()
    if dup.any():
        raise DataError(f"{origin}: area ids occur twice: {sorted(areas.loc[dup, 'area_id'])[:5]}")
    if "synthetic" in areas:
        flag = areas["synthetic"].astype(str).str.strip().str.lower()
        bad = ~flag.isin(["true", "false", "1", "0"])
        if bad.any():
            fail_at_rows(origin, areas, bad, "synthetic", "not a flag", "write true or false")
        areas["synthetic"] = flag.isin(["true", "1"])
    else:
        areas["synthetic"] = pd.NA
    return areas


def import_observations(paths: list[str | Path], store: ObservationStore) -> str:
    """Observations in intmon's long format (CSV or Parquet)."""
    areas = store.read_areas()
    level = areas.set_index("area_id")["level"]
    messages, prepared, warnings = [], [], []
    for path in paths:
        path = Path(path)
        df = read_table(path)
        _require(df, path, ("area_id", "year", "variable", "value"), "observations", LAYOUT)
        df["status"] = df["status"].replace("", "ok") if "status" in df else "ok"
        value = pd.to_numeric(df["value"], errors="coerce")
        df.loc[(df["status"] == "ok") & (value == 0), "status"] = "zero"
        fractional = df["variable"].isin(load_vocabulary().additive()) & (value % 1 > 0)
        if fractional.any():
            row = df[fractional].iloc[0]
            warnings.append(
                (
                    str(path),
                    f"{int(fractional.sum())} counts are not whole numbers (e.g. "
                    f"{row['variable']} {row['area_id']} {row['year']}: {row['value']}): "
                    f"right for estimates, else check the decimal separator",
                )
            )
        if "source" not in df:
            df["source"] = path.name
        df["area_level"] = df["area_id"].map(level).fillna("subdistrict")
        prepared.append((path, df))
    with store.transaction():
        for origin, text in warnings:
            store.warn(origin, text)
        for path, df in prepared:
            for source, part in df.groupby("source", sort=True):
                store.write_observations(part, source_id(str(source)), origin=str(path))
            messages.append(f"{path}: {len(df)} observations of {df['source'].nunique()} sources")
    return "\n".join(messages)


def source_id(source: str) -> str:
    """The store's source for a ``source`` text: its start readable, then a digest of it all."""
    return (
        "obs_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", source).strip("_")[:40] + "_" + digest(source)[:8]
    )
