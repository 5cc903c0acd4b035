"""Indicator engine on named scenario fixtures, checked against values computed by hand."""

import math

import pandas as pd
import pytest

from intmon_utils.catalogue import load_catalogue, parse_catalogue
from intmon_utils.indicators import compute_indicators

from conftest import obs

TEXTS = {
    f: {"de": "x", "en": "x"} for f in ("name", "description", "source", "rationale", "caveats")
}
REFS = [{"ref": "test", "note": {"de": "x", "en": "x"}}]


def catalogue(*entries):
    return parse_catalogue(
        {
            "indicators": [
                {**TEXTS, "references": REFS, "levels": ["district"], **e} for e in entries
            ]
        }
    )


RATE = {
    "id": "labor.unemployment_rate",
    "topic": "labor",
    "unit": "percent",
    "direction": "lower_is_better",
    "numerator": {"variable": "unemployed"},
    "denominator": {"variable": "civilian_labour_force"},
    "groups": ["total", "german", "foreign"],
    "reference_group": "german",
}


def row(table, group="total", year=2020, area="11111", sex="total", ind=None):
    t = table[
        (table["group"] == group)
        & (table["year"] == year)
        & (table["area_id"] == area)
        & (table["sex"] == sex)
    ]
    if ind:
        t = t[t["indicator_id"] == ind]
    assert len(t) == 1, t
    return t.iloc[0]


def test_rate_by_group_hand_computed():
    data = obs(
        [
            ("11111", 2020, "unemployed", g, "total", "total", v)
            for g, v in (("total", 50), ("german", 30), ("foreign", 20))
        ]
        + [
            ("11111", 2020, "civilian_labour_force", g, "total", "total", v)
            for g, v in (("total", 1000), ("german", 800), ("foreign", 200))
        ]
    )
    t = compute_indicators(data, catalogue(RATE))
    assert row(t, "total")["value"] == pytest.approx(5.0)
    assert row(t, "german")["value"] == pytest.approx(3.75)
    assert row(t, "foreign")["value"] == pytest.approx(10.0)
    assert row(t, "foreign")["numerator"] == 20 and row(t, "foreign")["denominator"] == 200
    assert set(t["status"]) == {"ok"}


def test_zero_denominator_is_not_applicable():
    data = obs(
        [
            ("11111", 2020, "unemployed", "foreign", "total", "total", 0),
            ("11111", 2020, "civilian_labour_force", "foreign", "total", "total", 0),
        ]
    )
    r = row(compute_indicators(data, catalogue(RATE)), "foreign")
    assert r["status"] == "not_applicable" and r["reason"] == "zero_denominator"
    assert math.isnan(r["value"])


def test_secret_numerator_gives_no_number():
    data = obs(
        [
            ("11111", 2020, "unemployed", "foreign", "total", "total", None, "secret"),
            ("11111", 2020, "civilian_labour_force", "foreign", "total", "total", 200),
        ]
    )
    r = row(compute_indicators(data, catalogue(RATE)), "foreign")
    assert r["status"] == "suppressed" and r["reason"] == "secret_source"
    # neither the value nor the visible denominator is shown next to a secret
    assert math.isnan(r["value"]) and math.isnan(r["numerator"]) and math.isnan(r["denominator"])


def test_zero_count_gives_zero_rate():
    data = obs(
        [
            ("11111", 2020, "unemployed", "foreign", "total", "total", 0),
            ("11111", 2020, "civilian_labour_force", "foreign", "total", "total", 200),
        ]
    )
    r = row(compute_indicators(data, catalogue(RATE)), "foreign")
    assert r["status"] == "ok" and r["value"] == 0.0


def test_group_missing_is_reported_not_dropped():
    data = obs(
        [
            ("11111", 2020, "unemployed", "total", "total", "total", 50),
            ("11111", 2020, "civilian_labour_force", "total", "total", "total", 1000),
        ]
    )
    t = compute_indicators(data, catalogue(RATE))
    assert row(t, "total")["value"] == pytest.approx(5.0)
    r = row(t, "foreign")
    assert r["status"] == "missing_input" and r["reason"] == "missing_numerator"
    assert r["detail"] == "unemployed:total"


