"""The area register's rules, as pure functions over its rows: which rows are well formed, how
an import adds to the register, and what an import that brings areas should be warned about.
The store (:mod:`intmon_utils.store`) stages the result."""

from __future__ import annotations

import pandas as pd

from .area_ids import is_valid_area_id
from .errors import DataError
from .schema import AREA_COLUMNS, fail_at_rows


def checked(areas: pd.DataFrame) -> pd.DataFrame:
    """The register's columns of ``areas``; an error for a missing column or a malformed id."""
    missing = [c for c in AREA_COLUMNS if c not in areas.columns]
    if missing:
        raise DataError(f"area register: missing columns {missing}")
    bad = ~areas["area_id"].map(is_valid_area_id)
    if bad.any():
        fail_at_rows(
            "area register",
            areas.reset_index(drop=True),
            bad.to_numpy(),
            "area_id",
            "malformed area id",
            "use text ids such as '09761000'",
        )
    return areas[AREA_COLUMNS].reset_index(drop=True)


def merged(old: pd.DataFrame, areas: pd.DataFrame, update: bool) -> pd.DataFrame:
    """The register ``old`` with ``areas`` added (both checked). An id already there keeps its
    row, unless ``update`` (a register imported on purpose): then the new row replaces it and
    keeps the old ``synthetic`` flag where the new row has none."""
    known = areas["area_id"].isin(old["area_id"])
    if update:
        flags = areas["area_id"].map(old.set_index("area_id")["synthetic"])
        areas = areas.assign(synthetic=areas["synthetic"].where(areas["synthetic"].notna(), flags))
        out = pd.concat([old[~old["area_id"].isin(areas["area_id"])], areas], ignore_index=True)
    else:
        out = pd.concat([old, areas[~known]], ignore_index=True)
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    return out.sort_values("area_id", ignore_index=True)


def warnings(old: pd.DataFrame, areas: pd.DataFrame) -> list[str]:
    """What a publisher's file that brings ``areas`` to the register ``old`` should say: areas
    new to the register (added), and names that differ from the register's (which keeps its
    own)."""
    out = []
    known = areas["area_id"].isin(old["area_id"])
    new = areas[~known]
    if len(new):
        shown = ", ".join(f"{a} ({n})" for a, n in zip(new["area_id"][:5], new["name"][:5]))
        more = f" and {len(new) - 5} more" if len(new) > 5 else ""
        out.append(f"{len(new)} areas new to the area register were added: {shown}{more}")
    names = old.set_index("area_id")["name"]
    renamed = areas[known & (areas["name"] != areas["area_id"].map(names))]
    if len(renamed):
        row = renamed.iloc[0]
        out.append(
            f"{len(renamed)} areas are named differently than in the register, which keeps its "
            f"names (e.g. {row['area_id']}: register '{names[row['area_id']]}', file "
            f"'{row['name'][:80]}')"
        )
    return out
