"""Plausibility checks on an import, after the schema checks of ``store.validate_observations``.

- **years** outside the plausible range;
- **parts that do not add up** to their total (every vocabulary partition, e.g. total = German
  + foreign: an error; area roll-ups where every child area is in the file: a warning, because
  official files legitimately break them after territorial reforms — e.g. Aachen in 2009,
  listed as a sub-unit of a StädteRegion that did not yet exist), with a tolerance for
  rounding-based secrecy: the Zensus 2022 SAFE method and AZR rounding make parts miss the
  total by a few persons (docs/assumptions.md). Tolerance: 2 per part (a total of 3 parts may
  differ by up to 6), or 0.1 % of the total when that is larger;
- **a part larger than its whole** (``vocabulary.yml`` subsets, e.g. voters > electorate).

Each problem names the file, the row (where the reader kept it) and what to do; an import
with a problem writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from .errors import DataError
from .statuses import VALUED_OBSERVATIONS
from .vocabulary import DIMENSIONS, load_vocabulary

log = logging.getLogger("intmon")
KEYS = ["area_id", "year", "variable", "group", "sex", "age"]
MIN_YEAR = 1950
ROUNDING_PER_PART = 2.0  # persons a source may round each part of a sum by (Zensus 2022)


def _where(df: pd.DataFrame, idx) -> str:
    row = df.loc[idx]
    at = (
        f"row {int(row['origin_row'])}: "
        if "origin_row" in df and pd.notna(row.get("origin_row"))
        else ""
    )
    return (
        f"{at}area {row['area_id']}, {row['year']}, {row['variable']} "
        f"[{row['group']}, {row['sex']}, {row['age']}]"
    )


def check_years(df: pd.DataFrame, origin: str) -> None:
    latest = dt.date.today().year + 1
    bad = (df["year"] < MIN_YEAR) | (df["year"] > latest)
    if bad.any():
        raise DataError(
            f"{origin}: year outside {MIN_YEAR}-{latest} ({_where(df, bad.idxmax())}: "
            f"{df.loc[bad.idxmax(), 'year']}) -> check the year column or header"
        )


def identity_gaps(df: pd.DataFrame, areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every identity whose parts (all present and valued) miss the total beyond tolerance.

    Column ``identity`` says which; area roll-ups start with ``areas:``.
    """
    vocab = load_vocabulary()
    # estimates (Mikrozensus, surveys) are rounded independently and need not add up; a
    # published percentage (turnout) is no count: it adds up over nothing
    valued = df[
        df["status"].isin(["ok", "zero", "not_applicable"]) & df["variable"].isin(vocab.additive())
    ].copy()
    valued["v"] = valued["value"].fillna(0.0)  # a unit that did not exist counts 0
    problems = []
    for dim in DIMENSIONS:
        others = [k for k in KEYS if k != dim]
        for parent, children in vocab.partition_pairs(dim):
            required = [c for c in children if c not in vocab.residuals]
            kids = valued[valued[dim].isin(children)]
            kids = kids.assign(required=kids[dim].isin(required))
            sums = kids.groupby(others).agg(
                total=("v", "sum"), n=("v", "size"), n_required=("required", "sum")
            )
            complete = sums[sums["n"] == len(children)]
            top = valued[valued[dim] == parent].set_index(others)
            label = f"{dim}: {parent} = " + " + ".join(children)
            problems.append(_compare(top, complete, len(children), label))
            # residual part not published: the other parts may fall short, never exceed
            partial = sums[
                (sums["n"] == len(required))
                & (sums["n_required"] == len(required))
                & (len(required) < len(children))
            ]
            problems.append(
                _compare(top, partial, len(required), label + " (residual absent)", at_most=True)
            )
    if areas is not None:
        # Kreise in a Land and sub-districts in a city are complete in the tables that carry
        # them; Gemeinden inside a Kreis table are single sub-units (Hannover in the Region
        # Hannover), not a complete set, so they are not summed.
        register = areas[
            areas["parent_id"].astype(bool) & areas["level"].isin(["district", "subdistrict"])
        ][["area_id", "parent_id"]]
        expected = register.groupby("parent_id").size()
        others = [k for k in KEYS if k != "area_id"]
        kids = valued.merge(register, on="area_id")
        sums = kids.groupby(["parent_id", *others]).agg(total=("v", "sum"), n=("v", "size"))
        sums = sums[
            sums["n"].to_numpy()
            == expected.reindex(sums.index.get_level_values("parent_id")).to_numpy()
        ]
        sums.index = sums.index.set_names("area_id", level=0)
        top = valued.set_index(["area_id", *others])
        problems.append(_compare(top, sums, None, "areas: parent = sum of its sub-areas"))
    return pd.concat(problems) if problems else pd.DataFrame()


