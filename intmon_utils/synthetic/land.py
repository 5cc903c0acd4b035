"""The synthetic demo Land "Wendenau" (Land code 99, which no real Land has): its areas,
smallest units and calendar.

Four kreisfreie Städte with Stadtteile and five Landkreise with Gemeinden; everything is
invented and labelled synthetic in every output. :func:`draw_units` gives each smallest unit
(Stadtteil of a city, Gemeinde of a Landkreis) a size, a foreign share and a social index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SOURCE_ID = "synthetic_demo"
SURVEY_SOURCE_ID = "synthetic_demo_survey"
SOURCE_LABEL = "SYNTHETISCHE DEMODATEN (intmon, nicht real)"
LAND_ID, LAND_NAME = "99", "Land Wendenau (synthetisch)"
YEARS = tuple(range(2014, 2025))
ORIGINS = ("german_nomb", "german_mb", "foreign")
SEXES = ("female", "male")
BANDS = ("0-2", "3-5", "6-14", "15-24", "25-64", "65+")


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
    City(
        "99101000",
        "Lindenhagen",
        585_000,
        0.22,
        (
            "Altstadt",
            "Hafen",
            "Nordviertel",
            "Mühlenfeld",
            "Sankt Georgen",
            "Weidenhof",
            "Kastanienallee",
            "Oberlinden",
            "Bahnhofsviertel",
            "Am Schlossberg",
            "Eichkamp",
            "Neuwerk",
            "Rosental",
            "Tiefenbrunn",
        ),
    ),
    City(
        "99102000",
        "Falkenried",
        262_000,
        0.18,
        (
            "Mitte",
            "Falkenhöhe",
            "Brückenviertel",
            "Auenpark",
            "Ziegelhof",
            "Lindenau",
            "Kronsberg",
            "Am Wasserturm",
            "Westend",
            "Heidegrund",
            "Industriehafen",
            "Sonnenhang",
        ),
    ),
    City(
        "99103000",
        "Steinbrügge",
        158_000,
        0.15,
        (
            "Innenstadt",
            "Steinfeld",
            "Bruchhof",
            "Am Anger",
            "Quellenviertel",
            "Marktplatz-Süd",
            "Hohenrode",
            "Kiefernheide",
            "Gartenstadt",
            "Flussau",
            "Ostkamp",
        ),
    ),
    City(
        "99104000",
        "Mörsental",
        112_000,
        0.12,
        (
            "Zentrum",
            "Mörsenhöhe",
            "Talweg",
            "Kirchberg",
            "Am Hafenbecken",
            "Lerchenfeld",
            "Ulmenhof",
            "Wiesengrund",
            "Feldmark",
            "Schäferei",
        ),
    ),
)
LANDKREISE = (
    Landkreis(
        "99201",
        "Landkreis Hohe Wende",
        178_000,
        0.09,
        (
            "Wendeburg",
            "Hollerbach",
            "Kranichsee",
            "Altmühlen",
            "Birkhagen",
            "Roggenfeld",
            "Dornstedt",
        ),
    ),
    Landkreis(
        "99202",
        "Landkreis Ulmengrund",
        131_000,
        0.08,
        ("Ulmenstadt", "Grundhausen", "Kleinwerder", "Bärenbrunn", "Haferstedt", "Moosried"),
    ),
    Landkreis(
        "99203",
        "Landkreis Sandmark",
        205_000,
        0.11,
        (
            "Sandhausen an der Marke",
            "Dünenfeld",
            "Kiesow",
            "Heidekrug",
            "Sandow",
            "Markersdorf",
            "Lüttgenrode",
            "Feldwiesen",
        ),
    ),
    Landkreis(
        "99204",
        "Landkreis Eichwald",
        94_000,
        0.06,
        ("Eichwalde-Stadt", "Buchenrode", "Lindholz", "Tannenwinkel", "Ahornsee"),
    ),
    Landkreis(
        "99205",
        "Landkreis Moorbach",
        118_000,
        0.07,
        ("Moorbach", "Riedhausen", "Torfstedt", "Schilfau", "Binsenfeld", "Erlengrund"),
    ),
)
# kreisangehörige Gemeinden that monitor themselves (the first Gemeinde, the Kreisstadt)
REPORTING_GEMEINDEN = ("99201", "99202", "99203")

# the calendar: election years and the years of the municipal surveys
MUNICIPAL_ELECTIONS = (2014, 2019, 2024)
FEDERAL_ELECTIONS = (2017, 2021)
COUNCIL_ELECTIONS = (2015, 2020)  # advisory councils (Integrationsrat)
SURVEY_YEARS = (2015, 2017, 2019, 2021, 2023)
STAFF_SURVEY_YEARS = (2016, 2019, 2022, 2024)


def areas_table() -> pd.DataFrame:
    """The area register of the demo Land."""
    rows = [(LAND_ID, LAND_NAME, "state", "land", "")]
    for c in CITIES:
        rows.append((c.area_id, c.name, "district", "kreisfreie_stadt", LAND_ID))
        rows += [
            (f"{c.area_id}-{i:02d}", s, "subdistrict", "stadtteil", c.area_id)
            for i, s in enumerate(c.subdistricts, start=1)
        ]
    for lk in LANDKREISE:
        rows.append((lk.area_id, lk.name, "district", "landkreis", LAND_ID))
        rows += [
            (f"{lk.area_id}{i:03d}", g, "municipality", "gemeinde", lk.area_id)
            for i, g in enumerate(lk.gemeinden, start=1)
        ]
    df = pd.DataFrame(rows, columns=["area_id", "name", "level", "kind", "parent_id"])
    df["synthetic"] = True
    return df


def draw_units(rng: np.random.Generator) -> pd.DataFrame:
    """Smallest units with size, foreign share and social index (deprivation, mean 0)."""
    rows = []
    for parent, n_units, pop, fshare in [
        (c.area_id, len(c.subdistricts), c.population, c.foreign_share) for c in CITIES
    ] + [(lk.area_id, len(lk.gemeinden), lk.population, lk.foreign_share) for lk in LANDKREISE]:
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
    return pd.DataFrame(
        rows, columns=["unit", "kreis", "is_city", "size", "foreign_share", "social"]
    )
