"""Methods on small hand-computed fixtures, and the dissimilarity index on real Berlin data."""

import csv
import math

import numpy as np
import pandas as pd
import pytest

from intmon_utils import methods
from intmon_utils.errors import DataError

from conftest import REALDATA, needs_realdata


def test_dissimilarity_hand_computed():
    # A = 20, B = 20: |10/20 - 0| + |0 - 10/20| + |10/20 - 10/20| = 1, half of it
    m = methods.dissimilarity([10, 0, 10], [0, 10, 10])
    assert m.value == pytest.approx(0.5) and m.n_units == 3 and m.n_excluded == 0


def test_dissimilarity_edge_cases():
    assert methods.dissimilarity([7], [3]).value == pytest.approx(0.0)  # one unit only
    m = methods.dissimilarity([10, 0, 0], [5, 5, 0])  # an empty unit
    assert m.n_units == 2 and m.n_excluded == 1
    assert m.value == pytest.approx(0.5 * (abs(1 - 0.5) + abs(0 - 0.5)))
    assert math.isnan(methods.dissimilarity([0, 0], [3, 4]).value)  # group absent
    with pytest.raises(DataError, match="secret"):
        methods.dissimilarity([1, np.nan], [2, 3])


def test_segregation_isolation_exposure_concentration():
    x, t = [5, 5], [10, 20]
    assert methods.segregation_index(x, t).value == pytest.approx(0.25)
    # the equivalent algebraic form (docs/methods/segregation.md):
    # Σ t_i |p_i − P| / (2 T P (1 − P))
    P = 10 / 30
    assert (10 * abs(0.5 - P) + 20 * abs(0.25 - P)) / (2 * 30 * P * (1 - P)) == pytest.approx(0.25)
    assert methods.isolation(x, t).value == pytest.approx(0.5 * 0.5 + 0.5 * 0.25)
    assert methods.exposure(x, [5, 15], t).value == pytest.approx(0.5 * 0.5 + 0.5 * 0.75)
    assert methods.concentration_share(x, t, factor=1.2).value == pytest.approx(0.5)
    lq = methods.location_quotients([5, 5, 0], [10, 20, 0])
    assert lq[0] == pytest.approx(1.5) and lq[1] == pytest.approx(0.75) and np.isnan(lq[2])


def test_representation_index_germany_2015_figures():
    # foreign pupils at Gymnasien 95 828 / 2 281 227 against 661 541 / 8 335 061 overall
    ri = methods.representation_index(95828, 2281227, 661541, 8335061)
    assert round(ri, 2) == 0.53
    assert math.isnan(methods.representation_index(1, 10, 0, 100))


def test_direct_standardisation_textbook_example():
    # Two populations with the same age-specific rates but different age structures have
    # different crude rates; standardised to the same standard they are equal.
    rates = pd.Series({"young": 0.02, "old": 0.10})
    young_pop = pd.Series({"young": 900, "old": 100})
    old_pop = pd.Series({"young": 300, "old": 700})
    crude_young = (rates * young_pop).sum() / young_pop.sum()  # 0.028
    crude_old = (rates * old_pop).sum() / old_pop.sum()  # 0.076
    assert crude_young == pytest.approx(0.028) and crude_old == pytest.approx(0.076)
    standard = pd.Series({"young": 600, "old": 400})  # 0.02·0.6 + 0.10·0.4
    assert methods.direct_standardisation(rates, standard) == pytest.approx(0.052)
    with pytest.raises(DataError, match="age bands differ"):
        methods.direct_standardisation(rates, pd.Series({"young": 1}))