def _compare(
    top: pd.DataFrame, sums: pd.DataFrame, n_parts, label: str, at_most: bool = False
) -> pd.DataFrame:
    joined = top[["v", "status"] + [c for c in ("origin_row",) if c in top]].join(sums, how="inner")
    parts = joined["n"] if n_parts is None else n_parts
    tolerance = np.maximum(ROUNDING_PER_PART * parts, 0.001 * joined["v"].abs())
    excess = joined["total"] - joined["v"]
    bad = joined[(excess > tolerance) if at_most else (excess.abs() > tolerance)]
    return bad.reset_index().assign(identity=label)


def check_identities(df: pd.DataFrame, origin: str, areas: pd.DataFrame | None = None) -> None:
    gaps = identity_gaps(df, areas)
    if len(gaps) == 0:
        return
    by_area = gaps["identity"].str.startswith("areas:")
    if by_area.any():
        b = gaps[by_area].iloc[0]
        log.warning(
            "%s: %d area totals differ from the sum of their sub-areas, e.g. area %s, %s, "
            "%s: %s vs %s (territorial changes or sub-units; check before comparing)",
            origin,
            int(by_area.sum()),
            b["area_id"],
            b["year"],
            b["variable"],
            f"{b['v']:,.0f}",
            f"{b['total']:,.0f}",
        )
    bad = gaps[~by_area]
    if len(bad):
        b = bad.iloc[0]
        at = (
            f"row {int(b['origin_row'])}, "
            if "origin_row" in b and pd.notna(b["origin_row"])
            else ""
        )
        raise DataError(
            f"{origin}: parts do not add up to the total ({len(bad)} cases), e.g. {at}area "
            f"{b['area_id']}, {b['year']}, {b['variable']}: total {b['v']:,.0f} but parts sum to "
            f"{b['total']:,.0f} ({b['identity']}) -> check for double-counted sub-units, a "
            f"mislabelled column, or a group missing from the parts"
        )


def check_subsets(df: pd.DataFrame, origin: str) -> None:
    vocab = load_vocabulary()
    valued = df[df["status"].isin(VALUED_OBSERVATIONS)]
    others = ["area_id", "year", "group", "sex", "age"]
    for part, whole in vocab.subsets.items():
        p = valued[valued["variable"] == part].set_index(others)
        w = valued[valued["variable"] == whole].set_index(others)["value"]
        j = p.join(w.rename("whole"), how="inner")
        bad = j[j["value"] > j["whole"]]
        if len(bad):
            b = bad.reset_index().iloc[0]
            raise DataError(
                f"{origin}: {part} ({b['value']:,.0f}) exceeds {whole} "
                f"({b['whole']:,.0f}) for area {b['area_id']}, {b['year']} "
                f"[{b['group']}, {b['sex']}, {b['age']}] ({len(bad)} cases) -> a part "
                f"cannot exceed its whole; check the column mapping"
            )


def check_import(df: pd.DataFrame, origin: str, areas: pd.DataFrame | None = None) -> None:
    check_years(df, origin)
    check_subsets(df, origin)
    check_identities(df, origin, areas)
