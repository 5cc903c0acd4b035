"""Migration background (Migrationshintergrund) after MigraPro, from a validated person table.

MigraPro is the procedure of the municipal statistics community (Verband Deutscher
Städtestatistiker, KOSIS-Gemeinschaft HHSTAT) that estimates the Mikrozensus definition of the
migration background from register data. The specification (definition, steps, inputs,
deviations, tests) is ``docs/methods/migrapro.md``; the choices made here, in short:

* **Born abroad** (:func:`~intmon_utils.migration.facts.born_abroad`) = country of birth known
  and not ``DE``; where it is unknown, a recorded year of arrival or the Aussiedler flag counts
  as evidence of birth abroad; otherwise an unknown birthplace counts as born in Germany.
* **Step 4 with two Destatis exclusions**, applied only where the register shows them: a German
  born abroad has *no* migration background if (a) he or she arrived before 1950 (post-war
  expellees), or (b) both parents are linked and neither has a migration background.
  ``strict_migrapro=True`` switches both off (every German born abroad has MH).
* **A parent has a migration background** if the parent's citizenship or country of birth is
  known and not ``DE``, or the parent is flagged naturalised.
* **Step 5 (familiärer MH)** applies to minors (under 18) only. A child without linked parents,
  or whose linked parents have no MH, has no MH; adults born in Germany to immigrant parents
  are therefore not identified (register MH is lower than Mikrozensus MH).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import GERMAN, PARENTS
from .facts import (
    FIRST_IMMIGRATION_YEAR,
    arrival_years,
    born_abroad,
    equals,
    flag_values,
    known_and_not,
    parent_linked,
)

MINOR_AGE = 18  # step 5: under-18s inherit a parent's MH
MIGRAPRO_STEPS = {
    1: "foreign (first citizenship not German)",
    2: "German with a non-German second citizenship",
    3: "German, naturalised",
    4: "German born abroad, or moved in from an Aussiedler origin area",
    5: "German minor with a parent with migration background (familiärer MH)",
    6: "German without migration background",
}
MIGRATION_BACKGROUND = (
    "foreign",
    "german_with_migration_background",
    "german_without_migration_background",
)
# MigraPro step (index 1-6) -> index into MIGRATION_BACKGROUND
_STEP_TO_MB = np.array([-1, 0, 1, 1, 1, 1, 2], dtype="int8")


def parent_has_migration_background(persons: pd.DataFrame, parent: str) -> np.ndarray:
    """The linked parent is not German, was born abroad, or is flagged naturalised."""
    return (
        known_and_not(persons[f"{parent}_nationality"], GERMAN)
        | known_and_not(persons[f"{parent}_country_of_birth"], GERMAN)
        | flag_values(persons, f"{parent}_naturalised")
    )


def migrapro_step(persons: pd.DataFrame, strict_migrapro: bool = False) -> np.ndarray:
    """The MigraPro rule (1–6, see ``MIGRAPRO_STEPS``) that classifies each person.

    1 not German; 2 German with a non-German second citizenship; 3 German, naturalised;
    4 German born abroad or moved in from an Aussiedler area; 5 German minor with ≥ 1 linked
    parent with MH (familiärer MH); 6 otherwise. The first rule that applies wins. Unless
    ``strict_migrapro``, step 4 leaves out Germans born abroad who arrived before 1950 or whose
    two linked parents have no MH (Destatis exclusions; module docstring).
    """
    german = equals(persons["nationality"], GERMAN)
    second_foreign = known_and_not(persons["second_nationality"], GERMAN)
    naturalised = flag_values(persons, "naturalised")
    abroad = born_abroad(persons)
    parent_mb = [parent_has_migration_background(persons, p) for p in PARENTS]
    if not strict_migrapro:
        before_1950 = arrival_years(persons) < FIRST_IMMIGRATION_YEAR
        both_linked = parent_linked(persons, "parent1") & parent_linked(persons, "parent2")
        parents_without_mb = both_linked & ~parent_mb[0] & ~parent_mb[1]
        abroad = abroad & ~before_1950 & ~parents_without_mb
    step4 = abroad | flag_values(persons, "moved_in_from_aussiedler_area")
    familial = (persons["age"].to_numpy() < MINOR_AGE) & (parent_mb[0] | parent_mb[1])
    step = np.full(len(persons), 6, dtype="int8")
    # assign from the last rule to the first, so that the first rule that applies wins
    for number, applies in ((5, familial), (4, step4), (3, naturalised), (2, second_foreign)):
        step[applies] = number
    step[~german] = 1
    return step


def migration_background_codes(persons: pd.DataFrame, strict_migrapro: bool = False) -> np.ndarray:
    """Index into ``MIGRATION_BACKGROUND`` per person (int8): step 1 -> 0, 2–5 -> 1, 6 -> 2."""
    return _STEP_TO_MB[migrapro_step(persons, strict_migrapro)]


def derive_migration_background(persons: pd.DataFrame, strict_migrapro: bool = False) -> pd.Series:
    """Migration background after MigraPro (choices in the module docstring).

    Categorical Series with the categories ``foreign``, ``german_with_migration_background``
    (steps 2–5, familiärer MH included) and ``german_without_migration_background``. Every
    foreigner has a migration background, so *with MH* = foreign + German with MH.
    """
    codes = migration_background_codes(persons, strict_migrapro)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=list(MIGRATION_BACKGROUND)),
        index=persons.index,
        name="migration_background",
    )