def test_wilson_interval_known_values():
    lo, hi = methods.wilson_interval(0, 10)
    assert lo == 0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = methods.wilson_interval(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    assert all(math.isnan(v) for v in methods.wilson_interval(0, 0))


def test_small_number_flag():
    assert methods.small_number_flag([10, 49, 50, 500], 50).tolist() == [True, True, False, False]


def test_trend_and_goal_state():
    years = [2019, 2020, 2021, 2022, 2023]
    assert methods.trend(years, [10, 9, 8, 7, 6]) == "falling"
    assert methods.trend(years, [5, 5.02, 5, 5.01, 5]) == "stable"
    assert methods.trend([2022, 2023], [1, 2]) == "insufficient"
    # gap 6 pp falling 1 pp a year: 2 pp below target by 2030 -> on track
    assert methods.goal_state(years, [10, 9, 8, 7, 6], 3.0, 2030, "below") == "on_track"
    assert methods.goal_state(years, [10, 9.9, 9.8, 9.7, 9.6], 3.0, 2030, "below") == "off_track"
    assert methods.goal_state(years, [4, 3.5, 3, 2.8, 2.5], 3.0, 2030, "below") == "reached"
    assert methods.goal_state(years, [np.nan] * 5, 3.0, 2030, "below") == "no_data"
    assert methods.goal_state(years, [20, 22, 24, 26, 28], 35.0, 2027, "above") == "on_track"


def test_peer_position():
    v = pd.Series({"A": 5.0, "B": 7.0, "C": 3.0})
    assert methods.peer_position(v, "A", higher_is_better=False) == {
        "mean": 5.0,
        "rank": 2,
        "of": 3,
    }
    assert methods.peer_position(v, "B", higher_is_better=True)["rank"] == 1


@needs_realdata
def test_dissimilarity_on_berlin_planungsraeume():
    """Foreigners vs Germans over the 542 LOR Planungsräume (two of them empty), read with the
    district importer and checked against an independent calculation on the raw file."""
    from intmon_utils.sources.district import read_district_table

    from conftest import PROJECT

    path = (
        REALDATA / "05_berlin_lor_einwohner" / "berlin-lor-population-2022-01-t1-planning-areas.csv"
    )
    obs, areas = read_district_table(path, PROJECT / "mappings" / "berlin-lor-t1.yml")
    plr = areas.loc[areas["level"] == "subdistrict", "area_id"]
    plr = plr[plr.str.len() == len("11000000-01100101")]
    pop = obs[obs["area_id"].isin(plr)].pivot_table(
        index="area_id", columns="group", values="value"
    )
    m = methods.dissimilarity(pop["foreign"], pop["german"])
    assert m.n_units + m.n_excluded == 542 and m.n_excluded == 2

    foreign, german = [], []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if int(row["inhabitants"]) > 0:
                foreign.append(int(row["inhabitants_foreigners"]))
                german.append(int(row["inhabitants_germans"]))
    F, G = sum(foreign), sum(german)
    expected = 0.5 * sum(abs(f / F - g / G) for f, g in zip(foreign, german))
    assert len(foreign) == 540
    assert m.value == pytest.approx(expected, rel=1e-12)
    assert 0.2 < m.value < 0.5


def test_spatial_catalogue_indicator_matches_the_method(demo_published, demo_frames):
    """housing.dissimilarity_foreign_german in the published table equals methods.dissimilarity
    over the city's published sub-district counts."""
    protected, table = demo_published
    _, areas = demo_frames
    subs = areas.loc[areas["parent_id"] == "99101000", "area_id"]
    cells = protected[
        protected["area_id"].isin(subs)
        & (protected["variable"] == "population")
        & (protected["year"] == 2024)
        & (protected["sex"] == "total")
        & (protected["age"] == "total")
    ]
    wide = cells.pivot_table(index="area_id", columns="group", values="value")
    expected = methods.dissimilarity(wide["foreign"], wide["german"])
    row = table[
        (table["indicator_id"] == "housing.dissimilarity_foreign_german")
        & (table["area_id"] == "99101000")
        & (table["year"] == 2024)
    ].iloc[0]
    assert row["value"] == pytest.approx(expected.value * 100) and row["n_cases"] == len(subs)
