"""Data packages (intmon_utils/package.py): export, import into an empty store, the same
indicator table; published values by default; a file changed after export is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from intmon_utils.changes import KEY_COLUMNS
from intmon_utils.cli import main
from intmon_utils.errors import DataError
from intmon_utils.indicators import compute_indicators
from intmon_utils.package import read_package
from intmon_utils.published import INTERNAL
from intmon_utils.store import ObservationStore

PROJECT = Path(__file__).resolve().parents[1]
CITY = "99101000"  # Lindenhagen in the demo Land, with sub-districts


def export(store: ObservationStore, target: Path, *extra: str) -> int:
    return main(
        [
            "export",
            "package",
            "--output",
            str(target),
            "--data",
            str(store.root),
            "--parameters",
            str(PROJECT / "parameters"),
            *extra,
        ]
    )


def sorted_table(t: pd.DataFrame) -> pd.DataFrame:
    keys = ["indicator_id", "area_id", "year", "group", "sex"]
    return t.sort_values(keys, ignore_index=True)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_package_round_trips_into_an_empty_store(tmp_path, demo_store, fmt, capsys):
    package = tmp_path / "paket"
    assert export(demo_store, package, "--internal", "--format", fmt) == 0
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["intmon"]["classification"] == INTERNAL
    assert descriptor["intmon"]["synthetic"] is True
    assert {r["name"] for r in descriptor["resources"]} == {"observations", "areas"}
    empty = ObservationStore(tmp_path / "empty")
    assert main(["import", str(package), "--data", str(empty.root)]) == 0
    assert "recognised as package" in capsys.readouterr().out
    before, after = demo_store.read_observations(), empty.read_observations()
    pd.testing.assert_frame_equal(
        sorted_table(compute_indicators(before).assign(k=0)).drop(columns="k"),
        sorted_table(compute_indicators(after).assign(k=0)).drop(columns="k"),
    )
    assert sorted(p.name for p in empty.observation_dir.glob("*.parquet")) == sorted(
        p.name for p in demo_store.observation_dir.glob("*.parquet")
    )
    pd.testing.assert_frame_equal(
        demo_store.read_areas().sort_values("area_id", ignore_index=True),
        empty.read_areas().sort_values("area_id", ignore_index=True),
        check_dtype=False,
    )


def test_a_package_holds_published_values_by_default(tmp_path, demo_store, demo_published):
    package = tmp_path / "paket"
    assert export(demo_store, package, "--area", CITY, "--year", "2023") == 0
    obs, areas, descriptor = read_package(package)
    assert "disclosure control applied" in descriptor["intmon"]["classification"]
    assert obs["area_id"].str.startswith(CITY).all() and set(obs["year"]) == {2023}
    assert obs["area_id"].nunique() > 1  # the city with its sub-districts
    # the areas above them come along, so the package is complete in an empty store
    assert {"99", CITY} <= set(areas["area_id"])
    published = demo_published[0]
    expected = published[published["area_id"].str.startswith(CITY) & (published["year"] == 2023)]
    merged = obs.merge(expected, on=KEY_COLUMNS, suffixes=("", "_pub"))
    assert len(merged) == len(obs) == len(expected)
    assert (merged["status"] == merged["status_pub"]).all()
    same = (merged["value"] == merged["value_pub"]) | (
        merged["value"].isna() & merged["value_pub"].isna()
    )
    assert same.all()


def test_a_package_file_changed_after_export_is_refused(tmp_path, demo_store):
    package = tmp_path / "paket"
    assert export(demo_store, package, "--area", CITY, "--no-subareas", "--format", "csv") == 0
    data = package / "data" / "observations.csv"
    data.write_bytes(data.read_bytes()[:-40])  # cut short
    with pytest.raises(DataError, match="cut short or changed after export"):
        read_package(package)
    broken = tmp_path / "ohne"
    shutil.copytree(package, broken)
    (broken / "datapackage.json").write_text('{"resources": []}', encoding="utf-8")
    with pytest.raises(DataError, match="no resource \\['observations', 'areas'\\]"):
        read_package(broken)
    (broken / "datapackage.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DataError, match="not a data package descriptor"):
        read_package(broken)
