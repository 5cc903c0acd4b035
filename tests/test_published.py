"""Published tables are cached per data state and recomputed when the data change."""

import pandas as pd

from intmon_utils import published
from intmon_utils.disclosure.policy import ThresholdPolicy
from intmon_utils.store import ObservationStore

from conftest import obs

AREAS = pd.DataFrame(
    {
        "area_id": ["01001000"],
        "name": ["Flensburg"],
        "level": ["district"],
        "kind": ["kreisfreie_stadt"],
        "parent_id": [""],
        "synthetic": [False],
    }
)


def rate(table):
    t = table[(table["indicator_id"] == "labor.unemployment_rate") & (table["group"] == "total")]
    return t["value"].iloc[0]


def test_cache_follows_the_data(tmp_path):
    store = ObservationStore(tmp_path)
    store.write_areas(AREAS)
    rows = [
        ("01001000", 2020, "unemployed", "total", "total", "total", 50),
        ("01001000", 2020, "civilian_labour_force", "total", "total", "total", 1000),
    ]
    store.write_observations(obs(rows), "ba")
    assert rate(published.build(store, ThresholdPolicy.uniform(3))[1]) == 5.0
    first = sorted(p.name for p in store.derived_dir.iterdir())
    assert rate(published.build(store, ThresholdPolicy.uniform(3))[1]) == 5.0  # read from the cache
    assert sorted(p.name for p in store.derived_dir.iterdir()) == first
    published.build(store, ThresholdPolicy.uniform(5))  # a second policy of the same state
    first = sorted(p.name for p in store.derived_dir.iterdir())
    assert len(first) == 4
    rows[0] = ("01001000", 2020, "unemployed", "total", "total", "total", 80)
    store.write_observations(obs(rows), "ba")  # re-import replaces the source
    assert rate(published.build(store, ThresholdPolicy.uniform(3))[1]) == 8.0
    now = sorted(p.name for p in store.derived_dir.iterdir())
    # the stale tables are gone, of every policy
    assert len(now) == 2 and not set(now) & set(first)
