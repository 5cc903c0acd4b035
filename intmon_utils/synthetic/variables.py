"""Every catalogue variable of the demo Land, drawn from the latent population.

Binomial thinning with rates per origin whose gaps point the way official figures do, a yearly
change, a social-index elasticity (deprived areas have more unemployment) and a factor for
women; second-stage shares among a parent variable; survey-based estimates; elections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .land import COUNCIL_ELECTIONS, FEDERAL_ELECTIONS, MUNICIPAL_ELECTIONS, ORIGINS, YEARS

# Rates per origin (German without MB, German with MB, foreign) for 2014 and their yearly
# change; ``social`` scales a rate by the unit's social index (deprived areas have more
# unemployment), ``female`` by sex.
RATES = {
    # variable: (base variable or bands, rates, yearly change, social elasticity, female factor)
    "naturalisations": (("all",), (0.0, 0.0, 0.011), (0, 0, 0.0004), 0.0, 1.05),
    "kita_children_0-2": (("0-2",), (0.40, 0.26, 0.20), (0.006, 0.006, 0.006), -0.3, 1.0),
    "kita_children_3-5": (("3-5",), (0.95, 0.87, 0.80), (0.001, 0.003, 0.004), -0.2, 1.0),
    "school_entry_examined": (("3-5",), (0.33, 0.33, 0.33), (0, 0, 0), 0.0, 1.0),
    "pupils_grade8": (("6-14",), (0.111, 0.111, 0.111), (0, 0, 0), 0.0, 1.0),
    "pupils": (("6-14", "15-24"), (0.78, 0.78, 0.74), (0, 0, 0), 0.0, 1.0),
    "school_leavers": (("15-24",), (0.095, 0.095, 0.09), (0, 0, 0), 0.0, 1.0),
    "vocational_trainees": (("15-24",), (0.14, 0.11, 0.065), (-0.001, 0.0, 0.002), -0.2, 0.8),
    "employees_svb": (("15-24", "25-64"), (0.66, 0.58, 0.47), (0.003, 0.004, 0.006), -0.4, 0.92),
    "employees_marginal_only": (
        ("15-24", "25-64"),
        (0.07, 0.09, 0.10),
        (-0.001, -0.001, -0.001),
        0.3,
        1.3,
    ),
    "other_labour_force": (("15-24", "25-64"), (0.09, 0.06, 0.05), (0, 0, 0), -0.3, 0.8),
    "unemployed": (
        ("15-24", "25-64"),
        (0.038, 0.065, 0.095),
        (-0.0012, -0.0015, -0.0018),
        1.2,
        0.85,
    ),
    "sgb2_recipients": (
        ("0-2", "3-5", "6-14", "15-24", "25-64"),
        (0.05, 0.10, 0.15),
        (-0.001, -0.001, 0.0),
        1.4,
        1.05,
    ),
    "out_moves": (("all",), (0.045, 0.06, 0.10), (0, 0, 0), 0.2, 0.95),
    "homeless_housed": (("all",), (0.0007, 0.0014, 0.0035), (0, 0, 0.0001), 1.0, 0.6),
    "households": (("all",), (0.52, 0.43, 0.45), (0, 0, 0), 0.0, 1.0),
    "marriages": (("all",), (0.0045, 0.0045, 0.0045), (0, 0, 0), 0.0, 1.0),
}
# shares among a parent variable (second stage of thinning)
SUBRATES = {
    "school_entry_language_support": (
        "school_entry_examined",
        (0.14, 0.40, 0.55),
        (0, -0.003, -0.004),
    ),
    "pupils_grade8_gymnasium": ("pupils_grade8", (0.44, 0.31, 0.19), (0, 0.002, 0.003)),
    "pupils_gymnasium": ("pupils", (0.36, 0.26, 0.16), (0.002, 0.003, 0.003)),
    "pupils_hauptschule": ("pupils", (0.09, 0.14, 0.24), (-0.003, -0.003, -0.004)),
    "school_leavers_without_certificate": (
        "school_leavers",
        (0.052, 0.09, 0.16),
        (0, -0.001, -0.002),
    ),
    "school_leavers_hochschulreife": ("school_leavers", (0.36, 0.25, 0.13), (0.002, 0.003, 0.004)),
    "unemployed_long_term": ("unemployed", (0.37, 0.33, 0.27), (-0.003, -0.002, -0.001)),
    "households_social_housing": ("households", (0.045, 0.09, 0.13), (0, 0, 0)),
    "employees_svb_no_qualification": (
        "employees_svb",
        (0.10, 0.17, 0.31),
        (-0.002, -0.002, -0.003),
    ),
    "marriages_binational": ("marriages", (0.10, 0.20, 0.35), (0, 0, 0)),
}
# municipal survey (Bürgerumfrage), weighted estimates, only published for cities
SURVEY = {  # variable: (base, shares by origin)
    "survey_households_owner": ("households", (0.47, 0.29, 0.14)),
    "survey_households_cost_overburden": ("households", (0.11, 0.19, 0.27)),
    "survey_persons_overcrowded": ("population", (0.05, 0.15, 0.25)),
}
LIVING_SPACE = (47.5, 35.0, 30.5)  # m² per person by origin

# age pattern of some rates (relative to the origin rate): young people are less often
# employed and less often registered unemployed (many are in education)
BAND_FACTORS = {
    "employees_svb": {"15-24": 0.55},
    "unemployed": {"15-24": 0.6},
    "sgb2_recipients": {"0-2": 1.4, "3-5": 1.35, "6-14": 1.3},
}


def _thin(
    rng,
    base: pd.DataFrame,
    units: pd.DataFrame,
    rates,
    change,
    social_el,
    female,
    band_factors: dict | None = None,
) -> np.ndarray:
    """Binomial draws from ``base`` with origin-, year-, sex-, age- and area-specific
    probabilities."""
    origin_idx = base["origin"].map({o: i for i, o in enumerate(ORIGINS)}).to_numpy()
    t = base["year"].to_numpy() - YEARS[0]
    p = np.array(rates)[origin_idx] + np.array(change)[origin_idx] * t
    social = base["unit"].map(units.set_index("unit")["social"]).to_numpy()
    p = p * np.exp(social_el * social) * np.where(base["sex"].to_numpy() == "female", female, 1.0)
    if band_factors:
        p = p * base["band"].map(band_factors).fillna(1.0).to_numpy()
    return rng.binomial(base["value"].to_numpy().astype("int64"), np.clip(p, 0, 1))


def latent_variables(rng, pop: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Every variable at unit × year × origin × sex × band level (band 'all' = not by age)."""
    out = [pop.assign(variable="population")]
    by_origin = pop.groupby(["unit", "year", "origin", "sex"], as_index=False)["value"].sum()
    made = {}
    for name, (bands, rates, change, social_el, female) in RATES.items():
        base = by_origin.assign(band="all") if bands == ("all",) else pop[pop["band"].isin(bands)]
        var = name.rsplit("_", 1)[0] if name.startswith("kita_children_") else name
        df = base.assign(
            variable=var,
            value=_thin(rng, base, units, rates, change, social_el, female, BAND_FACTORS.get(var)),
        )
        if var in ("pupils_grade8", "pupils", "school_entry_examined", "school_leavers"):
            keys = ["unit", "year", "origin", "sex", "band", "variable"]
            df = df.assign(band="all").groupby(keys, as_index=False)["value"].sum()
        made[name] = df
        out.append(df)
    for name, (parent, rates, change) in SUBRATES.items():
        base = made[parent]
        df = base.assign(variable=name, value=_thin(rng, base, units, rates, change, 0.0, 1.0))
        made[name] = df
        out.append(df)
    # derived labour-market base: dependent + other civilian labour force
    clf = (
        pd.concat(
            [
                made["employees_svb"],
                made["employees_marginal_only"],
                made["unemployed"],
                made["other_labour_force"],
            ]
        )
        .groupby(["unit", "year", "origin", "sex"], as_index=False)["value"]
        .sum()
    )
    out.append(clf.assign(variable="civilian_labour_force", band="all"))
    out = [d for d in out if d["variable"].iloc[0] != "other_labour_force"]
    # employees at the place of work: cities draw in-commuters, Landkreise lose out-commuters
    svb = made["employees_svb"]
    commuting = np.where(svb["unit"].str.contains("-").to_numpy(), 1.35, 0.8)
    out.append(
        svb.assign(
            variable="employees_svb_workplace",
            value=rng.poisson(svb["value"].to_numpy() * commuting),
        )
    )
    # survey-based estimates (weighted to the population): shares drawn per city later
    persons = by_origin.assign(band="all")
    out.append(persons.assign(variable="survey_persons"))
    out.append(made["households"].assign(variable="survey_households"))
    for name, (base_var, shares) in SURVEY.items():
        base = persons if base_var == "population" else made["households"]
        out.append(
            base.assign(variable=name, value=_thin(rng, base, units, shares, (0, 0, 0), 0.4, 1.0))
        )
    space = (
        persons["value"].to_numpy()
        * np.array(LIVING_SPACE)[
            persons["origin"].map({o: i for i, o in enumerate(ORIGINS)}).to_numpy()
        ]
    )
    out.append(
        persons.assign(
            variable="survey_living_space", value=np.round(space * rng.normal(1, 0.03, len(space)))
        )
    )
    out.append(_elections(rng, pop, units))
    # foreigners with at least 8 years of residence (AZR): the 2015/16 arrivals lower the share
    # until they pass the 8-year mark
    foreign = by_origin[by_origin["origin"] == "foreign"].assign(band="all")
    share = 0.52 - 0.10 * ((foreign["year"] >= 2016) & (foreign["year"] < 2024)).to_numpy()
    out.append(
        foreign.assign(
            variable="population_foreign_residence_8y",
            value=rng.binomial(foreign["value"].to_numpy().astype("int64"), share),
        )
    )
    return pd.concat(out, ignore_index=True)


