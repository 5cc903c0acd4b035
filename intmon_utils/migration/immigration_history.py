"""Einwanderungsgeschichte (immigration history), from a validated person table.

The definition of the Fachkommission Integrationsfähigkeit (2020), used by the Statistisches
Bundesamt since 2023, derived from register data. The specification (definition, steps,
inputs, deviations, tests) is ``docs/methods/einwanderungsgeschichte.md``; the choices made
here, in short:

* *Immigrated* = born abroad (:func:`~intmon_utils.migration.facts.born_abroad`) and arrived
  in 1950 or later; a person born abroad with a **missing year of arrival counts as
  immigrated**. Born abroad and arrived before 1950 = without immigration history.
* Persons not born abroad: *descendants* if both linked parents immigrated, *one-sided* if
  exactly one did (also when the second parent is not linked), else *without*. A parent
  immigrated if the parent's country of birth is known and not ``DE``.
* Parent links are used at any age where they exist, but registers hold them for minors only,
  so **descendants (the second generation) are underestimated**, as in the Zensus 2022
  register-based figures. Citizenship plays no role.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import GERMAN, PARENTS
from .facts import FIRST_IMMIGRATION_YEAR, arrival_years, born_abroad, known_and_not

IMMIGRATION_HISTORY = (
    "immigrated",
    "descendants",
    "one_sided_immigration_history",
    "without_immigration_history",
)


def parent_immigrated(persons: pd.DataFrame, parent: str) -> np.ndarray:
    """The linked parent was born abroad (immigration since 1950 assumed; year not registered)."""
    return known_and_not(persons[f"{parent}_country_of_birth"], GERMAN)


def immigration_history_codes(persons: pd.DataFrame) -> np.ndarray:
    """Index into ``IMMIGRATION_HISTORY`` per person (choices in the module docstring)."""
    abroad = born_abroad(persons)
    arrived_since_1950 = ~(arrival_years(persons) < FIRST_IMMIGRATION_YEAR)  # missing: since 1950
    n_parents = sum(parent_immigrated(persons, p).astype("int8") for p in PARENTS)
    code = np.full(len(persons), 3, dtype="int8")
    code[~abroad & (n_parents == 1)] = 2
    code[~abroad & (n_parents == 2)] = 1
    code[abroad & arrived_since_1950] = 0
    return code


def derive_immigration_history(persons: pd.DataFrame) -> pd.Series:
    """Einwanderungsgeschichte (Fachkommission Integrationsfähigkeit / Destatis).

    Categorical Series: ``immigrated`` (born abroad, arrived since 1950, missing year counted
    as since 1950), ``descendants`` (not born abroad, both parents immigrated),
    ``one_sided_immigration_history`` (not born abroad, exactly one linked parent immigrated),
    ``without_immigration_history``. *With immigration history* = immigrated + descendants.
    Registers link parents for minors only, so descendants are underestimated (as in the
    Zensus 2022 register-based derivation).
    """
    codes = immigration_history_codes(persons)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=list(IMMIGRATION_HISTORY)),
        index=persons.index,
        name="immigration_history",
    )
