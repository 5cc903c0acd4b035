import numpy as np
import pandas as pd
import pytest

from intmon_utils.comparisons import changes, comparison_areas, gaps, goal_status, land_of


def table(rows):
    return pd.DataFrame(
        rows, columns=["indicator_id", "area_id", "year", "group", "sex", "value", "status"]
    )


T = table(
    [
        ("labor.unemployment_rate", "A", 2019, "german", "total", 4.0, "ok"),
        ("labor.unemployment_rate", "A", 2019, "foreign", "total", 12.0, "ok"),
        ("labor.unemployment_rate", "A", 2020, "german", "total", 3.0, "ok"),
        ("labor.unemployment_rate", "A", 2020, "foreign", "total", np.nan, "suppressed"),
        ("labor.unemployment_rate", "A", 2024, "german", "total", 3.5, "ok"),
        ("labor.unemployment_rate", "A", 2024, "foreign", "total", 6.0, "ok"),
    ]
)


def test_gaps_hand_computed_and_status_propagates():
    g = gaps(T).set_index("year")
    assert g.loc[2019, "gap"] == pytest.approx(8.0) and g.loc[2019, "ratio"] == pytest.approx(3.0)
    assert np.isnan(g.loc[2020, "gap"]) and g.loc[2020, "status"] == "suppressed"
    assert g.loc[2024, "gap"] == pytest.approx(2.5)


def test_changes_over_one_and_five_years():
    c = changes(T)
    one = c[(c["period"] == 1) & (c["group"] == "german") & (c["year"] == 2020)].iloc[0]
    assert one["change"] == pytest.approx(-1.0)
    five = c[(c["period"] == 5) & (c["group"] == "foreign") & (c["year"] == 2024)].iloc[0]
    assert five["change"] == pytest.approx(-6.0)
    no_base = c[(c["period"] == 1) & (c["year"] == 2019)]
    assert (no_base["status"] == "missing_input").all() and no_base["change"].isna().all()


def test_goal_status_rule():
    targets = {
        "labor.unemployment_rate_gap": {
            "indicator_id": "labor.unemployment_rate",
            "measure": "gap",
            "group": "foreign",
            "value": 3.0,
            "by": 2030,
            "direction": "below",
        },
        "labor.unemployment_rate": {
            "indicator_id": "labor.unemployment_rate",
            "measure": "value",
            "group": "foreign",
            "value": 7.0,
            "by": 2030,
            "direction": "below",
        },
    }
    s = goal_status(T, gaps(T), targets, "A", 2024).set_index("target")
    assert s.loc["labor.unemployment_rate_gap", "state"] == "reached"  # 2.5 <= 3.0
    assert s.loc["labor.unemployment_rate", "state"] == "reached"  # 6.0 <= 7.0
    s20 = goal_status(T, gaps(T), targets, "A", 2020).set_index("target")
    assert s20.loc["labor.unemployment_rate", "state"] == "no_data"  # suppressed
    s19 = goal_status(T, gaps(T), targets, "A", 2019).set_index("target")
    assert s19.loc["labor.unemployment_rate_gap", "state"] == "off_track"  # one value: no trend


def test_land_and_comparison_areas():
    areas = pd.DataFrame(
        {
            "area_id": ["99", "99101000", "99101000-01"],
            "parent_id": ["", "99", "99101000"],
            "level": ["state", "district", "subdistrict"],
        }
    )
    assert land_of("99101000-01", areas) == "99"
    assert comparison_areas("99101000", areas, ["99102000"]) == [
        ("99101000", "area"),
        ("99", "state"),
        ("DG", "country"),
        ("99102000", "peer"),
    ]
