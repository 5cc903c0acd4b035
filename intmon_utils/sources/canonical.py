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

from ..errors import DataError
from ..fileio import digest
from ..store import ObservationStore

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
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.suffix.lower() == ".parquet":
        df = pd.read_parquet(path)
        for col in set(TEXT_COLUMNS) & set(df.columns):
            if not pd.api.types.is_string_dtype(df[col]):
                raise DataError(
                    f"{path}: column '{col}' must be text in the Parquet file "
                    f"(area ids lose leading zeros as numbers)"
                )
        return df
    with open(path, encoding="utf-8-sig") as fh:
        header = fh.readline()
    sep = ";" if header.count(";") > header.count(",") else ","
    return pd.read_csv(
        path,
        sep=sep,
        dtype=TEXT_COLUMNS,
        keep_default_na=False,
        na_values={"value": [""]},
        encoding="utf-8-sig",
    )


def import_areas(paths: list[str | Path], store: ObservationStore) -> str:
    """Area register in intmon's table format (CSV or Parquet)."""
    frames = [read_table(p) for p in paths]
    areas = pd.concat(frames, ignore_index=True)
    if "synthetic" not in areas:
        areas["synthetic"] = False
    areas["parent_id"] = areas.get("parent_id", "").fillna("")
    dup = areas["area_id"].duplicated()
    if dup.any():
        raise DataError(
            f"{', '.join(map(str, paths))}: area ids occur twice: "
            f"{sorted(areas.loc[dup, 'area_id'])[:5]}"
        )
    store.write_areas(areas)
    return f"{len(areas)} areas written to {store.areas_path}"


def import_observations(paths: list[str | Path], store: ObservationStore) -> str:
    """Observations in intmon's long format (CSV or Parquet)."""
    areas = store.read_areas()
    level = areas.set_index("area_id")["level"]
    messages, prepared = [], []
    for path in paths:
        path = Path(path)
        df = read_table(path)
        df["status"] = df["status"].replace("", "ok") if "status" in df else "ok"
        value = pd.to_numeric(df["value"], errors="coerce")
        df.loc[(df["status"] == "ok") & (value == 0), "status"] = "zero"
        if "source" not in df:
            df["source"] = path.name
        df["area_level"] = df["area_id"].map(level).fillna("subdistrict")
        prepared.append((path, df))
    with store.transaction():
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
