"""A synthetic set the size of Germany (benchmarks): many copies of the demo Land."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from .build import generate
from .land import CITIES, LANDKREISE, YEARS


def germany(
    n_kreise: int = 400, years: int = 10, seed: int = 2024, workers: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A synthetic set the size of Germany, for benchmarks: ``n_kreise`` Kreise in copies of
    the demo Land, each drawn with its own seed and given a Land code no real Land has (99,
    then 50, 51, ...). Only the first Land keeps its Stadtteile, Gemeinden and survey, as
    only some cities deliver small-area data; the others have Kreis and Land level. The last
    ``years`` years are kept. Returns ``(observations, areas, survey microdata)``."""
    n_laender = -(-n_kreise // (len(CITIES) + len(LANDKREISE)))
    with ProcessPoolExecutor(workers) as pool:
        drawn = list(pool.map(generate, [seed + i for i in range(n_laender)]))
    observations, areas = [], []
    for i, (obs, area, survey) in enumerate(drawn):
        if i == 0:
            micro = survey
        else:
            code = f"{49 + i}"
            area = area[area["level"].isin(["state", "district"])].copy()
            obs = obs[obs["area_id"].isin(area["area_id"])].copy()
            obs["area_id"] = code + obs["area_id"].str[2:]
            area["name"] = np.where(
                area["level"] == "state", f"Land {code} (synthetisch)", area["name"] + f" ({code})"
            )
            area["area_id"] = code + area["area_id"].str[2:]
            area["parent_id"] = area["parent_id"].where(area["parent_id"] == "", code)
        observations.append(obs)
        areas.append(area)
    obs = pd.concat(observations, ignore_index=True)
    first = YEARS[-years]
    return (
        obs[obs["year"] >= first].reset_index(drop=True),
        pd.concat(areas, ignore_index=True),
        micro[micro["year"] >= first].reset_index(drop=True),
    )
