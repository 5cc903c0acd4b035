"""Survey microdata of the demo Land: the cities' Bürgerumfrage, one row per respondent.

A sample that under-represents foreign nationals (lower response), corrected by design weights
that restore the population shares; five items with a "positive" answer probability by origin
and 4 % item nonresponse (missing code -1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .land import ORIGINS, SURVEY_YEARS

# Synthetic Bürgerumfrage (cities only): items and the probability of a "positive" answer by
# group (German without MB, German with MB, foreign); code 1 = positive, 2..4 otherwise.
SURVEY_ITEMS = {
    "belonging": ((0.86, 0.78, 0.66), 4),
    "discrimination": ((0.05, 0.17, 0.27), 2),
    "trust_administration": ((0.58, 0.55, 0.49), 4),
    "volunteering": ((0.36, 0.25, 0.17), 2),
    "german_skills": ((0.99, 0.86, 0.55), 5),
}
SURVEY_RESPONDENTS = 1400


def survey_microdata(
    rng: np.random.Generator, pop: pd.DataFrame, units: pd.DataFrame
) -> pd.DataFrame:
    """Respondents of the cities' surveys: a sample that under-represents foreign nationals
    (lower response), corrected by design weights that restore the population shares."""
    adults = pop[pop["band"].isin(["15-24", "25-64", "65+"])].assign(
        city=lambda d: d["unit"].map(units.set_index("unit")["kreis"])
    )
    rows = []
    for (city, year), cell in adults[adults["year"].isin(SURVEY_YEARS)].groupby(["city", "year"]):
        if not city.endswith("000"):
            continue
        by = cell.groupby(["origin", "sex"])["value"].sum()
        response = (
            by.index.get_level_values("origin")
            .map({"german_nomb": 1.0, "german_mb": 0.8, "foreign": 0.55})
            .to_numpy()
        )
        p = by.to_numpy() * response / (by.to_numpy() * response).sum()
        counts = rng.multinomial(SURVEY_RESPONDENTS, p)
        for (origin, sex), n, pop_count in zip(by.index, counts, by.to_numpy()):
            if n == 0:
                continue
            o = ORIGINS.index(origin)
            d = {
                "area_id": city,
                "year": year,
                "weight": pop_count / n * rng.uniform(0.8, 1.2, n),
                "sex": "f" if sex == "female" else "m",
                "nationality": "foreign" if origin == "foreign" else "german",
                "migration_background": "without" if origin == "german_nomb" else "with",
            }
            for item, (probs, scale) in SURVEY_ITEMS.items():
                positive = rng.random(n) < probs[o]
                codes = np.where(positive, 1, rng.integers(2, scale + 1, n)).astype(float)
                codes[rng.random(n) < 0.04] = -1  # item nonresponse (missing code)
                d[item] = codes
            rows.append(pd.DataFrame(d))
    return pd.concat(rows, ignore_index=True)