def _elections(rng, pop: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Electorate and voters (group total only): turnout falls with deprivation."""
    adults = pop[pop["band"].isin(["25-64", "65+"]) | (pop["band"] == "15-24")].copy()
    adults.loc[adults["band"] == "15-24", "value"] = (adults["value"] * 0.6).round()
    adults = adults.groupby(["unit", "year", "origin"], as_index=False)["value"].sum()
    social = adults["unit"].map(units.set_index("unit")["social"]).to_numpy()
    # residents of voting age and those without a municipal vote (third-country nationals:
    # about 60 % of the foreign adults; EU citizens may vote locally)
    base = adults.assign(sex="total", band="all")
    third_country = np.where(base["origin"] == "foreign", 0.6, 0.0)
    frames = [
        base.assign(variable="residents_voting_age"),
        base.assign(
            variable="residents_voting_age_without_municipal_vote",
            value=rng.binomial(base["value"].to_numpy().astype("int64"), third_country),
        ),
    ]
    # (election, years, eligible share by origin, turnout)
    specs = (
        (
            "municipal",
            MUNICIPAL_ELECTIONS,
            {"german_nomb": 1, "german_mb": 1, "foreign": 0.38},
            0.56,
        ),
        ("federal", FEDERAL_ELECTIONS, {"german_nomb": 1, "german_mb": 1, "foreign": 0.0}, 0.77),
        (
            "advisory_council",
            COUNCIL_ELECTIONS,
            {"german_nomb": 0, "german_mb": 0.1, "foreign": 0.95},
            0.08,
        ),
    )
    for kind, years, eligible, turnout in specs:
        sel = adults["year"].isin(years)
        a = adults[sel]
        elig = rng.binomial(
            a["value"].to_numpy().astype("int64"),
            a["origin"].map(eligible).to_numpy().astype(float),
        )
        p = np.clip(turnout * np.exp(-0.25 * social[sel.to_numpy()]), 0, 1)
        if kind == "advisory_council":
            p = np.clip(turnout * np.exp(0.1 * social[sel.to_numpy()]), 0, 1)
        voters = rng.binomial(elig, p)
        base = a.assign(sex="total", band="all")
        frames += [
            base.assign(variable=f"electorate_{kind}", value=elig),
            base.assign(variable=f"voters_{kind}", value=voters),
        ]
    return pd.concat(frames, ignore_index=True)
