"""Generate the synthetic demo Land (with its synthetic boundaries) and write it into a data
folder.

The generator draws a latent population per smallest unit (:mod:`.population`), derives every
catalogue variable from it (:mod:`.variables`), sums the units up to cities, Landkreise and
the Land and publishes each variable only where a real office would (:mod:`.publication`);
the cities' survey microdata come from :mod:`.survey`. Deterministic: the same seed gives
byte-identical Parquet files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..geometry import write_boundaries
from ..store import ObservationStore
from .geometry import ATTRIBUTION, LICENCE, demo_boundaries
from .land import SOURCE_ID, SURVEY_SOURCE_ID, areas_table, draw_units
from .population import census_immigration_history, latent_population
from .publication import council_and_staff, publish, publishable_cells
from .survey import survey_microdata
from .variables import latent_variables


def generate(seed: int = 2024) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return ``(observations, areas, survey microdata)`` of the synthetic demo Land."""
    rng = np.random.default_rng(seed)
    areas = areas_table()
    units = draw_units(rng)
    pop = latent_population(rng, units)
    latent = latent_variables(rng, pop, units)
    cells = publishable_cells(latent, units, areas)
    # the order of the draws below is part of the seed's result: keep it
    cells = pd.concat(
        [cells, council_and_staff(rng, cells), census_immigration_history(rng, pop, units)],
        ignore_index=True,
    )
    return publish(cells, areas), areas, survey_microdata(rng, pop, units)


def refuse_real_data(store: ObservationStore) -> None:
    """The demo is written only into an empty data folder or over earlier demo data: never
    into a store that holds real areas or sources."""
    real_areas = store.has_areas() and not store.read_areas()["synthetic"].all()
    real_sources = sorted(
        p.stem
        for p in [*store.observation_dir.glob("*.parquet"), *store.survey_dir.glob("*.parquet")]
        if p.stem not in (SOURCE_ID, SURVEY_SOURCE_ID)
    )
    if real_areas or real_sources:
        what = f"sources {real_sources[:5]}" if real_sources else "real areas in its register"
        raise DataError(
            f"{store.root} holds real data ({what}); the synthetic demo is not written into "
            f"it -> give another folder: intmon demo-data --data data-demo"
        )


def write_demo_data(data_dir: str | Path, seed: int = 2024) -> ObservationStore:
    """Generate the demo Land and write it into ``data_dir`` (replacing earlier demo data)."""
    observations, areas, survey = generate(seed)
    store = ObservationStore(data_dir)
    with store.transaction(replace=True):
        refuse_real_data(store)
        store.write_areas(areas)
        store.write_observations(
            observations, SOURCE_ID, origin=f"intmon demo generator (seed {seed})"
        )
        store.write_survey(survey, SURVEY_SOURCE_ID, origin=f"intmon demo survey (seed {seed})")
    shapes = demo_boundaries(areas, seed)
    for level, part in shapes[shapes["land"]].groupby("level"):
        source = {"attribution": ATTRIBUTION, "licence": LICENCE, "modified": False}
        write_boundaries(store, part, level, source)
    return store
