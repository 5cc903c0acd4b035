"""Publication of the demo Land: what a real office would publish, with official symbols.

:func:`publishable_cells` sums the latent variables up to units, Kreise and the Land for the
groups, sexes and age bands each variable is published in (``PUBLICATION``): Landkreise get no
migration background, no sub-districts, no municipal survey and education only by
nationality. :func:`council_and_staff` adds the cities' council and staff figures;
:func:`publish` attaches levels and statuses and sets a few official symbols (``.`` secret,
``-`` zero, ``...`` not yet available, ``/`` uncertain, ``x`` not meaningful).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import OBSERVATION_COLUMNS
from .land import (
    BANDS,
    CITIES,
    LAND_ID,
    MUNICIPAL_ELECTIONS,
    ORIGINS,
    SEXES,
    SOURCE_LABEL,
    STAFF_SURVEY_YEARS,
    SURVEY_YEARS,
    YEARS,
)

# unions of age bands that are published (laminar, see vocabulary.yml)
AGE_UNIONS = {
    "total": BANDS,
    "0-64": BANDS[:5],
    "0-14": BANDS[:3],
    "15-64": BANDS[3:5],
    "0-2": ("0-2",),
    "3-5": ("3-5",),
    "6-14": ("6-14",),
    "15-24": ("15-24",),
    "25-64": ("25-64",),
    "65+": ("65+",),
}
GROUPS = {
    "total": ORIGINS,
    "german": ("german_nomb", "german_mb"),
    "foreign": ("foreign",),
    "with_migration_background": ("german_mb", "foreign"),
    "without_migration_background": ("german_nomb",),
}
GROUP_SETS = {
    "nat": ("total", "german", "foreign"),
    "mb": ("total", "with_migration_background", "without_migration_background"),
    "both": (
        "total",
        "german",
        "foreign",
        "with_migration_background",
        "without_migration_background",
    ),
    "total": ("total",),
}


# Where each variable is published: area kind -> group set; sexes and age bands published.
P_ALL = ("stadtteil", "kreisfreie_stadt", "gemeinde", "landkreis", "land")
P_KREIS = ("kreisfreie_stadt", "landkreis", "land")
P_CITY = ("kreisfreie_stadt",)
P_NO_SUBDISTRICT = ("kreisfreie_stadt", "gemeinde", "landkreis", "land")
PUBLICATION = {
    # variable: (kinds, groups in cities (and their Stadtteile), groups elsewhere, by sex, ages)
    "population": (P_ALL, "both", "nat", True, tuple(AGE_UNIONS)),
    "naturalisations": (P_KREIS, "total", "total", True, ("total",)),
    "kita_children": (P_KREIS, "mb", "total", False, ("0-2", "3-5")),
    "school_entry_examined": (("stadtteil", "kreisfreie_stadt"), "mb", "mb", False, ("total",)),
    "school_entry_language_support": (
        ("stadtteil", "kreisfreie_stadt"),
        "mb",
        "mb",
        False,
        ("total",),
    ),
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
    "employees_marginal_only": (P_NO_SUBDISTRICT, "nat", "nat", False, ("total",)),
    "unemployed": (P_ALL, "nat", "nat", True, ("total", "0-64", "15-64", "15-24", "25-64")),
    "unemployed_long_term": (P_KREIS, "nat", "nat", False, ("total",)),
    "civilian_labour_force": (P_KREIS, "nat", "nat", False, ("total",)),
    "sgb2_recipients": (P_ALL, "nat", "nat", False, ("0-64",)),
    "out_moves": (P_ALL, "nat", "nat", False, ("total",)),
    "homeless_housed": (P_KREIS, "nat", "nat", False, ("total",)),
    "households": (("stadtteil", "kreisfreie_stadt"), "nat", "nat", False, ("total",)),
    "households_social_housing": (
        ("stadtteil", "kreisfreie_stadt"),
        "nat",
        "nat",
        False,
        ("total",),
    ),
    "marriages": (P_NO_SUBDISTRICT, "total", "total", False, ("total",)),
    "marriages_binational": (P_NO_SUBDISTRICT, "total", "total", False, ("total",)),
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


def publishable_cells(
    latent: pd.DataFrame, units: pd.DataFrame, areas: pd.DataFrame
) -> pd.DataFrame:
    """Publishable cells: groups, sexes and age unions at unit, Kreis and Land level."""
    kind = areas.set_index("area_id")["kind"]
    unit_kreis = units.set_index("unit")["kreis"]
    pieces = []
    for variable, (_, _, _, by_sex, ages) in PUBLICATION.items():
        lat = latent[latent["variable"] == variable]
        band_map = (
            [(age, AGE_UNIONS[age]) for age in ages] if ages != ("total",) else [("total", None)]
        )
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
                    kreis_level = (
                        cell.groupby([cell.index.get_level_values("unit").map(unit_kreis), "year"])
                        .sum()
                        .reset_index()
                    )
                    kreis_level.columns = ["area_id", "year", "value"]
                    land_level = cell.groupby("year").sum().reset_index().assign(area_id=LAND_ID)
                    for frame in (unit_level, kreis_level, land_level):
                        pieces.append(
                            frame.assign(variable=variable, group=group, sex=sex, age=age)
                        )
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


def council_and_staff(rng, cells: pd.DataFrame) -> pd.DataFrame:
    """City council, city staff and city trainees (cities only): total and with MB."""
    rows = []
    for c in CITIES:
        pop = cells[
            (cells["area_id"] == c.area_id)
            & (cells["variable"] == "population")
            & (cells["group"] == "total")
            & (cells["sex"] == "total")
            & (cells["age"] == "total")
        ].set_index("year")["value"]
        seats = (
            40
            + 10 * int(c.population > 150_000)
            + 10 * int(c.population > 250_000)
            + 10 * int(c.population > 500_000)
        )
        mb_seats = 0
        for year in YEARS:
            if year in MUNICIPAL_ELECTIONS:
                mb_seats = int(
                    rng.binomial(seats, 0.05 + 0.012 * (year - 2014) / 5 + c.foreign_share * 0.2)
                )
            rows += [
                (c.area_id, year, "council_members", "total", seats),
                (c.area_id, year, "council_members", "with_migration_background", mb_seats),
            ]
            staff = int(pop[year] * 0.011)
            trainees = int(pop[year] * 0.0005)
            if year in STAFF_SURVEY_YEARS:
                share = 0.10 + 0.008 * (year - 2014) + c.foreign_share * 0.2
                rows += [
                    (c.area_id, year, "city_staff", "total", staff),
                    (
                        c.area_id,
                        year,
                        "city_staff",
                        "with_migration_background",
                        int(rng.binomial(staff, share)),
                    ),
                ]
            rows += [
                (c.area_id, year, "city_trainees", "total", trainees),
                (
                    c.area_id,
                    year,
                    "city_trainees",
                    "with_migration_background",
                    int(rng.binomial(trainees, 0.16 + 0.015 * (year - 2014))),
                ),
            ]
    df = pd.DataFrame(rows, columns=["area_id", "year", "variable", "group", "value"])
    return df.assign(sex="total", age="total")


def publish(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
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
    mz = (
        (obs["area_id"] == LAND_ID)
        & obs["group"].str.contains("migration_background")
        & (obs["variable"] == "population")
    )
    obs.loc[mz, "value"] = (obs.loc[mz, "value"] / 1000).round() * 1000
    obs.loc[mz, "status"] = "estimated"
    # source symbols: the Landkreis Sandmark has not yet delivered its 2024 school leavers
    nya = (
        (obs["area_id"] == "99203")
        & (obs["year"] == 2024)
        & obs["variable"].str.startswith("school_leavers")
    )
    obs.loc[nya, ["value", "status"]] = [np.nan, "not_yet_available"]
    # the Jugendamt of Landkreis Eichwald kept its 2019 Kita count secret (a single provider)
    sec = (obs["area_id"] == "99204") & (obs["year"] == 2019) & (obs["variable"] == "kita_children")
    obs.loc[sec, ["value", "status"]] = [np.nan, "secret"]
    # too few survey cases with migration background in Mörsental 2015 -> '/'
    unc = (
        (obs["area_id"] == "99104000")
        & (obs["year"] == 2015)
        & survey
        & (obs["group"] == "with_migration_background")
    )
    obs.loc[unc, ["value", "status"]] = [np.nan, "uncertain"]
    # a reporting change: homeless foreigners in Ulmengrund 2014 were not broken out -> 'x'
    nm = (
        (obs["area_id"] == "99202")
        & (obs["year"] == 2014)
        & (obs["variable"] == "homeless_housed")
        & (obs["group"] != "total")
    )
    obs.loc[nm, ["value", "status"]] = [np.nan, "not_meaningful"]
    obs = obs[OBSERVATION_COLUMNS]
    return obs.sort_values(
        ["area_id", "year", "variable", "group", "sex", "age"], ignore_index=True
    )
