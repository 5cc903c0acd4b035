"""Importer of a person-level register extract (Melderegister): population by migration
background and immigration history, written into the store.

One extract per municipality and reference year (CSV or Parquet, one row per resident). The
method lives in :mod:`intmon_utils.migration`: the column contract and validation
(``migration.contract``), the migration background after MigraPro
(``docs/methods/migrapro.md``), the Einwanderungsgeschichte
(``docs/methods/einwanderungsgeschichte.md``) and the counts by sub-district, group, sex and
age band (``migration.counts``). This module adds what belongs to importing: the source id,
the municipality in the area register, and the check against counts other sources hold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..migration import aggregate, read_register
from ..schema import AREA_COLUMNS
from ..store import ObservationStore

_AGS = re.compile(r"^[0-9]{8}$")


def source_id_for(ags: str) -> str:
    """Source id of a municipality's register counts: ``register_<AGS>`` (a new year adds to
    it; a re-import of a year replaces that year)."""
    return f"register_{ags}"


def _municipality(store: ObservationStore, ags: str) -> tuple[str, pd.DataFrame]:
    """(level of the municipality, area rows to add): it is created if the register lacks it."""
    if store.areas_path.exists():
        areas = store.read_areas()
        known = areas.loc[areas["area_id"] == ags, "level"]
        if len(known):
            return str(known.iloc[0]), areas.iloc[0:0][AREA_COLUMNS]
    kreisfrei = ags.endswith("000")  # Gemeinde part 000: kreisfreie Stadt / Stadtstaat
    row = {
        "area_id": ags,
        "name": ags,
        "level": "district" if kreisfrei else "municipality",
        "kind": "kreisfreie_stadt" if kreisfrei else "gemeinde",
        "parent_id": ags[:2] if kreisfrei else ags[:5],
        "synthetic": False,
    }
    return row["level"], pd.DataFrame([row])[AREA_COLUMNS]


def import_register(paths, store: ObservationStore, area=None, year=None, **_) -> str:
    """Person-level register extract (CSV/Parquet): migration background, immigration history.

    One extract per call: ``area`` is the municipality's AGS (``--area``), ``year`` the
    reference year (``--year``). The municipality is created in the area register if it is not
    there; the sub-districts are merged into it; the counts are written as source
    ``register_<file stem>``, so a re-import of the same file replaces its rows.
    """
    if area is None or year is None:
        raise DataError(
            "a register extract needs the municipality and the reference year -> "
            "pass --area <AGS> (e.g. --area 09162000) and --year <year> "
            "(e.g. --year 2024)"
        )
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if len(paths) != 1:
        raise DataError(
            f"{len(paths)} files given -> import one register extract per municipality "
            f"and year at a time (concatenate split exports first)"
        )
    ags = str(area)
    if not _AGS.match(ags):
        raise DataError(
            f"--area {ags!r}: not an 8-digit Gemeinde key -> pass the AGS as text, "
            f"e.g. --area 09162000"
        )
    path, year = Path(paths[0]), int(year)
    persons = read_register(path, year)
    level, municipality_rows = _municipality(store, ags)
    source_id = source_id_for(ags)
    obs, sub_areas = aggregate(
        persons,
        ags,
        year,
        municipality_level=level,
        source=f"Melderegister extract {path.name}: MH after MigraPro, "
        f"Einwanderungsgeschichte from register links",
    )
    with store.transaction():
        store.merge_areas(
            pd.concat([municipality_rows, sub_areas], ignore_index=True), origin=str(path)
        )
        target = store.write_observations(obs, source_id, origin=str(path))
    total = obs[(obs["area_id"] == ags) & (obs["sex"] == "total") & (obs["age"] == "total")]
    share = total.set_index("group")["value"] / len(persons)
    return (
        f"{path}: {len(persons):,} persons in {len(sub_areas)} sub-districts of {ags} "
        f"({year}); "
        f"foreign {share['foreign']:.1%}, with migration background "
        f"{share['with_migration_background']:.1%}, with immigration history "
        f"{share['with_immigration_history']:.1%} -> {len(obs):,} observations written to "
        f"{target}"
    )
