"""The synthetic demo Land: structure, plausibility, determinism, symbols."""

import pandas as pd

from intmon_utils import synthetic
from intmon_utils.config.parameters import discover, load_parameters

from conftest import PROJECT


def test_deterministic():
    a, areas_a, survey_a = synthetic.generate(seed=7)
    b, areas_b, survey_b = synthetic.generate(seed=7)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(areas_a, areas_b)
    pd.testing.assert_frame_equal(survey_a, survey_b)
    c, _, _ = synthetic.generate(seed=8)
    assert not a["value"].equals(c["value"])


def test_structure(demo_frames):
    observations, areas = demo_frames
    assert set(observations["year"]) == set(range(2014, 2025))
    assert (areas["area_id"].str[:2] == "99").all()  # no real Land has code 99
    cities = areas[areas["kind"] == "kreisfreie_stadt"]
    assert len(cities) >= 3
    for city in cities["area_id"]:
        assert (areas["parent_id"] == city).sum() >= 10
    landkreise = areas[areas["kind"] == "landkreis"]["area_id"]
    assert len(landkreise) >= 3
    params = [load_parameters(p) for p in discover(PROJECT / "parameters")]
    assert len(params) >= 12 and {p.area_id for p in params} <= set(areas["area_id"])
    assert observations["source"].str.contains("SYNTHETISCH").all()
    assert areas["synthetic"].all()


def test_landkreise_have_poorer_data(demo_frames):
    observations, areas = demo_frames
    lk = areas.loc[areas["kind"] == "landkreis", "area_id"]
    in_lk = observations["area_id"].isin(lk)
    assert not observations.loc[in_lk, "group"].str.contains("migration_background").any()
    assert not observations.loc[in_lk, "variable"].str.startswith("survey_").any()
    school = observations[in_lk & (observations["variable"] == "school_leavers")]
    assert set(school["group"]) == {"total", "german", "foreign"}  # education by nationality only
    city = observations["area_id"] == "99101000"
    assert observations.loc[city, "group"].str.contains("migration_background").any()


def test_plausible_magnitudes_and_gap_directions(demo_published, demo_frames):
    _, table = demo_published
    _, areas = demo_frames
    t = table[(table["year"] == 2024) & (table["sex"] == "total")]
    kreise = areas.loc[areas["level"] == "district", "area_id"]

    def values(ind, group):
        x = t[(t["indicator_id"] == ind) & (t["group"] == group) & t["area_id"].isin(kreise)]
        return x.set_index("area_id")["value"]

    share = values("demography.foreign_share", "total")
    assert share.between(5, 35).all()
    cities = areas.loc[areas["kind"] == "kreisfreie_stadt", "area_id"]
    assert share[cities].between(10, 30).all()
    for ind, worse in (
        ("labor.unemployment_rate", "higher"),
        ("labor.sgb2_rate", "higher"),
        ("education.leavers_without_certificate", "higher"),
        ("education.grade8_gymnasium_share", "lower"),
        ("labor.svb_employment_rate", "lower"),
    ):
        f, g = values(ind, "foreign"), values(ind, "german")
        both = f.notna() & g.notna()  # Sandmark has not yet delivered its 2024 leavers (...)
        assert both.sum() >= 8, ind
        assert ((f > g) if worse == "higher" else (f < g))[both].all(), ind


def test_official_symbols_present(demo_frames):
    observations, _ = demo_frames
    assert {
        "zero",
        "secret",
        "not_yet_available",
        "uncertain",
        "not_meaningful",
        "estimated",
    } <= set(observations["status"])
    assert observations.loc[observations["status"] == "secret", "value"].isna().all()
