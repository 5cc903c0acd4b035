"""The observation table's schema: its columns, and the checks every table passes at the
boundary before the store keeps it (errors name the file, the row and the column, and say what
to do)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .area_ids import area_id_hint, is_valid_area_id
from .changes import KEY_COLUMNS
from .errors import DataError
from .statuses import NUMBER_REQUIRED, OBSERVATION_SYMBOLS, SYMBOL_ONLY
from .vocabulary import load_vocabulary

OBSERVATION_COLUMNS = [
    "area_id",
    "area_level",
    "year",
    "variable",
    "group",
    "sex",
    "age",
    "value",
    "status",
    "source",
]
AREA_COLUMNS = ["area_id", "name", "level", "kind", "parent_id", "synthetic"]


def fail_at_rows(origin: str, df: pd.DataFrame, mask, column: str, problem: str, todo: str):
    rows = np.flatnonzero(np.asarray(mask))
    first = rows[:5]
    rows_in_file = df["origin_row"].to_numpy() if "origin_row" in df else np.arange(1, len(df) + 1)
    examples = "; ".join(f"row {rows_in_file[i]}: {column}={df.iloc[i][column]!r}" for i in first)
    more = f" (and {len(rows) - len(first)} more rows)" if len(rows) > len(first) else ""
    raise DataError(f"{origin}: {problem} in column '{column}' ({examples}{more}) -> {todo}")


def validate_observations(
    df: pd.DataFrame, origin: str, areas: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Check an observation table at the boundary; return it with canonical dtypes.

    Errors name the origin (file), the row and the column, and say what to do.
    """
    missing = [c for c in OBSERVATION_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"{origin}: missing columns {missing}; an observation table needs {OBSERVATION_COLUMNS}"
        )
    df = df[OBSERVATION_COLUMNS + [c for c in ("origin_row",) if c in df]].reset_index(drop=True)
    vocab = load_vocabulary()
    ids = pd.unique(df["area_id"])  # checked once per distinct id
    bad_id = df["area_id"].isin([i for i in ids if not is_valid_area_id(i)])
    if bad_id.any():
        bad_ids = df.loc[bad_id, "area_id"].astype(str)
        fail_at_rows(origin, df, bad_id, "area_id", "malformed area id", area_id_hint(bad_ids))
    checks = {
        "variable": vocab.variables,
        "group": vocab.groups,
        "sex": vocab.sexes,
        "age": vocab.ages,
        "area_level": vocab.area_levels,
        "status": OBSERVATION_SYMBOLS,
    }
    for column, allowed in checks.items():
        bad = ~df[column].isin(list(allowed))
        if bad.any():
            where = (
                "the status list (intmon_utils/statuses.py)"
                if column == "status"
                else "intmon_utils/vocabulary.yml"
            )
            fail_at_rows(
                origin,
                df,
                bad,
                column,
                "value not in the vocabulary",
                f"use one of {sorted(allowed)} (see {where})",
            )
    year = pd.to_numeric(df["year"], errors="coerce")
    if year.isna().any() or (year % 1 != 0).any():
        fail_at_rows(
            origin,
            df,
            year.isna() | (year % 1 != 0),
            "year",
            "not a whole year",
            "give the reference year as a number such as 2024",
        )
    df["year"] = year.astype("int64")
    value = pd.to_numeric(df["value"], errors="coerce")
    if (value.isna() & df["value"].notna()).any():
        fail_at_rows(
            origin,
            df,
            value.isna() & df["value"].notna(),
            "value",
            "not a number",
            "write numbers without symbols; put '.', '-', 'x' into the status column",
        )
    df["value"] = value.astype("float64")
    if np.isinf(df["value"]).any():
        fail_at_rows(
            origin,
            df,
            np.isinf(df["value"]),
            "value",
            "not a finite number",
            "a count is a whole number; check the file's value column",
        )
    if (df["value"] < 0).any():
        fail_at_rows(
            origin,
            df,
            df["value"] < 0,
            "value",
            "negative count",
            "counts cannot be negative; check the source file",
        )
    symbol_with_value = df["status"].isin(list(SYMBOL_ONLY)) & df["value"].notna()
    if symbol_with_value.any():
        fail_at_rows(
            origin,
            df,
            symbol_with_value,
            "value",
            "a value is given for a symbol status",
            "leave value empty when status is secret, not_meaningful, uncertain or "
            "not_yet_available",
        )
    no_value = df["status"].isin(NUMBER_REQUIRED) & df["value"].isna()
    if no_value.any():
        fail_at_rows(
            origin,
            df,
            no_value,
            "value",
            "status 'ok' without a value",
            "give the value or the status symbol that explains why it is missing",
        )
    zero_bad = (df["status"] == "zero") & ~(df["value"].fillna(0) == 0)
    if zero_bad.any():
        fail_at_rows(
            origin,
            df,
            zero_bad,
            "value",
            "status 'zero' with a non-zero value",
            "status 'zero' ('-') means exactly 0",
        )
    df.loc[df["status"] == "zero", "value"] = 0.0
    dup = df.duplicated(KEY_COLUMNS, keep=False)
    if dup.any():
        fail_at_rows(
            origin,
            df,
            dup,
            "area_id",
            f"duplicate key {KEY_COLUMNS}",
            "each area, year, variable, group, sex and age may occur once per source",
        )
    if areas is not None:
        unknown = ~df["area_id"].isin(areas["area_id"])
        if unknown.any():
            fail_at_rows(
                origin,
                df,
                unknown,
                "area_id",
                "area id not in the area register",
                "add the area to areas.parquet or correct the id",
            )
    return df
