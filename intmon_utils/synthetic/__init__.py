"""Every synthetic data generator of intmon: invented data, labelled synthetic in every output.

- ``land``        the demo Land "Wendenau" (Land code 99): areas, smallest units, calendar
- ``population``  its latent population and the census immigration history
- ``variables``   every catalogue variable drawn from the latent population, elections
- ``publication`` what a real office would publish, with official symbols
- ``survey``      survey microdata of the cities (Bürgerumfrage)
- ``build``       :func:`generate` and :func:`write_demo_data`
- ``germany``     :func:`germany`, a Germany-sized set for benchmarks
- ``register``    :func:`generate_register`, a person-level register extract following the
                  column contract of :mod:`intmon_utils.migration.contract`

Every generator is deterministic per seed.
"""

from .build import generate, write_demo_data
from .germany import germany
from .land import (
    CITIES,
    LAND_ID,
    LAND_NAME,
    LANDKREISE,
    REPORTING_GEMEINDEN,
    SOURCE_ID,
    SOURCE_LABEL,
    SURVEY_SOURCE_ID,
    YEARS,
    areas_table,
)
from .register import generate_register
from .survey import survey_microdata

__all__ = [
    "CITIES",
    "LAND_ID",
    "LAND_NAME",
    "LANDKREISE",
    "REPORTING_GEMEINDEN",
    "SOURCE_ID",
    "SOURCE_LABEL",
    "SURVEY_SOURCE_ID",
    "YEARS",
    "areas_table",
    "generate",
    "generate_register",
    "germany",
    "survey_microdata",
    "write_demo_data",
]
