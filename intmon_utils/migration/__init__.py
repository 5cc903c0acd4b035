"""The register method: migration background after MigraPro and Einwanderungsgeschichte.

From a person-level register extract (one row per resident) to population counts by
sub-district, group, sex and age band. Specifications: ``docs/methods/migrapro.md`` and
``docs/methods/einwanderungsgeschichte.md``.

- ``contract``            column contract of the person table; :func:`read_register`,
                          :func:`validate_persons`
- ``facts``               person-level facts both definitions read (born abroad, parent links)
- ``migrapro``            :func:`migrapro_step`, :func:`derive_migration_background`
- ``immigration_history`` :func:`derive_immigration_history`
- ``counts``              :func:`count_cube`, :func:`aggregate` (intmon's long format)

The importer that writes the counts into a store is :mod:`intmon_utils.sources.register`; a
synthetic register for tests and benchmarks is :func:`intmon_utils.synthetic.generate_register`.
"""

from .contract import (
    COUNTRY_COLUMNS,
    FLAG_COLUMNS,
    GERMAN,
    MAX_AGE,
    OPTIONAL_COLUMNS,
    PARENTS,
    REQUIRED_COLUMNS,
    SEX_CODES,
    read_register,
    validate_persons,
)
from .counts import AGE_BANDS, DEFAULT_SOURCE, GROUPS, SEXES, aggregate, band_bounds, count_cube
from .facts import FIRST_IMMIGRATION_YEAR, born_abroad, parent_linked
from .immigration_history import (
    IMMIGRATION_HISTORY,
    derive_immigration_history,
    immigration_history_codes,
    parent_immigrated,
)
from .migrapro import (
    MIGRAPRO_STEPS,
    MIGRATION_BACKGROUND,
    MINOR_AGE,
    derive_migration_background,
    migrapro_step,
    migration_background_codes,
    parent_has_migration_background,
)

__all__ = [
    "AGE_BANDS",
    "COUNTRY_COLUMNS",
    "DEFAULT_SOURCE",
    "FIRST_IMMIGRATION_YEAR",
    "FLAG_COLUMNS",
    "GERMAN",
    "GROUPS",
    "IMMIGRATION_HISTORY",
    "MAX_AGE",
    "MIGRAPRO_STEPS",
    "MIGRATION_BACKGROUND",
    "MINOR_AGE",
    "OPTIONAL_COLUMNS",
    "PARENTS",
    "REQUIRED_COLUMNS",
    "SEXES",
    "SEX_CODES",
    "aggregate",
    "band_bounds",
    "born_abroad",
    "count_cube",
    "derive_immigration_history",
    "derive_migration_background",
    "immigration_history_codes",
    "migrapro_step",
    "migration_background_codes",
    "parent_has_migration_background",
    "parent_immigrated",
    "parent_linked",
    "read_register",
    "validate_persons",
]
