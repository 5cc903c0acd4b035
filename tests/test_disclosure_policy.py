"""One protected table per workspace: each area's cells at the strictest threshold of every
report that shows them."""

import numpy as np
import pandas as pd

from intmon_utils.disclosure.policy import ThresholdPolicy, workspace_policy

AREAS = pd.DataFrame(
    {
        "area_id": ["DG", "99", "99101000", "99102000", "99101000-01", "99103000"],
        "parent_id": ["", "DG", "99", "99", "99101000", "99"],
        "level": ["country", "state", *["municipality"] * 2, "subdistrict", "municipality"],
    }
)


def test_each_area_takes_the_strictest_report_that_shows_it():
    policy = ThresholdPolicy.strictest(
        (3, 30),
        [
            (["99101000", "99", "DG", "99101000-01"], 3, 30),
            (["99102000", "99", "DG", "99101000"], 5, 50),  # peer 99101000 at 5
        ],
    )
    counts = policy.min_count(["99101000", "99101000-01", "99102000", "99", "DG", "99103000"])
    assert counts.tolist() == [5, 3, 5, 5, 5, 3]  # shared cells at 5; unshown at the default
    assert policy.of_area("99101000") == (5, 50) and policy.of_area("99103000") == (3, 30)
    assert policy.range(["99101000", "99101000-01"]) == (3, 5)


def test_the_policy_of_a_parameter_folder(tmp_path):
    (tmp_path / "defaults.yml").write_text("disclosure: {min_count: 3}\n", encoding="utf-8")
    (tmp_path / "99101000.yml").write_text('area_id: "99101000"\nname: A\n', encoding="utf-8")
    (tmp_path / "99102000.yml").write_text(
        'area_id: "99102000"\nname: B\ndisclosure: {min_count: 5}\n', encoding="utf-8"
    )
    (tmp_path / "99103000.yml").write_text("name: [broken\n", encoding="utf-8")
    policy = workspace_policy(tmp_path, AREAS)
    # the Land and Germany are shown by both reports; the sub-district only by A's
    assert policy.of_area("99")[0] == policy.of_area("DG")[0] == 5
    assert policy.of_area("99101000-01")[0] == 3 and policy.of_area("99102000")[0] == 5
    assert policy.key() != ThresholdPolicy.uniform(3).key()
    assert np.array_equal(policy.min_count([]), np.array([], dtype="int64"))


def test_a_workspace_at_one_threshold_shares_the_uniform_tables(tmp_path):
    (tmp_path / "99101000.yml").write_text('area_id: "99101000"\nname: A\n', encoding="utf-8")
    assert workspace_policy(tmp_path, AREAS) == ThresholdPolicy.uniform(3, 30)


def test_the_policy_is_read_again_only_when_a_parameter_file_or_the_hierarchy_changes(tmp_path):
    a = tmp_path / "99101000.yml"
    a.write_text('area_id: "99101000"\nname: A\n', encoding="utf-8")
    first = workspace_policy(tmp_path, AREAS)
    assert workspace_policy(tmp_path, AREAS.copy()) is first  # kept: nothing changed
    a.write_text('area_id: "99101000"\nname: A\ndisclosure: {min_count: 7}\n', encoding="utf-8")
    changed = workspace_policy(tmp_path, AREAS)
    assert changed.of_area("99101000")[0] == 7  # an edited file is read again
    moved = AREAS.assign(parent_id=AREAS["parent_id"].replace({"99101000": "99"}))
    assert workspace_policy(tmp_path, moved).of_area("99101000-01")[0] == 3  # new hierarchy
    (tmp_path / "99102000.yml").write_text('area_id: "99102000"\nname: B\n', encoding="utf-8")
    assert workspace_policy(tmp_path, AREAS) is not changed  # a new file
