"""The linear-programming audit: named scenarios where the hierarchical heuristic leaks, and
the demo's published tables attacked as a careful reader would."""

import numpy as np
import pandas as pd

from intmon_utils.disclosure import audit, cell_state, is_count, protect, protect_audited
from intmon_utils.disclosure.identities import implied_links

from conftest import obs

AREAS = pd.DataFrame({"area_id": ["11111"], "parent_id": [""]})
CITY = pd.DataFrame(
    {
        "area_id": ["11111", "11111-01", "11111-02", "11111-03"],
        "parent_id": ["", "11111", "11111", "11111"],
    }
)


def _audit(data, areas, protected, min_count=3):
    value, known, _ = cell_state(data.reset_index(drop=True))
    small = known & (value > 0) & (value < min_count) & is_count(data.reset_index(drop=True))
    return audit(protected, value, areas, min_count, small)


def small_total_of_small_parts():
    """Foreign = 3, split by sex 1 + 2: both parts are small, and with the total visible an
    attacker who knows that a suppressed cell is at least 1 proves both are below 3."""
    rows = [
        ("11111", 2020, "unemployed", g, s, "total", v)
        for g, s, v in [
            ("total", "total", 40),
            ("german", "total", 37),
            ("foreign", "total", 3),
            ("total", "female", 20),
            ("german", "female", 19),
            ("foreign", "female", 1),
            ("total", "male", 20),
            ("german", "male", 18),
            ("foreign", "male", 2),
        ]
    ]
    return obs(rows)


def test_heuristic_alone_leaks_and_the_audit_finds_it():
    data = small_total_of_small_parts()
    found = _audit(data, AREAS, protect(data, AREAS, 3))
    assert set(found.violations["problem"]) == {"provably below threshold"}


def test_heuristic_alone_leaks_on_the_demo(demo_frames):
    """On the demo, age bands that cap sub-district counts from above (the band below 15
    does not exist for the unemployed) pin suppressed cells exactly: the audit sees it."""
    observations, areas = demo_frames
    found = _audit(observations, areas, protect(observations, areas, 3), 3)
    assert (found.violations["problem"] == "determined exactly").sum() > 10


def test_audited_protection_leaves_every_cell_protected():
    data, areas = small_total_of_small_parts(), AREAS
    protected, result, extra = protect_audited(data, areas, 3)
    assert extra > 0 and result.violations.empty
    final = _audit(data, areas, protected)  # a full audit of the result, from scratch
    assert final.violations.empty
    assert final.narrowest >= 1 and final.lowest_margin >= 0
    visible = protected[protected["status"] != "secret"]
    assert not ((visible["value"] > 0) & (visible["value"] < 3)).any()


def test_demo_published_tables_withstand_the_attack(demo_store, demo_published):
    """The standing audit: every suppressed cell of the demo at least 1 wide, every small
    cell able to reach the threshold, by linear programming over every identity."""
    published, _ = demo_published
    raw = demo_store.read_observations().reset_index(drop=True)
    areas = demo_store.read_areas()
    key = ["area_id", "year", "variable", "group", "sex", "age"]
    aligned = raw.merge(published[key + ["status", "value"]], on=key, suffixes=("_true", ""))
    assert len(aligned) == len(raw) == len(published)
    value, known, _ = cell_state(raw)
    true = aligned["value_true"].to_numpy(dtype=float)
    small = (
        ~aligned["status_true"]
        .isin(["secret", "uncertain", "not_meaningful", "not_yet_available", "not_applicable"])
        .to_numpy()
        & (true > 0)
        & (true < 3)
        & is_count(aligned)
    )
    result = audit(
        aligned[key + ["area_level", "status", "value", "source"]], true, areas, 3, small
    )
    assert result.violations.empty, result.violations.head()
    assert result.cells > 1000 and result.components > 50
    assert result.narrowest >= 1 and result.lowest_margin >= 0
    assert np.isfinite(result.narrowest)


def city_with_unregistered_sub_districts():
    """A city and three sub-districts whose register rows were lost (an import replaced the
    register): the sub-districts still add up to the city in the data."""
    rows = []
    for area, total, foreign in [
        ("11111", 150, 13),
        ("11111-01", 40, 2),
        ("11111-02", 50, 5),
        ("11111-03", 60, 6),
    ]:
        rows += [
            (area, 2020, "unemployed", "total", "total", "total", total),
            (area, 2020, "unemployed", "german", "total", "total", total - foreign),
            (area, 2020, "unemployed", "foreign", "total", "total", foreign),
        ]
    return obs(rows)


def test_identities_come_from_the_observations_not_only_the_register():
    """Defect: with the sub-districts missing from the register, the city minus the visible
    sub-districts gave a suppressed count of 2 back, and the audit passed because it used the
    same broken register. The sums in the data are identities whatever the register says."""
    data = city_with_unregistered_sub_districts()
    protected, result, _ = protect_audited(data, AREAS, 3)  # register: the city alone
    assert result.violations.empty
    attacker = _audit(data, CITY, protected)  # the attacker knows the true hierarchy
    assert attacker.violations.empty, attacker.violations
    secret = protected.set_index(["area_id", "group"])["status"] == "secret"
    assert secret[("11111-01", "foreign")]
    assert secret.xs("foreign", level="group").sum() >= 2  # not the lone foreign count


def test_implied_links_reject_a_family_that_adds_up_to_more_than_its_parent():
    """Districts (-1, -2) and sub-districts (-11, -12, -21) both below the city: each level is
    a family of its own, and neither may be mixed with the other into one sum."""
    rows = [
        (a, 2020, "unemployed", "total", "total", "total", v)
        for a, v in [
            ("11111", 100),
            ("11111-1", 60),
            ("11111-2", 40),
            ("11111-11", 30),
            ("11111-12", 30),
            ("11111-21", 35),
        ]
    ]
    links = implied_links(obs(rows), AREAS).set_index("area_id")
    assert links.loc["11111-11", "parent_id"] == "11111-1"
    assert links.loc["11111-21", "parent_id"] == "11111-2"
    assert links.loc["11111-1", "parent_id"] == "11111"
    # -1 = -11 + -12 exactly: an equation; -2 > -21: one more, unknown part
    assert links.loc["11111-11", "parts"] == 2 and links.loc["11111-21", "parts"] == 2
    assert links.loc["11111-1", "parts"] == 2
    too_much = obs([*rows, ("11111-3", 2020, "unemployed", "total", "total", "total", 10)])
    assert "11111-3" not in set(implied_links(too_much, AREAS)["area_id"])


def test_demo_protected_with_a_replaced_register_withstands_the_true_hierarchy(demo_frames):
    """The defect as found: after an import replaced the register (sub-districts gone), the
    city minus the visible sub-districts gave suppressed counts back. Protected with the
    broken register, the demo must still withstand an attacker who knows the true one."""
    observations, areas = demo_frames
    broken = areas[areas["level"] != "subdistrict"]
    assert len(broken) < len(areas)
    obs = observations.reset_index(drop=True)
    protected, result, _ = protect_audited(obs, broken, 3)
    assert result.violations.empty
    attacker = _audit(obs, areas, protected)
    assert attacker.violations.empty, attacker.violations.head()
    assert attacker.inconsistent == 0
