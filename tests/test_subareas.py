"""The sub-area level (intmon_utils/subareas.py): the finest complete level, or the one set in
the parameters; named by its kind; used by the report's spatial sections and the spatial
indicators."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml

from intmon_utils.errors import DataError
from intmon_utils.report import open_report
from intmon_utils.spatial import spatial_indicators
from intmon_utils.store import ObservationStore
from intmon_utils.subareas import choose, kind_label

from golden_tools import visible_text

PROJECT = Path(__file__).resolve().parents[1]
CITY = "99101000"


def register(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(a, a, "subdistrict", k, p, False) for a, k, p in rows],
        columns=["area_id", "name", "level", "kind", "parent_id", "synthetic"],
    )


TWO_LEVELS = register(
    [
        ("C-1", "stadtbezirk", "C"),
        ("C-2", "stadtbezirk", "C"),
        ("C-11", "stadtteil", "C-1"),
        ("C-12", "stadtteil", "C-1"),
        ("C-21", "stadtteil", "C-2"),
    ]
)


def test_the_finest_complete_level_is_chosen():
    stadtteile = {"C-11", "C-12", "C-21"}
    level = choose("C", TWO_LEVELS, stadtteile)  # Stadtbezirke without values
    assert (level.kind, level.area_ids, level.chosen_by) == (
        "stadtteil",
        ("C-11", "C-12", "C-21"),
        "finest_complete",
    )
    # Stadtteile incomplete, Stadtbezirke complete: the Stadtbezirke
    assert choose("C", TWO_LEVELS, {"C-1", "C-2", "C-11"}).kind == "stadtbezirk"
    # nothing complete: the level with the most areas with data, said so
    partial = choose("C", TWO_LEVELS, {"C-11", "C-12", "C-1"})
    assert (partial.kind, partial.with_data, partial.chosen_by) == (
        "stadtteil",
        2,
        "most_with_data",
    )
    assert choose("C", TWO_LEVELS, {"C-11"}) is None


def test_the_level_set_in_the_parameters_wins_and_is_checked():
    level = choose("C", TWO_LEVELS, {"C-11", "C-12", "C-21"}, preferred="stadtbezirk")
    assert (level.kind, level.with_data, level.chosen_by) == ("stadtbezirk", 0, "parameters")
    with pytest.raises(DataError, match=r"'planungsraum'.*levels in the register: stadtbezirk"):
        choose("C", TWO_LEVELS, set(), preferred="planungsraum")


def test_levels_are_named_by_their_kind():
    assert kind_label("stadtbezirk", "de", plural=True) == "Stadtbezirke"
    assert kind_label("planungsraum", "en") == "planning area"
    assert kind_label("gemeinde", "de", plural=True) == "Gemeinden"
    assert kind_label("sozialraum_neu", "de") == "Sozialraum neu"  # a kind not listed


@pytest.fixture(scope="module")
def city_with_bezirke(tmp_path_factory, demo_store) -> ObservationStore:
    """The demo store with two Stadtbezirke (no values of their own) between Lindenhagen and
    its Stadtteile."""
    root = tmp_path_factory.mktemp("bezirke") / "data"
    shutil.copytree(demo_store.root, root, ignore=shutil.ignore_patterns("derived"))
    store = ObservationStore(root)
    areas = store.read_areas()
    mine = areas["parent_id"] == CITY
    ids = sorted(areas.loc[mine, "area_id"])
    areas.loc[areas["area_id"].isin(ids[: len(ids) // 2]), "parent_id"] = f"{CITY}-B1"
    areas.loc[areas["area_id"].isin(ids[len(ids) // 2 :]), "parent_id"] = f"{CITY}-B2"
    bezirke = register([(f"{CITY}-B1", "stadtbezirk", CITY), (f"{CITY}-B2", "stadtbezirk", CITY)])
    store.write_areas(pd.concat([areas, bezirke.assign(synthetic=True)], ignore_index=True))
    return store


def test_spatial_indicators_use_the_stadtteile_below_empty_stadtbezirke(city_with_bezirke):
    table = spatial_indicators(
        city_with_bezirke.read_observations(), city_with_bezirke.read_areas()
    )
    d = table[
        (table["area_id"] == CITY)
        & (table["indicator_id"] == "housing.dissimilarity_foreign_german")
    ]
    assert len(d) and (d["n_cases"] == 14).all()


def _subdistricts(store, tmp_path, **params) -> str:
    folder = tmp_path / "parameters"
    folder.mkdir(exist_ok=True)
    shutil.copy(PROJECT / "parameters/defaults.yml", folder)
    own = yaml.safe_load((PROJECT / f"parameters/{CITY}.yml").read_text(encoding="utf-8"))
    own.pop("commentary", None)
    (folder / f"{CITY}.yml").write_text(yaml.safe_dump({**own, **params}), encoding="utf-8")
    report = open_report(
        CITY,
        str(folder / f"{CITY}.yml"),
        "housing",
        str(store.root),
        str(tmp_path / "out"),
        str(PROJECT),
    )
    shown = visible_text(report.subdistricts()._repr_html_()) + visible_text(
        report.segregation()._repr_html_()
    )
    plt.close("all")
    return shown


def test_the_report_names_the_level_it_uses_and_its_coverage(city_with_bezirke, tmp_path):
    shown = _subdistricts(city_with_bezirke, tmp_path)
    assert "Kleinräumige Ebene: Stadtteile, 14/14 Teilgebiete mit Werten" in shown
    assert "| Stadtteil |" in shown
    # set in the parameters: the Stadtbezirke. They have no counts of their own (only the
    # segregation indices over their Stadtteile), so the segregation section says what is
    # missing; nothing crashes
    shown = _subdistricts(city_with_bezirke, tmp_path, subarea_level="stadtbezirk")
    assert (
        "Kleinräumige Ebene: Stadtbezirke, 2/2" in shown
        and "(in den Parametern festgelegt)" in shown
    )
    assert "| Stadtbezirk |" in shown
    assert "fehlen die Bevölkerungszahlen nach Staatsangehörigkeit" in shown
