"""The synthetic demo Land "Wendenau" (Land code 99, which no real Land has).

Everything here is invented and labelled synthetic in every output. The generator draws a
latent population per smallest unit (sub-district of a kreisfreie Stadt, Gemeinde of a
Landkreis), year, origin (German without / German with migration background / foreign), sex
and age band, derives every catalogue variable from it by binomial thinning with rates whose
gaps point the way official figures do, sums the units up to cities, Landkreise and the Land,
and finally *publishes* each variable only where a real office would: Landkreise get no
migration background, no sub-districts, no municipal survey and education only by
nationality. A few cells carry the official symbols (``.`` secret, ``-`` zero, ``...`` not yet
available, ``/`` uncertain) so the pipeline handles them from the start.

Deterministic: the same seed gives byte-identical Parquet files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .store import ObservationStore

SOURCE_ID = "synthetic_demo"
SOURCE_LABEL = "SYNTHETISCHE DEMODATEN (intmon, nicht real)"
LAND_ID, LAND_NAME = "99", "Land Wendenau (synthetisch)"
YEARS = tuple(range(2014, 2025))
ORIGINS = ("german_nomb", "german_mb", "foreign")
SEXES = ("female", "male")
BANDS = ("0-2", "3-5", "6-14", "15-24", "25-64", "65+")
AGE_SHARES = {  # age structure by origin: immigrants and their children are younger
    "german_nomb": (0.025, 0.025, 0.072, 0.093, 0.52, 0.265),
    "german_mb": (0.05, 0.05, 0.14, 0.15, 0.52, 0.09),
    "foreign": (0.034, 0.032, 0.082, 0.14, 0.635, 0.077),
}
# unions of age bands that are published (laminar, see vocabulary.yml)
AGE_UNIONS = {"total": BANDS, "0-64": BANDS[:5], "0-14": BANDS[:3], "15-64": BANDS[3:5],
              "0-2": ("0-2",), "3-5": ("3-5",), "6-14": ("6-14",), "15-24": ("15-24",),
              "25-64": ("25-64",), "65+": ("65+",)}
GROUPS = {"total": ORIGINS, "german": ("german_nomb", "german_mb"), "foreign": ("foreign",),
          "with_migration_background": ("german_mb", "foreign"),
          "without_migration_background": ("german_nomb",)}
GROUP_SETS = {"nat": ("total", "german", "foreign"),
              "mb": ("total", "with_migration_background", "without_migration_background"),
              "both": ("total", "german", "foreign", "with_migration_background",
                       "without_migration_background"),
              "total": ("total",)}


@dataclass(frozen=True)
class City:
    area_id: str
    name: str
    population: int
    foreign_share: float
    subdistricts: tuple[str, ...]


@dataclass(frozen=True)
class Landkreis:
    area_id: str
    name: str
    population: int
    foreign_share: float
    gemeinden: tuple[str, ...]


CITIES = (
    City("99101000", "Lindenhagen", 585_000, 0.22,
         ("Altstadt", "Hafen", "Nordviertel", "Mühlenfeld", "Sankt Georgen", "Weidenhof",
          "Kastanienallee", "Oberlinden", "Bahnhofsviertel", "Am Schlossberg", "Eichkamp",
          "Neuwerk", "Rosental", "Tiefenbrunn")),
    City("99102000", "Falkenried", 262_000, 0.18,
         ("Mitte", "Falkenhöhe", "Brückenviertel", "Auenpark", "Ziegelhof", "Lindenau",
          "Kronsberg", "Am Wasserturm", "Westend", "Heidegrund", "Industriehafen", "Sonnenhang")),
    City("99103000", "Steinbrügge", 158_000, 0.15,
         ("Innenstadt", "Steinfeld", "Bruchhof", "Am Anger", "Quellenviertel", "Marktplatz-Süd",
          "Hohenrode", "Kiefernheide", "Gartenstadt", "Flussau", "Ostkamp")),
    City("99104000", "Mörsental", 112_000, 0.12,
         ("Zentrum", "Mörsenhöhe", "Talweg", "Kirchberg", "Am Hafenbecken", "Lerchenfeld",
          "Ulmenhof", "Wiesengrund", "Feldmark", "Schäferei")),
)
LANDKREISE = (
    Landkreis("99201", "Landkreis Hohe Wende", 178_000, 0.09,
              ("Wendeburg", "Hollerbach", "Kranichsee", "Altmühlen", "Birkhagen", "Roggenfeld",
               "Dornstedt")),
    Landkreis("99202", "Landkreis Ulmengrund", 131_000, 0.08,
              ("Ulmenstadt", "Grundhausen", "Kleinwerder", "Bärenbrunn", "Haferstedt", "Moosried")),
    Landkreis("99203", "Landkreis Sandmark", 205_000, 0.11,
              ("Sandhausen an der Marke", "Dünenfeld", "Kiesow", "Heidekrug", "Sandow",
               "Markersdorf", "Lüttgenrode", "Feldwiesen")),
    Landkreis("99204", "Landkreis Eichwald", 94_000, 0.06,
              ("Eichwalde-Stadt", "Buchenrode", "Lindholz", "Tannenwinkel", "Ahornsee")),
    Landkreis("99205", "Landkreis Moorbach", 118_000, 0.07,
              ("Moorbach", "Riedhausen", "Torfstedt", "Schilfau", "Binsenfeld", "Erlengrund")),
)
# kreisangehörige Gemeinden that monitor themselves (the first Gemeinde, the Kreisstadt)
REPORTING_GEMEINDEN = ("99201", "99202", "99203")

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
    "employees_marginal_only": (("15-24", "25-64"), (0.07, 0.09, 0.10), (-0.001, -0.001, -0.001), 0.3, 1.3),
    "other_labour_force": (("15-24", "25-64"), (0.09, 0.06, 0.05), (0, 0, 0), -0.3, 0.8),
    "unemployed": (("15-24", "25-64"), (0.038, 0.065, 0.095), (-0.0012, -0.0015, -0.0018), 1.2, 0.85),
    "sgb2_recipients": (("0-2", "3-5", "6-14", "15-24", "25-64"), (0.05, 0.10, 0.15), (-0.001, -0.001, 0.0), 1.4, 1.05),
    "out_moves": (("all",), (0.045, 0.06, 0.10), (0, 0, 0), 0.2, 0.95),
    "homeless_housed": (("all",), (0.0007, 0.0014, 0.0035), (0, 0, 0.0001), 1.0, 0.6),
    "households": (("all",), (0.52, 0.43, 0.45), (0, 0, 0), 0.0, 1.0),
    "marriages": (("all",), (0.0045, 0.0045, 0.0045), (0, 0, 0), 0.0, 1.0),
}
# shares among a parent variable (second stage of thinning)
SUBRATES = {
    "school_entry_language_support": ("school_entry_examined", (0.14, 0.40, 0.55), (0, -0.003, -0.004)),
    "pupils_grade8_gymnasium": ("pupils_grade8", (0.44, 0.31, 0.19), (0, 0.002, 0.003)),
    "pupils_gymnasium": ("pupils", (0.36, 0.26, 0.16), (0.002, 0.003, 0.003)),
    "pupils_hauptschule": ("pupils", (0.09, 0.14, 0.24), (-0.003, -0.003, -0.004)),
    "school_leavers_without_certificate": ("school_leavers", (0.052, 0.09, 0.16), (0, -0.001, -0.002)),
    "school_leavers_hochschulreife": ("school_leavers", (0.36, 0.25, 0.13), (0.002, 0.003, 0.004)),
    "unemployed_long_term": ("unemployed", (0.37, 0.33, 0.27), (-0.003, -0.002, -0.001)),
    "households_social_housing": ("households", (0.045, 0.09, 0.13), (0, 0, 0)),
    "employees_svb_no_qualification": ("employees_svb", (0.10, 0.17, 0.31), (-0.002, -0.002, -0.003)),
    "marriages_binational": ("marriages", (0.10, 0.20, 0.35), (0, 0, 0)),
}
# municipal survey (Bürgerumfrage), weighted estimates, only published for cities
SURVEY = {  # variable: (base, shares by origin)
    "survey_households_owner": ("households", (0.47, 0.29, 0.14)),
    "survey_households_cost_overburden": ("households", (0.11, 0.19, 0.27)),
    "survey_persons_overcrowded": ("population", (0.05, 0.15, 0.25)),
}
LIVING_SPACE = (47.5, 35.0, 30.5)  # m² per person by origin

# Where each variable is published: area kind -> group set; sexes and age bands published.
P_ALL = ("stadtteil", "kreisfreie_stadt", "gemeinde", "landkreis", "land")
P_KREIS = ("kreisfreie_stadt", "landkreis", "land")
P_CITY = ("kreisfreie_stadt",)
PUBLICATION = {
    # variable: (kinds, groups in cities (and their Stadtteile), groups elsewhere, by sex, ages)
    "population": (P_ALL, "both", "nat", True, tuple(AGE_UNIONS)),
    "naturalisations": (P_KREIS, "total", "total", True, ("total",)),
    "kita_children": (P_KREIS, "mb", "total", False, ("0-2", "3-5")),
    "school_entry_examined": (("stadtteil", "kreisfreie_stadt"), "mb", "mb", False, ("total",)),
    "school_entry_language_support": (("stadtteil", "kreisfreie_stadt"), "mb", "mb", False, ("total",)),
    "pupils_grade8": (P_KREIS, "nat", "nat", False, ("total",)),
    "pupils": (P_KREIS, "nat", "nat", False, ("total",)),
    "pupils_gymnasium": (P_KREIS, "nat", "nat", False, ("total",)),
    "pupils_hauptschule": (P_KREIS, "nat", "nat", False, ("total",)),
    "employees_svb_workplace": (P_KREIS, "nat", "nat", True, ("total",)),
    "employees_svb_no_qualification": (P_KREIS, "nat", "nat", False, ("15-64",)),
    "population_foreign_residence_8y": (P_KREIS, "total", "total", False, ("total",)),
    "residents_voting_age": (P_ALL, "total", "total", False, ("total",)),
    "residents_voting_age_without_municipal_vote": (P_ALL, "total", "total", False, ("total",)),
    "pupils_grade8_gymnasium": (P_KREIS, "nat", "nat", False, ("total",)),
    "school_leavers": (P_KREIS, "nat", "nat", True, ("total",)),
    "school_leavers_without_certificate": (P_KREIS, "nat", "nat", True, ("total",)),
    "school_leavers_hochschulreife": (P_KREIS, "nat", "nat", True, ("total",)),
    "vocational_trainees": (P_KREIS, "nat", "nat", False, ("total",)),
    "employees_svb": (P_ALL, "nat", "nat", True, ("15-64",)),
    "employees_marginal_only": (("kreisfreie_stadt", "gemeinde", "landkreis", "land"), "nat", "nat", False, ("total",)),
    "unemployed": (P_ALL, "nat", "nat", True, ("total", "0-64", "15-64", "15-24", "25-64")),
    "unemployed_long_term": (P_KREIS, "nat", "nat", False, ("total",)),
    "civilian_labour_force": (P_KREIS, "nat", "nat", False, ("total",)),
    "sgb2_recipients": (P_ALL, "nat", "nat", False, ("0-64",)),
    "out_moves": (P_ALL, "nat", "nat", False, ("total",)),
    "homeless_housed": (P_KREIS, "nat", "nat", False, ("total",)),
    "households": (("stadtteil", "kreisfreie_stadt"), "nat", "nat", False, ("total",)),
    "households_social_housing": (("stadtteil", "kreisfreie_stadt"), "nat", "nat", False, ("total",)),
    "marriages": (("kreisfreie_stadt", "gemeinde", "landkreis", "land"), "total", "total", False, ("total",)),
    "marriages_binational": (("kreisfreie_stadt", "gemeinde", "landkreis", "land"), "total", "total", False, ("total",)),
    "survey_households": (P_CITY, "mb", "mb", False, ("total",)),
    "survey_households_owner": (P_CITY, "mb", "mb", False, ("total",)),
    "survey_households_cost_overburden": (P_CITY, "mb", "mb", False, ("total",)),
    "survey_persons": (P_CITY, "mb", "mb", False, ("total",)),
    "survey_persons_overcrowded": (P_CITY, "mb", "mb", False, ("total",)),
    "survey_living_space": (P_CITY, "mb", "mb", False, ("total",)),
    "electorate_municipal": (P_ALL, "total", "total", False, ("total",)),
    "voters_municipal": (P_ALL, "total", "total", False, ("total",)),
    "electorate_federal": (P_ALL, "total", "total", False, ("total",)),
    "voters_federal": (P_ALL, "total", "total", False, ("total",)),
    "electorate_advisory_council": (P_CITY, "total", "total", False, ("total",)),
    "voters_advisory_council": (P_CITY, "total", "total", False, ("total",)),
}
MUNICIPAL_ELECTIONS, FEDERAL_ELECTIONS, COUNCIL_ELECTIONS = (2014, 2019, 2024), (2017, 2021), (2015, 2020)
SURVEY_YEARS = (2015, 2017, 2019, 2021, 2023)
STAFF_SURVEY_YEARS = (2016, 2019, 2022, 2024)


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


def survey_microdata(rng: np.random.Generator, pop: pd.DataFrame, units: pd.DataFrame
                     ) -> pd.DataFrame:
    """Respondents of the cities' surveys: a sample that under-represents foreign nationals
    (lower response), corrected by design weights that restore the population shares."""
    adults = pop[pop["band"].isin(["15-24", "25-64", "65+"])].assign(
        city=lambda d: d["unit"].map(units.set_index("unit")["kreis"]))
    rows = []
    for (city, year), cell in adults[adults["year"].isin(SURVEY_YEARS)].groupby(["city", "year"]):
        if not city.endswith("000"):
            continue
        by = cell.groupby(["origin", "sex"])["value"].sum()
        response = by.index.get_level_values("origin").map({"german_nomb": 1.0, "german_mb": 0.8,
                                                           "foreign": 0.55}).to_numpy()
        p = by.to_numpy() * response / (by.to_numpy() * response).sum()
        counts = rng.multinomial(SURVEY_RESPONDENTS, p)
        for (origin, sex), n, pop_count in zip(by.index, counts, by.to_numpy()):
            if n == 0:
                continue
            o = ORIGINS.index(origin)
            d = {"area_id": city, "year": year, "weight": pop_count / n * rng.uniform(0.8, 1.2, n),
                 "sex": "f" if sex == "female" else "m",
                 "nationality": "foreign" if origin == "foreign" else "german",
                 "migration_background": "without" if origin == "german_nomb" else "with"}
            for item, (probs, scale) in SURVEY_ITEMS.items():
                positive = rng.random(n) < probs[o]
                codes = np.where(positive, 1, rng.integers(2, scale + 1, n)).astype(float)
                codes[rng.random(n) < 0.04] = -1          # item nonresponse (missing code)
                d[item] = codes
            rows.append(pd.DataFrame(d))
    return pd.concat(rows, ignore_index=True)


def areas_table() -> pd.DataFrame:
    """The area register of the demo Land."""
    rows = [(LAND_ID, LAND_NAME, "state", "land", "")]
    for c in CITIES:
        rows.append((c.area_id, c.name, "district", "kreisfreie_stadt", LAND_ID))
        rows += [(f"{c.area_id}-{i:02d}", s, "subdistrict", "stadtteil", c.area_id)
                 for i, s in enumerate(c.subdistricts, start=1)]
    for lk in LANDKREISE:
        rows.append((lk.area_id, lk.name, "district", "landkreis", LAND_ID))
        rows += [(f"{lk.area_id}{i:03d}", g, "municipality", "gemeinde", lk.area_id)
                 for i, g in enumerate(lk.gemeinden, start=1)]
    df = pd.DataFrame(rows, columns=["area_id", "name", "level", "kind", "parent_id"])
    df["synthetic"] = True
    return df


def _units(rng: np.random.Generator) -> pd.DataFrame:
    """Smallest units with size, foreign share and social index (deprivation, mean 0)."""
    rows = []
    for parent, n_units, pop, fshare in (
            [(c.area_id, len(c.subdistricts), c.population, c.foreign_share) for c in CITIES]
            + [(lk.area_id, len(lk.gemeinden), lk.population, lk.foreign_share) for lk in LANDKREISE]):
        is_city = parent.endswith("000")
        weights = rng.lognormal(0.0, 0.55, n_units)
        if is_city:
            weights[1] = 0.012 * weights.sum()  # one very small unit (port, industrial area)
        else:
            weights[0] *= 2.5  # the Kreisstadt is the largest Gemeinde
        sizes = pop * weights / weights.sum()
        social = rng.normal(0.0, 0.35, n_units)
        fs = np.clip(fshare * np.exp(0.8 * social + rng.normal(0, 0.4, n_units)), 0.01, 0.6)
        for i in range(n_units):
            unit = f"{parent}-{i + 1:02d}" if is_city else f"{parent}{i + 1:03d}"
            rows.append((unit, parent, is_city, sizes[i], fs[i], social[i]))
    return pd.DataFrame(rows, columns=["unit", "kreis", "is_city", "size", "foreign_share", "social"])


def _latent_population(rng, units: pd.DataFrame) -> pd.DataFrame:
    """Population per unit × year × origin × sex × age band."""
    t = np.array(YEARS) - YEARS[0]
    # foreign share rises: refugee immigration 2015/16 and 2022, steady EU immigration
    bump = 0.012 * t + 0.025 * (np.array(YEARS) >= 2016) + 0.02 * (np.array(YEARS) >= 2022)
    frames = []
    for u in units.itertuples():
        growth = 1 + 0.004 * t + rng.normal(0, 0.002, len(t))
        f = np.clip(u.foreign_share * (1 + bump), 0, 0.7)
        m = np.clip(0.75 * u.foreign_share * (1 + 0.3 * t / 10) * (1.3 if u.is_city else 1.0), 0, 0.5)
        m = np.minimum(m, 0.9 - f)  # at least 10 % Germans without migration background
        shares = {"german_nomb": 1 - f - m, "german_mb": m, "foreign": f}
        for o in ORIGINS:
            age = np.array(AGE_SHARES[o]) / sum(AGE_SHARES[o])
            for s, sex_share in zip(SEXES, (0.505, 0.495) if o != "foreign" else (0.47, 0.53)):
                expected = (u.size * growth * shares[o])[:, None] * sex_share * age[None, :]
                counts = rng.poisson(expected)
                for j, band in enumerate(BANDS):
                    frames.append(pd.DataFrame({"unit": u.unit, "year": YEARS, "origin": o,
                                                "sex": s, "band": band, "value": counts[:, j]}))
    return pd.concat(frames, ignore_index=True)


# age pattern of some rates (relative to the origin rate): young people are less often
# employed and less often registered unemployed (many are in education)
BAND_FACTORS = {"employees_svb": {"15-24": 0.55}, "unemployed": {"15-24": 0.6},
                "sgb2_recipients": {"0-2": 1.4, "3-5": 1.35, "6-14": 1.3}}


def _thin(rng, base: pd.DataFrame, units: pd.DataFrame, rates, change, social_el, female,
          band_factors: dict | None = None) -> np.ndarray:
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


def _latent_variables(rng, pop: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Every variable at unit × year × origin × sex × band level (band 'all' = not by age)."""
    out = [pop.assign(variable="population")]
    by_origin = pop.groupby(["unit", "year", "origin", "sex"], as_index=False)["value"].sum()
    made = {}
    for name, (bands, rates, change, social_el, female) in RATES.items():
        base = by_origin.assign(band="all") if bands == ("all",) else pop[pop["band"].isin(bands)]
        var = name.rsplit("_", 1)[0] if name.startswith("kita_children_") else name
        df = base.assign(variable=var, value=_thin(rng, base, units, rates, change, social_el,
                                                   female, BAND_FACTORS.get(var)))
        if var in ("pupils_grade8", "pupils", "school_entry_examined", "school_leavers"):
            df = df.assign(band="all").groupby(["unit", "year", "origin", "sex", "band", "variable"],
                                               as_index=False)["value"].sum()
        made[name] = df
        out.append(df)
    for name, (parent, rates, change) in SUBRATES.items():
        base = made[parent]
        df = base.assign(variable=name, value=_thin(rng, base, units, rates, change, 0.0, 1.0))
        made[name] = df
        out.append(df)
    # derived labour-market base: dependent + other civilian labour force
    clf = pd.concat([made["employees_svb"], made["employees_marginal_only"], made["unemployed"],
                     made["other_labour_force"]]).groupby(
        ["unit", "year", "origin", "sex"], as_index=False)["value"].sum()
    out.append(clf.assign(variable="civilian_labour_force", band="all"))
    out = [d for d in out if d["variable"].iloc[0] != "other_labour_force"]
    # employees at the place of work: cities draw in-commuters, Landkreise lose out-commuters
    svb = made["employees_svb"]
    commuting = np.where(svb["unit"].str.contains("-").to_numpy(), 1.35, 0.8)
    out.append(svb.assign(variable="employees_svb_workplace",
                          value=rng.poisson(svb["value"].to_numpy() * commuting)))
    # survey-based estimates (weighted to the population): shares drawn per city later
    persons = by_origin.assign(band="all")
    out.append(persons.assign(variable="survey_persons"))
    out.append(made["households"].assign(variable="survey_households"))
    for name, (base_var, shares) in SURVEY.items():
        base = persons if base_var == "population" else made["households"]
        out.append(base.assign(variable=name, value=_thin(rng, base, units, shares, (0, 0, 0),
                                                          0.4, 1.0)))
    space = persons["value"].to_numpy() * np.array(LIVING_SPACE)[
        persons["origin"].map({o: i for i, o in enumerate(ORIGINS)}).to_numpy()]
    out.append(persons.assign(variable="survey_living_space",
                              value=np.round(space * rng.normal(1, 0.03, len(space)))))
    out.append(_elections(rng, pop, units))
    # foreigners with at least 8 years of residence (AZR): the 2015/16 arrivals lower the share
    # until they pass the 8-year mark
    foreign = by_origin[by_origin["origin"] == "foreign"].assign(band="all")
    share = 0.52 - 0.10 * ((foreign["year"] >= 2016) & (foreign["year"] < 2024)).to_numpy()
    out.append(foreign.assign(variable="population_foreign_residence_8y",
                              value=rng.binomial(foreign["value"].to_numpy().astype("int64"), share)))
    return pd.concat(out, ignore_index=True)


