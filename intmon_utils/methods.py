"""Statistical methods for fair comparisons (specified in docs/methods/segregation.md,
age-standardisation.md, goal-tracking.md and small-numbers-and-trend.md).

Pure functions on plain arrays or tidy tables. Each states its formula and where it comes
from; each returns the number of units it used, so a report can say what a value rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataError


@dataclass(frozen=True)
class Measure:
    """A value with the number of spatial units (or cases) it rests on."""

    value: float
    n_units: int
    n_excluded: int = 0


def _arrays(*columns) -> list[np.ndarray]:
    arrays = [np.asarray(c, dtype="float64") for c in columns]
    if len({a.shape for a in arrays}) != 1:
        raise DataError("the count columns must have the same length (one value per unit)")
    if any(np.isnan(a).any() or (a < 0).any() for a in arrays):
        raise DataError(
            "counts must be known and non-negative in every unit; drop or impute "
            "secret units before computing a segregation measure"
        )
    return arrays


# -- representation ----------------------------------------------------------------------------


def representation_index(
    group_in_outcome: float,
    total_in_outcome: float,
    group_in_population: float,
    total_in_population: float,
) -> float:
    """Share of a group in an outcome ÷ its share in the base population (1 = parity).

    RI = (g_o / t_o) ÷ (g_p / t_p); e.g. foreign pupils at Gymnasien 4.20 % ÷ foreign pupils
    overall 7.94 % = 0.53 (Germany 2015). A standard measure of over- or under-representation.
    """
    if total_in_outcome <= 0 or total_in_population <= 0 or group_in_population <= 0:
        return math.nan
    return (group_in_outcome / total_in_outcome) / (group_in_population / total_in_population)


# -- segregation (Duncan & Duncan 1955; Massey & Denton 1988) -------------------------------------


def _occupied(*arrays: np.ndarray, total: np.ndarray) -> tuple[list[np.ndarray], int]:
    """Keep units with inhabitants (t_i > 0): empty units carry no information (an empty
    unit has no group share; see docs/methods/segregation.md)."""
    keep = total > 0
    return [a[keep] for a in arrays], int((~keep).sum())


def dissimilarity(a, b) -> Measure:
    """Index of dissimilarity between two groups over spatial units.

    D = ½ Σ_i |a_i/A − b_i/B|, 0 (same distribution) … 1 (complete separation): the share of
    either group that would have to move for an even distribution. Units where both groups
    are empty are excluded and counted.
    """
    a, b = _arrays(a, b)
    (a, b), excluded = _occupied(a, b, total=a + b)
    if a.sum() == 0 or b.sum() == 0:
        return Measure(math.nan, len(a), excluded)
    return Measure(0.5 * float(np.abs(a / a.sum() - b / b.sum()).sum()), len(a), excluded)


def segregation_index(group, total) -> Measure:
    """Segregation index IS of a group against the rest of the population.

    IS = ½ Σ_i |x_i/X − (t_i − x_i)/(T − X)| (= D between the group and the rest).
    """
    x, t = _arrays(group, total)
    if (x > t).any():
        raise DataError("a unit has more group members than inhabitants")
    return dissimilarity(x, t - x)


def isolation(group, total) -> Measure:
    """Isolation index xPx* = Σ_i (x_i/X)·(x_i/t_i): the share of the group among the
    neighbours of an average group member (Massey & Denton 1988)."""
    x, t = _arrays(group, total)
    (x, t), excluded = _occupied(x, t, total=t)
    if x.sum() == 0:
        return Measure(math.nan, len(x), excluded)
    return Measure(float(((x / x.sum()) * (x / t)).sum()), len(x), excluded)


def exposure(group, other, total) -> Measure:
    """Exposure index xPy* = Σ_i (x_i/X)·(y_i/t_i): the share of group y among the neighbours
    of an average member of group x."""
    x, y, t = _arrays(group, other, total)
    (x, y, t), excluded = _occupied(x, y, t, total=t)
    if x.sum() == 0:
        return Measure(math.nan, len(x), excluded)
    return Measure(float(((x / x.sum()) * (y / t)).sum()), len(x), excluded)


def concentration_share(group, total, factor: float = 2.0) -> Measure:
    """Share of the group living in units whose group share is at least ``factor`` × the
    share in the whole area (default: twice the city share; the threshold is intmon's choice,
    used by the catalogue entry housing.concentration_share)."""
    x, t = _arrays(group, total)
    (x, t), excluded = _occupied(x, t, total=t)
    if x.sum() == 0:
        return Measure(math.nan, len(x), excluded)
    high = x / t >= factor * x.sum() / t.sum()
    return Measure(float(x[high].sum() / x.sum()), len(x), excluded)


def location_quotients(group, total) -> np.ndarray:
    """LQ_i = (x_i/t_i) ÷ (X/T) per unit; NaN for empty units."""
    x, t = _arrays(group, total)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(t > 0, (x / t) / (x.sum() / t.sum()), np.nan)


# -- age standardisation -------------------------------------------------------------------------


def direct_standardisation(rates: pd.Series, standard: pd.Series) -> float:
    """Directly age-standardised rate: Σ_a w_a · r_a with w_a = standard population share.

    ``rates`` and ``standard`` are indexed by the same age bands; the rate of a group is
    re-weighted to the age structure of the standard (reference) population, so a young
    immigrant population is not compared unfairly with an older one
    (docs/methods/age-standardisation.md).
    """
    if set(rates.index) != set(standard.index):
        raise DataError(
            f"age bands differ: rates {sorted(rates.index)} vs standard {sorted(standard.index)}"
        )
    if rates.isna().any():
        raise DataError("a rate is missing for an age band; standardise only complete series")
    weights = standard / standard.sum()
    return float((rates * weights.reindex(rates.index)).sum())


# -- uncertainty and small numbers ---------------------------------------------------------------


def wilson_interval(k: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (as shares, 0–1). For n = 0: (nan, nan)."""
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def small_number_flag(denominator, threshold: float = 50) -> np.ndarray:
    """True where a register-based rate rests on fewer than ``threshold`` persons."""
    d = np.asarray(denominator, dtype="float64")
    return d < threshold


