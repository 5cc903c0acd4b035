"""Person-level facts that both definitions read from a validated person table.

Born abroad, parent linked, and the year-of-arrival threshold are shared by the migration
background after MigraPro (``docs/methods/migrapro.md``) and the Einwanderungsgeschichte
(``docs/methods/einwanderungsgeschichte.md``); the rule that uses each fact is described there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import GERMAN

FIRST_IMMIGRATION_YEAR = 1950  # immigration counts from 1950 on (both definitions)


def equals(series: pd.Series, value: str) -> np.ndarray:
    """Equal to ``value`` (missing counts as not equal)."""
    return (series == value).to_numpy(dtype=bool, na_value=False)


def known_and_not(series: pd.Series, value: str) -> np.ndarray:
    """Known and different from ``value`` (missing counts as not known)."""
    return series.notna().to_numpy() & ~equals(series, value)


def flag_values(persons: pd.DataFrame, column: str) -> np.ndarray:
    """A flag column as bool (an absent column is all False)."""
    if column not in persons:
        return np.zeros(len(persons), dtype=bool)
    return persons[column].to_numpy(dtype=bool, na_value=False)


def arrival_years(persons: pd.DataFrame) -> np.ndarray:
    """Year of arrival as float (NaN = not recorded)."""
    return persons["year_of_arrival"].to_numpy(dtype="float64", na_value=np.nan)


def born_abroad(persons: pd.DataFrame) -> np.ndarray:
    """Born outside Germany: country of birth known and not DE; where it is unknown, a recorded
    year of arrival or the Aussiedler flag is taken as evidence of birth abroad."""
    cob = persons["country_of_birth"]
    unknown = cob.isna().to_numpy()
    evidence = ~np.isnan(arrival_years(persons)) | flag_values(
        persons, "moved_in_from_aussiedler_area"
    )
    return known_and_not(cob, GERMAN) | (unknown & evidence)


def parent_linked(persons: pd.DataFrame, parent: str) -> np.ndarray:
    """A parent is linked (household generation) if its citizenship or birthplace is given."""
    return (
        persons[f"{parent}_nationality"].notna().to_numpy()
        | persons[f"{parent}_country_of_birth"].notna().to_numpy()
    )
