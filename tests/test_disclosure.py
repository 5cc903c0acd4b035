"""Disclosure control: no visible small count, no secret recoverable by subtraction."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intmon_utils.disclosure import protect, violations
from intmon_utils.indicators import compute_indicators

from conftest import obs

AREAS = pd.DataFrame(
    {
        "area_id": ["11111", "11111-01", "11111-02", "11111-03"],
        "parent_id": ["", "11111", "11111", "11111"],
    }
)


def cell(t, area="11111", group="total", sex="total", age="total", variable="unemployed"):
    r = t[
        (t["area_id"] == area)
        & (t["group"] == group)
        & (t["sex"] == sex)
        & (t["age"] == age)
        & (t["variable"] == variable)
    ]
    assert len(r) == 1
    return r.iloc[0]


def test_small_count_and_its_complement_are_suppressed():
    data = obs(
        [
            ("11111", 2020, "unemployed", "total", "total", "total", 50),
            ("11111", 2020, "unemployed", "german", "total", "total", 48),
            ("11111", 2020, "unemployed", "foreign", "total", "total", 2),
        ]
    )
    p = protect(data, AREAS.iloc[:1], min_count=3)
    assert cell(p, group="foreign")["disclosure"] == "primary"
    assert cell(p, group="german")["disclosure"] == "secondary"
    assert cell(p, group="total")["status"] == "ok"  # the total may stay visible
    assert np.isnan(cell(p, group="german")["value"])
    assert violations(p, AREAS.iloc[:1], 3).empty


def test_zero_stays_visible():
    data = obs(
        [
            ("11111", 2020, "unemployed", "total", "total", "total", 50),
            ("11111", 2020, "unemployed", "german", "total", "total", 50),
            ("11111", 2020, "unemployed", "foreign", "total", "total", 0),
        ]
    )
    p = protect(data, AREAS.iloc[:1], min_count=3)
    assert (p["disclosure"] == "").all() and cell(p, group="foreign")["value"] == 0


def test_subdistrict_recoverable_from_city_total_is_protected():
    data = obs(
        [
            ("11111", 2020, "unemployed", "total", "total", "total", 40),
            ("11111-01", 2020, "unemployed", "total", "total", "total", 1),
            ("11111-02", 2020, "unemployed", "total", "total", "total", 15),
            ("11111-03", 2020, "unemployed", "total", "total", "total", 24),
        ]
    )
    p = protect(data, AREAS, min_count=3)
    assert cell(p, area="11111-01")["disclosure"] == "primary"
    # the smallest other part goes too, so 40 - 15 - 24 no longer gives the secret 1
    assert cell(p, area="11111-02")["disclosure"] == "secondary"
    assert cell(p, area="11111-03")["status"] == "ok"
    assert violations(p, AREAS, 3).empty


def test_absent_part_recoverable_by_subtraction_is_protected():
    # foreign is not delivered, but total - german = 2 would reveal it
    data = obs(
        [
            ("11111", 2020, "unemployed", "total", "total", "total", 50),
            ("11111", 2020, "unemployed", "german", "total", "total", 48),
        ]
    )
    assert len(violations(data, AREAS.iloc[:1], 3)) == 1
    p = protect(data, AREAS.iloc[:1], min_count=3)
    assert cell(p, group="german")["disclosure"] == "secondary"
    assert violations(p, AREAS.iloc[:1], 3).empty


def test_secondary_suppression_propagates_across_dimensions():
    # foreign/female = 2 -> foreign/male hidden (sex identity)
    #                    -> german/male hidden (group identity)
    rows = []
    for group, f, m in (("total", 30, 40), ("german", 28, 25), ("foreign", 2, 15)):
        rows += [
            ("11111", 2020, "unemployed", group, "female", "total", f),
            ("11111", 2020, "unemployed", group, "male", "total", m),
            ("11111", 2020, "unemployed", group, "total", "total", f + m),
        ]
    p = protect(obs(rows), AREAS.iloc[:1], min_count=3)
    assert violations(p, AREAS.iloc[:1], 3).empty
    hidden = p[p["status"] == "secret"]
    assert len(hidden) >= 4  # a 2x2 block at least: the minimum that protects one cell


def test_suppressed_input_never_yields_indicator_value():
    data = obs(
        [
            ("11111", 2020, "unemployed", g, "total", "total", v)
            for g, v in (("total", 50), ("german", 48), ("foreign", 2))
        ]
        + [
            ("11111", 2020, "civilian_labour_force", g, "total", "total", v)
            for g, v in (("total", 1000), ("german", 800), ("foreign", 200))
        ]
    )
    t = compute_indicators(protect(data, AREAS.iloc[:1], 3))
    rate = t[t["indicator_id"] == "labor.unemployment_rate"].set_index("group")
    assert rate.loc["foreign", "status"] == "suppressed"
    assert rate.loc["german", "status"] == "suppressed"
    assert rate.loc["total", "status"] == "ok"
    assert rate.loc[["foreign", "german"], ["value", "numerator"]].isna().all().all()


def test_demo_data_publishes_nothing_disclosive(demo_published, demo_frames):
    protected, table = demo_published
    _, areas = demo_frames
    assert violations(protected, areas, 3).empty
    # every count shown in the indicator table is 0 or at least the threshold
    for column in ("numerator", "denominator"):
        shown = table[column].dropna()
        assert not ((shown > 0) & (shown < 3)).any()
    assert (protected["status"] == "secret").sum() > 0  # the demo does exercise it


def test_published_tables_do_not_tell_primary_from_secondary(demo_published):
    """An attacker who knows which cells are small (1 or 2) can recover them."""
    protected, table = demo_published
    assert "disclosure" not in protected.columns
    reasons = set(table["reason"].dropna())
    assert "secret" in reasons
    assert not {r for r in reasons if "primary" in r or "secondary" in r}


counts = st.integers(min_value=0, max_value=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(counts, counts, counts, counts), min_size=3, max_size=3),
    st.integers(min_value=2, max_value=6),
)
def test_property_random_tables_are_protected(parts, min_count):
    """Sub-districts × nationality × sex with random small counts: after protect() no
    identity (group, sex or area sums) has a single secret cell and no small count is
    visible; visible values are unchanged."""
    rows = []
    city = {}
    for i, (gf, gm, ff, fm) in enumerate(parts, start=1):
        area = f"11111-0{i}"
        cells = {
            ("german", "female"): gf,
            ("german", "male"): gm,
            ("foreign", "female"): ff,
            ("foreign", "male"): fm,
        }
        for (g, s), v in list(cells.items()):
            cells[(g, "total")] = cells.get((g, "total"), 0) + v
            cells[("total", s)] = cells.get(("total", s), 0) + v
        cells[("total", "total")] = gf + gm + ff + fm
        for (g, s), v in cells.items():
            rows.append((area, 2020, "unemployed", g, s, "total", v))
            city[(g, s)] = city.get((g, s), 0) + v
    rows += [("11111", 2020, "unemployed", g, s, "total", v) for (g, s), v in city.items()]
    data = obs(rows)
    p = protect(data, AREAS, min_count)
    assert violations(p, AREAS, min_count).empty
    visible = p["status"] != "secret"
    assert (p.loc[visible, "value"].to_numpy() == data.loc[visible, "value"].to_numpy()).all()