def test_missing_denominator_keeps_the_visible_numerator():
    data = obs([("11111", 2020, "unemployed", "total", "total", "total", 50)])
    r = row(compute_indicators(data, catalogue(RATE)))
    assert r["status"] == "missing_input" and r["reason"] == "missing_denominator"
    assert r["numerator"] == 50 and math.isnan(r["value"])


def test_not_yet_available_and_uncertain_statuses_pass_through():
    data = obs(
        [
            ("11111", 2020, "unemployed", "total", "total", "total", None, "not_yet_available"),
            ("11111", 2020, "civilian_labour_force", "total", "total", "total", 1000),
            ("11111", 2020, "unemployed", "german", "total", "total", None, "uncertain"),
            ("11111", 2020, "civilian_labour_force", "german", "total", "total", 800),
        ]
    )
    t = compute_indicators(data, catalogue(RATE))
    assert row(t, "total")["status"] == "not_yet_available"
    assert row(t, "german")["status"] == "uncertain"


def test_lagged_denominator_uses_previous_year_stock():
    nat = load_catalogue().get("demography.naturalisations_per_1000_foreigners")
    data = obs(
        [
            ("11111", 2019, "population", "foreign", "total", "total", 4000),
            ("11111", 2020, "population", "foreign", "total", "total", 5000),
            ("11111", 2019, "naturalisations", "total", "total", "total", 30),
            ("11111", 2020, "naturalisations", "total", "total", "total", 60),
        ]
    )
    t = compute_indicators(data, parse_catalogue({"indicators": [_raw(nat)]}))
    assert row(t, year=2020)["value"] == pytest.approx(60 / 4000 * 1000)  # 15 per 1,000
    first = row(t, year=2019)
    assert first["status"] == "missing_input" and first["reason"] == "missing_denominator"


def test_sum_of_selectors_in_denominator():
    share = load_catalogue().get("labor.marginal_only_share")
    data = obs(
        [
            ("11111", 2020, "employees_marginal_only", "total", "total", "total", 100),
            ("11111", 2020, "employees_svb", "total", "total", "15-64", 900),
        ]
    )
    t = compute_indicators(data, parse_catalogue({"indicators": [_raw(share)]}))
    assert row(t)["value"] == pytest.approx(100 / 1000 * 100)
    assert row(t)["denominator"] == 1000


def test_sum_with_one_part_missing_is_missing_input():
    share = load_catalogue().get("labor.marginal_only_share")
    data = obs([("11111", 2020, "employees_marginal_only", "total", "total", "total", 100)])
    r = row(compute_indicators(data, parse_catalogue({"indicators": [_raw(share)]})))
    assert r["status"] == "missing_input" and r["reason"] == "missing_denominator"


def test_sex_breakdown_where_data_exist():
    data = obs(
        [
            ("11111", 2020, "unemployed", "total", s, "total", v)
            for s, v in (("total", 50), ("female", 20), ("male", 30))
        ]
        + [
            ("11111", 2020, "civilian_labour_force", "total", s, "total", v)
            for s, v in (("total", 1000), ("female", 400), ("male", 600))
        ]
    )
    t = compute_indicators(data, catalogue(RATE))
    assert row(t, sex="female")["value"] == pytest.approx(5.0)
    assert row(t, sex="male")["value"] == pytest.approx(5.0)


def _raw(ind):
    """Turn a loaded indicator back into its catalogue entry (for one-indicator catalogues)."""
    return ind.model_dump()


def test_engine_is_deterministic_on_demo(demo_frames):
    observations, _ = demo_frames
    a = compute_indicators(observations)
    b = compute_indicators(observations.sample(frac=1, random_state=1))
    pd.testing.assert_frame_equal(a, b)
