"""Survey-based indicators: weighted shares from municipal survey microdata (Bürgerumfrage).

Many housing and participation questions (belonging, experienced discrimination, trust in
the local administration, volunteering, language self-assessment) exist locally only from a
survey. A catalogue entry with ``survey: {item, positive}`` is computed here, per area, year
and group:

- **share** p = Σ w_i y_i / Σ w_i over respondents with a valid answer (y_i = 1 if the answer
  code is in ``positive``); missing answers (empty or negative codes) are excluded;
- **95 % confidence interval**: with weights, the linearised (Taylor) standard error of a
  weighted mean under with-replacement sampling, SE² = Σ w_i² (y_i − p)² / (Σ w_i)², and
  p ± 1.96 SE; without weights (all equal) the Wilson score interval;
- **n_cases**: the unweighted number of valid answers; a share resting on fewer cases than
  ``min_cases`` (parameter ``disclosure.min_cases``, default 30) is not shown: status
  ``uncertain``, the official ``/`` ("keine Angabe, da Zahlenwert nicht sicher genug").

Microdata contract (``intmon import survey``; CSV, Parquet or SPSS ``.sav``): ``area_id`` (text),
``year``, ``weight`` (> 0), ``sex`` (``f``/``m``), ``nationality`` (``german``/``foreign``),
``migration_background`` (``with``/``without``), then one numeric column per item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from .area_ids import is_valid_area_id
from .catalogue import Catalogue, load_catalogue
from .errors import DataError
from .indicators import INDICATOR_COLUMNS
from .methods import wilson_interval
from .validation import MIN_YEAR

Z = 1.959964
BASE_COLUMNS = ["area_id", "year", "weight", "sex", "nationality", "migration_background"]
GROUPS = {
    "total": None,
    "german": ("nationality", "german"),
    "foreign": ("nationality", "foreign"),
    "with_migration_background": ("migration_background", "with"),
    "without_migration_background": ("migration_background", "without"),
}


def validate_survey(df: pd.DataFrame, origin: str) -> pd.DataFrame:
    """Check survey microdata at the boundary; errors name the file, row and column."""
    missing = [c for c in BASE_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"{origin}: missing columns {missing}; survey microdata need "
            f"{BASE_COLUMNS} plus one column per item"
        )
    df = df.reset_index(drop=True).copy()

    def fail(mask, column, problem):
        row = int(np.flatnonzero(np.asarray(mask))[0])
        raise DataError(
            f"{origin}: {problem} in column '{column}' (row {row + 1}: "
            f"{df.loc[row, column]!r}; {int(np.asarray(mask).sum())} rows)"
        )

    df["area_id"] = df["area_id"].astype(str)
    bad = ~df["area_id"].map(is_valid_area_id)
    if bad.any():
        fail(bad, "area_id", "malformed area id (AGS as text, e.g. 09761000)")
    for column in ("year", "weight"):
        values = pd.to_numeric(df[column], errors="coerce")
        bad = values.isna() | (values <= 0) | np.isinf(values)
        if bad.any():
            fail(bad, column, "not a positive finite number")
        df[column] = values
    latest = dt.date.today().year + 1
    bad = (df["year"] % 1 != 0) | (df["year"] < MIN_YEAR) | (df["year"] > latest)
    if bad.any():
        fail(bad, "year", f"not a survey year between {MIN_YEAR} and {latest}")
    df["year"] = df["year"].astype("int64")
    df["sex"] = df["sex"].astype(str).str.lower().replace({"w": "f"})
    for column, allowed in (
        ("sex", {"f", "m"}),
        ("nationality", {"german", "foreign"}),
        ("migration_background", {"with", "without"}),
    ):
        bad = ~df[column].astype(str).isin(allowed)
        if bad.any():
            fail(bad, column, f"value not in {sorted(allowed)}")
    for item in [c for c in df.columns if c not in BASE_COLUMNS]:
        codes = pd.to_numeric(df[item], errors="coerce")
        if (codes.isna() & df[item].notna() & (df[item].astype(str).str.strip() != "")).any():
            fail(codes.isna() & df[item].notna(), item, "answer code is not a number")
        df[item] = codes.where(codes >= 0)  # negative codes: missing by convention
    if (df["nationality"].eq("foreign") & df["migration_background"].eq("without")).any():
        fail(
            df["nationality"].eq("foreign") & df["migration_background"].eq("without"),
            "migration_background",
            "a foreign national always has a migration background",
        )
    return df


def _shares(micro: pd.DataFrame, item: str, positive: list) -> pd.DataFrame:
    valid = micro[micro[item].notna()]
    y = valid[item].isin(positive).astype(float)
    w = valid["weight"]
    frames = []
    for group, selector in GROUPS.items():
        mask = (
            np.ones(len(valid), dtype=bool)
            if selector is None
            else (valid[selector[0]] == selector[1]).to_numpy()
        )
        d = pd.DataFrame(
            {
                "area_id": valid["area_id"],
                "year": valid["year"],
                "w": w,
                "y": y,
                "wy": w * y,
                "w2": w * w,
                "w2y": w * w * y,
            }
        )[mask]
        agg = (
            d.groupby(["area_id", "year"])
            .agg(
                sw=("w", "sum"),
                swy=("wy", "sum"),
                sw2=("w2", "sum"),
                sw2y=("w2y", "sum"),
                n=("w", "size"),
                y_count=("y", "sum"),
                w_min=("w", "min"),
                w_max=("w", "max"),
            )
            .reset_index()
        )
        frames.append(agg.assign(group=group))
    return pd.concat(frames, ignore_index=True)


def survey_indicators(
    micro: pd.DataFrame, catalogue: Catalogue | None = None, min_cases: int | Callable = 30
) -> pd.DataFrame:
    """Indicator rows (with ``ci_low``, ``ci_high``, ``n_cases``) for every survey indicator.
    ``min_cases``: one threshold, or a function giving the threshold per area id (an array
    of area ids in, an array of thresholds out)."""
    catalogue = catalogue or load_catalogue()
    rows = []
    for ind in [i for i in catalogue if i.survey]:
        item = ind.survey.item
        if item not in micro.columns:
            continue
        s = _shares(micro, item, list(ind.survey.positive))
        s = s[s["group"].isin(ind.groups)]
        p = s["swy"] / s["sw"]
        se = np.sqrt(np.maximum(s["sw2y"] * (1 - 2 * p) + p * p * s["sw2"], 0)) / s["sw"]
        lo, hi = (p - Z * se).clip(0, 1), (p + Z * se).clip(0, 1)
        unweighted = np.isclose(s["w_min"], s["w_max"])
        wilson = [wilson_interval(k, n) for k, n in zip(s["y_count"], s["n"])]
        lo = np.where(unweighted, [a for a, _ in wilson], lo)
        hi = np.where(unweighted, [b for _, b in wilson], hi)
        ok = s["n"] >= (min_cases(s["area_id"]) if callable(min_cases) else min_cases)
        rows.append(
            pd.DataFrame(
                {
                    "indicator_id": ind.id,
                    "topic": ind.topic,
                    "area_id": s["area_id"],
                    "year": s["year"],
                    "group": s["group"],
                    "sex": "total",
                    "value": np.where(ok, p * ind.multiplier, np.nan),
                    "numerator": np.nan,
                    "denominator": np.nan,
                    "unit": ind.unit,
                    # too few respondents: not reliable enough, the official "/"
                    "status": np.where(ok, "estimated", "uncertain"),
                    "reason": np.where(ok, "", "too_few_cases"),
                    "detail": item,
                    "ci_low": np.where(ok, lo * ind.multiplier, np.nan),
                    "ci_high": np.where(ok, hi * ind.multiplier, np.nan),
                    "n_cases": s["n"].astype(float),
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    return pd.concat(rows, ignore_index=True)[INDICATOR_COLUMNS]