# Zensus 2022: immigration history by origin (shares of German without MB, with MB, foreign)
IMMIGRATION_HISTORY = (("immigrated", (0.015, 0.50, 0.86)), ("descendants", (0.0, 0.55, 0.75)),
                       ("one_sided_immigration_history", (0.03, 0.5, 0.3)))
CENSUS_YEAR = 2022


def _immigration_history(rng, pop: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Population by Einwanderungsgeschichte at the census date, per unit (age and sex total).

    Drawn in sequence from what is left, so immigrated + descendants + one-sided + without
    equals the population exactly, as the identities of the vocabulary require.
    """
    base = pop[pop["year"] == CENSUS_YEAR].groupby(["unit", "origin"], as_index=False)["value"].sum()
    origin_idx = base["origin"].map({o: i for i, o in enumerate(ORIGINS)}).to_numpy()
    left = base["value"].to_numpy().astype("int64")
    cells = {}
    for group, shares in IMMIGRATION_HISTORY:
        drawn = rng.binomial(left, np.array(shares)[origin_idx])
        cells[group] = drawn
        left = left - drawn
    cells["without_immigration_history"] = left
    cells["with_immigration_history"] = cells["immigrated"] + cells["descendants"]
    frames = [base.assign(group=g, value=v) for g, v in cells.items()]
    df = pd.concat(frames).groupby(["unit", "group"], as_index=False)["value"].sum()
    kreis = df["unit"].map(units.set_index("unit")["kreis"])
    out = [df.rename(columns={"unit": "area_id"}),
           df.assign(area_id=kreis).groupby(["area_id", "group"], as_index=False)["value"].sum(),
           df.groupby("group", as_index=False)["value"].sum().assign(area_id=LAND_ID)]
    cells = pd.concat(out, ignore_index=True)
    cells = cells[~cells["area_id"].str.contains("-")]        # the census stops at the Gemeinde
    return cells.assign(year=CENSUS_YEAR, variable="population", sex="total", age="total")


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
    frames = [base.assign(variable="residents_voting_age"),
              base.assign(variable="residents_voting_age_without_municipal_vote",
                          value=rng.binomial(base["value"].to_numpy().astype("int64"), third_country))]
    specs = (("municipal", MUNICIPAL_ELECTIONS, {"german_nomb": 1, "german_mb": 1, "foreign": 0.38}, 0.56),
             ("federal", FEDERAL_ELECTIONS, {"german_nomb": 1, "german_mb": 1, "foreign": 0.0}, 0.77),
             ("advisory_council", COUNCIL_ELECTIONS, {"german_nomb": 0, "german_mb": 0.1, "foreign": 0.95}, 0.08))
    for kind, years, eligible, turnout in specs:
        sel = adults["year"].isin(years)
        a = adults[sel]
        elig = rng.binomial(a["value"].to_numpy().astype("int64"),
                            a["origin"].map(eligible).to_numpy().astype(float))
        p = np.clip(turnout * np.exp(-0.25 * social[sel.to_numpy()]), 0, 1)
        if kind == "advisory_council":
            p = np.clip(turnout * np.exp(0.1 * social[sel.to_numpy()]), 0, 1)
        voters = rng.binomial(elig, p)
        base = a.assign(sex="total", band="all")
        frames += [base.assign(variable=f"electorate_{kind}", value=elig),
                   base.assign(variable=f"voters_{kind}", value=voters)]
    return pd.concat(frames, ignore_index=True)


def _aggregate(latent: pd.DataFrame, units: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Publishable cells: groups, sexes and age unions at unit, Kreis and Land level."""
    kind = areas.set_index("area_id")["kind"]
    unit_kreis = units.set_index("unit")["kreis"]
    pieces = []
    for variable, (_, _, _, by_sex, ages) in PUBLICATION.items():
        lat = latent[latent["variable"] == variable]
        band_map = [(age, AGE_UNIONS[age]) for age in ages] if ages != ("total",) else [("total", None)]
        for age, bands in band_map:
            sub = lat if bands is None else lat[lat["band"].isin(bands)]
            for group, origins in GROUPS.items():
                g = sub[sub["origin"].isin(origins)]
                sexes = [("total", SEXES + ("total",))]
                if by_sex:
                    sexes += [(s, (s,)) for s in SEXES]
                for sex, sx in sexes:
                    cell = g[g["sex"].isin(sx)].groupby(["unit", "year"])["value"].sum()
                    if cell.empty:
                        continue
                    unit_level = cell.reset_index().rename(columns={"unit": "area_id"})
                    kreis_level = cell.groupby([cell.index.get_level_values("unit").map(unit_kreis),
                                                "year"]).sum().reset_index()
                    kreis_level.columns = ["area_id", "year", "value"]
                    land_level = cell.groupby("year").sum().reset_index().assign(area_id=LAND_ID)
                    for frame in (unit_level, kreis_level, land_level):
                        pieces.append(frame.assign(variable=variable, group=group, sex=sex, age=age))
    cells = pd.concat(pieces, ignore_index=True)
    cells["kind"] = cells["area_id"].map(kind)
    cells["city"] = cells["area_id"].str[:8].map(kind).eq("kreisfreie_stadt")
    keep = np.zeros(len(cells), dtype=bool)
    for variable, (kinds, city_groups, other_groups, _, _) in PUBLICATION.items():
        v = (cells["variable"] == variable) & cells["kind"].isin(kinds)
        city_ok = cells["city"] & cells["group"].isin(GROUP_SETS[city_groups])
        land_groups = GROUP_SETS[city_groups] if city_groups != "total" else GROUP_SETS["total"]
        other_ok = ~cells["city"] & cells["group"].isin(GROUP_SETS[other_groups])
        land_ok = (cells["kind"] == "land") & cells["group"].isin(land_groups)
        keep |= (v & (city_ok | other_ok | land_ok)).to_numpy()
    return cells[keep].drop(columns=["kind", "city"])


def _council_and_staff(rng, cells: pd.DataFrame) -> pd.DataFrame:
    """City council, city staff and city trainees (cities only): total and with MB."""
    rows = []
    for c in CITIES:
        pop = cells[(cells["area_id"] == c.area_id) & (cells["variable"] == "population")
                    & (cells["group"] == "total") & (cells["sex"] == "total")
                    & (cells["age"] == "total")].set_index("year")["value"]
        seats = 40 + 10 * int(c.population > 150_000) + 10 * int(c.population > 250_000) + 10 * int(c.population > 500_000)
        mb_seats = 0
        for year in YEARS:
            if year in MUNICIPAL_ELECTIONS:
                mb_seats = int(rng.binomial(seats, 0.05 + 0.012 * (year - 2014) / 5 + c.foreign_share * 0.2))
            rows += [(c.area_id, year, "council_members", "total", seats),
                     (c.area_id, year, "council_members", "with_migration_background", mb_seats)]
            staff = int(pop[year] * 0.011)
            trainees = int(pop[year] * 0.0005)
            if year in STAFF_SURVEY_YEARS:
                share = 0.10 + 0.008 * (year - 2014) + c.foreign_share * 0.2
                rows += [(c.area_id, year, "city_staff", "total", staff),
                         (c.area_id, year, "city_staff", "with_migration_background",
                          int(rng.binomial(staff, share)))]
            rows += [(c.area_id, year, "city_trainees", "total", trainees),
                     (c.area_id, year, "city_trainees", "with_migration_background",
                      int(rng.binomial(trainees, 0.16 + 0.015 * (year - 2014))))]
    df = pd.DataFrame(rows, columns=["area_id", "year", "variable", "group", "value"])
    return df.assign(sex="total", age="total")


def _publish(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Attach levels, statuses and symbols; keep survey years; add a few source symbols."""
    level = areas.set_index("area_id")["level"]
    obs = cells.assign(area_level=cells["area_id"].map(level), source=SOURCE_LABEL)
    obs["value"] = obs["value"].astype("float64")
    survey = obs["variable"].str.startswith("survey_")
    obs = obs[~survey | obs["year"].isin(SURVEY_YEARS)].copy()
    survey = obs["variable"].str.startswith("survey_")
    # survey estimates are weighted and rounded to tens
    obs.loc[survey, "value"] = (obs.loc[survey, "value"] / 10).round() * 10
    obs["status"] = np.where(survey, "estimated", "ok")
    obs.loc[obs["value"] == 0, "status"] = "zero"
    # the Land's migration background comes from the Mikrozensus: an estimate in thousands
    mz = (obs["area_id"] == LAND_ID) & obs["group"].str.contains("migration_background") \
        & (obs["variable"] == "population")
    obs.loc[mz, "value"] = (obs.loc[mz, "value"] / 1000).round() * 1000
    obs.loc[mz, "status"] = "estimated"
    # source symbols: the Landkreis Sandmark has not yet delivered its 2024 school leavers
    nya = (obs["area_id"] == "99203") & (obs["year"] == 2024) & obs["variable"].str.startswith("school_leavers")
    obs.loc[nya, ["value", "status"]] = [np.nan, "not_yet_available"]
    # the Jugendamt of Landkreis Eichwald kept its 2019 Kita count secret (a single provider)
    sec = (obs["area_id"] == "99204") & (obs["year"] == 2019) & (obs["variable"] == "kita_children")
    obs.loc[sec, ["value", "status"]] = [np.nan, "secret"]
    # too few survey cases with migration background in Mörsental 2015 -> '/'
    unc = (obs["area_id"] == "99104000") & (obs["year"] == 2015) & survey \
        & (obs["group"] == "with_migration_background")
    obs.loc[unc, ["value", "status"]] = [np.nan, "uncertain"]
    # a reporting change: homeless foreigners in Ulmengrund 2014 were not broken out -> 'x'
    nm = (obs["area_id"] == "99202") & (obs["year"] == 2014) & (obs["variable"] == "homeless_housed") \
        & (obs["group"] != "total")
    obs.loc[nm, ["value", "status"]] = [np.nan, "not_meaningful"]
    obs = obs[["area_id", "area_level", "year", "variable", "group", "sex", "age", "value",
               "status", "source"]]
    return obs.sort_values(["area_id", "year", "variable", "group", "sex", "age"], ignore_index=True)


def generate(seed: int = 2024) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return ``(observations, areas, survey microdata)`` of the synthetic demo Land."""
    rng = np.random.default_rng(seed)
    areas = areas_table()
    units = _units(rng)
    pop = _latent_population(rng, units)
    latent = _latent_variables(rng, pop, units)
    cells = _aggregate(latent, units, areas)
    cells = pd.concat([cells, _council_and_staff(rng, cells), _immigration_history(rng, pop, units)],
                      ignore_index=True)
    return _publish(cells, areas), areas, survey_microdata(rng, pop, units)


def write_demo_data(data_dir: str | Path, seed: int = 2024) -> ObservationStore:
    """Generate the demo Land and write it into ``data_dir`` (replacing earlier demo data)."""
    observations, areas, survey = generate(seed)
    store = ObservationStore(data_dir)
    store.write_areas(areas)
    store.write_observations(observations, SOURCE_ID, origin=f"intmon demo generator (seed {seed})")
    store.write_survey(survey, "synthetic_demo_survey", origin=f"intmon demo survey (seed {seed})")
    return store


def germany(n_kreise: int = 400, years: int = 10, seed: int = 2024, workers: int = 1
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A synthetic set the size of Germany, for benchmarks: ``n_kreise`` Kreise in copies of
    the demo Land, each drawn with its own seed and given a Land code no real Land has (99,
    then 50, 51, ...). Only the first Land keeps its Stadtteile, Gemeinden and survey, as
    only some cities deliver small-area data; the others have Kreis and Land level. The last
    ``years`` years are kept. Returns ``(observations, areas, survey microdata)``."""
    from concurrent.futures import ProcessPoolExecutor

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
            area["name"] = np.where(area["level"] == "state", f"Land {code} (synthetisch)",
                                    area["name"] + f" ({code})")
            area["area_id"] = code + area["area_id"].str[2:]
            area["parent_id"] = area["parent_id"].where(area["parent_id"] == "", code)
        observations.append(obs)
        areas.append(area)
    obs = pd.concat(observations, ignore_index=True)
    first = YEARS[-years]
    return (obs[obs["year"] >= first].reset_index(drop=True), pd.concat(areas, ignore_index=True),
            micro[micro["year"] >= first].reset_index(drop=True))