# -- change, trend, peers, goals -----------------------------------------------------------------


def trend(years, values, window: int = 5, tolerance: float = 0.1) -> str:
    """Direction of the last ``window`` years: least-squares slope per year compared with
    ``tolerance`` (in the indicator's unit): ``rising``, ``falling`` or ``stable``;
    ``insufficient`` with fewer than 3 values."""
    s = pd.Series(np.asarray(values, dtype="float64"), index=np.asarray(years)).dropna()
    s = s[s.index > s.index.max() - window] if len(s) else s
    if len(s) < 3:
        return "insufficient"
    slope = np.polyfit(s.index.astype(float), s.to_numpy(), 1)[0]
    return "rising" if slope > tolerance else "falling" if slope < -tolerance else "stable"


def slope(years, values, window: int = 5) -> float:
    s = pd.Series(np.asarray(values, dtype="float64"), index=np.asarray(years)).dropna()
    s = s[s.index > s.index.max() - window] if len(s) else s
    return float(np.polyfit(s.index.astype(float), s.to_numpy(), 1)[0]) if len(s) >= 3 else math.nan


def peer_position(values: pd.Series, area: str, higher_is_better: bool | None) -> dict:
    """Mean of the peer group and the area's rank within it (1 = best; by value when the
    indicator has no direction)."""
    v = values.dropna()
    if area not in v.index:
        return {
            "mean": float(v.drop(area, errors="ignore").mean()) if len(v) else math.nan,
            "rank": None,
            "of": len(v),
        }
    ascending = higher_is_better is False
    ranks = v.rank(ascending=ascending if higher_is_better is not None else False, method="min")
    return {
        "mean": float(v.drop(area).mean()) if len(v) > 1 else math.nan,
        "rank": int(ranks[area]),
        "of": len(v),
    }


def goal_state(years, values, target: float, by: int, direction: str, window: int = 5) -> str:
    """``reached`` when the latest value meets the target; otherwise ``on_track`` when the
    linear trend of the last ``window`` years reaches the target by year ``by``,
    ``off_track`` when it does not, ``no_data`` without a current value.

    Rule (stated in every report): extrapolate the least-squares line through the last five
    annual values to the target year; at least three values are needed, else the state is
    ``off_track`` unless the target is reached.
    """
    s = pd.Series(np.asarray(values, dtype="float64"), index=np.asarray(years)).dropna()
    if s.empty:
        return "no_data"
    latest = s.iloc[-1]
    meets = (lambda v: v <= target) if direction == "below" else (lambda v: v >= target)
    if meets(latest):
        return "reached"
    b = slope(s.index, s.to_numpy(), window)
    if math.isnan(b):
        return "off_track"
    projected = latest + b * (by - s.index.max())
    return "on_track" if meets(projected) else "off_track"
