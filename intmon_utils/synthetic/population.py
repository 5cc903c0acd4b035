"""The latent population of the demo Land and its census immigration history.

:func:`latent_population` draws the population per smallest unit x year x origin (German
without / German with migration background / foreign) x sex x age band, from which every other
variable is derived. :func:`census_immigration_history` draws the Zensus 2022 population by
Einwanderungsgeschichte from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .land import BANDS, LAND_ID, ORIGINS, SEXES, YEARS

AGE_SHARES = {  # age structure by origin: immigrants and their children are younger
    "german_nomb": (0.025, 0.025, 0.072, 0.093, 0.52, 0.265),
    "german_mb": (0.05, 0.05, 0.14, 0.15, 0.52, 0.09),
    "foreign": (0.034, 0.032, 0.082, 0.14, 0.635, 0.077),
}


def latent_population(rng, units: pd.DataFrame) -> pd.DataFrame:
    """Population per unit × year × origin × sex × age band."""
    t = np.array(YEARS) - YEARS[0]
    # foreign share rises: refugee immigration 2015/16 and 2022, steady EU immigration
    bump = 0.012 * t + 0.025 * (np.array(YEARS) >= 2016) + 0.02 * (np.array(YEARS) >= 2022)
    frames = []
    for u in units.itertuples():
        growth = 1 + 0.004 * t + rng.normal(0, 0.002, len(t))
        f = np.clip(u.foreign_share * (1 + bump), 0, 0.7)
        m = np.clip(
            0.75 * u.foreign_share * (1 + 0.3 * t / 10) * (1.3 if u.is_city else 1.0), 0, 0.5
        )
        m = np.minimum(m, 0.9 - f)  # at least 10 % Germans without migration background
        shares = {"german_nomb": 1 - f - m, "german_mb": m, "foreign": f}
        for o in ORIGINS:
            age = np.array(AGE_SHARES[o]) / sum(AGE_SHARES[o])
            for s, sex_share in zip(SEXES, (0.505, 0.495) if o != "foreign" else (0.47, 0.53)):
                expected = (u.size * growth * shares[o])[:, None] * sex_share * age[None, :]
                counts = rng.poisson(expected)
                for j, band in enumerate(BANDS):
                    frames.append(
                        pd.DataFrame(
                            {
                                "unit": u.unit,
                                "year": YEARS,
                                "origin": o,
                                "sex": s,
                                "band": band,
                                "value": counts[:, j],
                            }
                        )
                    )
    return pd.concat(frames, ignore_index=True)


# Zensus 2022: immigration history by origin (shares of German without MB, with MB, foreign)
IMMIGRATION_HISTORY_SHARES = (
    ("immigrated", (0.015, 0.50, 0.86)),
    ("descendants", (0.0, 0.55, 0.75)),
    ("one_sided_immigration_history", (0.03, 0.5, 0.3)),
)
CENSUS_YEAR = 2022


def census_immigration_history(rng, pop: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Population by Einwanderungsgeschichte at the census date, per unit (age and sex total).

    Drawn in sequence from what is left, so immigrated + descendants + one-sided + without
    equals the population exactly, as the identities of the vocabulary require.
    """
    base = (
        pop[pop["year"] == CENSUS_YEAR].groupby(["unit", "origin"], as_index=False)["value"].sum()
    )
    origin_idx = base["origin"].map({o: i for i, o in enumerate(ORIGINS)}).to_numpy()
    left = base["value"].to_numpy().astype("int64")
    cells = {}
    for group, shares in IMMIGRATION_HISTORY_SHARES:
        drawn = rng.binomial(left, np.array(shares)[origin_idx])
        cells[group] = drawn
        left = left - drawn
    cells["without_immigration_history"] = left
    cells["with_immigration_history"] = cells["immigrated"] + cells["descendants"]
    frames = [base.assign(group=g, value=v) for g, v in cells.items()]
    df = pd.concat(frames).groupby(["unit", "group"], as_index=False)["value"].sum()
    kreis = df["unit"].map(units.set_index("unit")["kreis"])
    out = [
        df.rename(columns={"unit": "area_id"}),
        df.assign(area_id=kreis).groupby(["area_id", "group"], as_index=False)["value"].sum(),
        df.groupby("group", as_index=False)["value"].sum().assign(area_id=LAND_ID),
    ]
    cells = pd.concat(out, ignore_index=True)
    cells = cells[~cells["area_id"].str.contains("-")]  # the census stops at the Gemeinde
    return cells.assign(year=CENSUS_YEAR, variable="population", sex="total", age="total")
