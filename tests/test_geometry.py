"""Boundaries for maps: the demo Land's synthetic shapes, the import of boundary files with
their quirks (ids written as numbers, water rows, no coordinate system), and the real BKG
VG5000 Kreise joined to the real 2024 Kreis data."""

from __future__ import annotations

import re

import pytest
import yaml

from intmon_utils import geometry
from intmon_utils.choropleth import SCHEMES
from intmon_utils.errors import DataError, MappingError
from intmon_utils.portal import maps
from intmon_utils.sources import IMPORTERS
from intmon_utils.store import ObservationStore
from intmon_utils.synthetic.geometry import demo_boundaries

from conftest import REALDATA, needs_realdata

BKG = REALDATA / "10_bkg_vg5000"
FFCSV = REALDATA / "02_destatis_genesis_ffcsv"


def test_demo_land_has_nested_boundaries_for_every_area(demo_store):
    areas = demo_store.read_areas()
    shapes = {lv: geometry.read_geometry(demo_store, lv) for lv in geometry.LEVELS}
    for level in ("state", "district", "municipality", "subdistrict"):
        ids = set(areas.loc[areas["level"] == level, "area_id"])
        assert set(shapes[level]["area_id"]) == ids and shapes[level].is_valid.all(), level
    land = shapes["state"].geometry.iloc[0]
    kreise = shapes["district"]
    # the Kreise tile the Land: no overlap, nothing left over (the lake is in neither)
    assert kreise.area.sum() == pytest.approx(land.area, rel=1e-6)
    assert kreise.union_all().symmetric_difference(land).area < land.area * 1e-6
    for kreis, below in areas[areas["level"].isin(["municipality", "subdistrict"])].groupby(
        "parent_id"
    ):
        level = below["level"].iloc[0]
        parts = shapes[level][shapes[level]["area_id"].isin(below["area_id"])]
        outer = kreise.loc[kreise["area_id"] == kreis].geometry.iloc[0]
        assert parts.area.sum() == pytest.approx(outer.area, rel=1e-6), kreis
    assert geometry.attribution(demo_store, "district", "de").startswith("Synthetische Umrisse")


def test_demo_boundaries_are_deterministic(demo_store):
    areas = demo_store.read_areas()
    first, second = demo_boundaries(areas), demo_boundaries(areas)
    assert first.geometry.to_wkb().tolist() == second.geometry.to_wkb().tolist()


def _boundary_file(demo_store, tmp_path):
    """The demo Kreise as a GeoJSON in WGS 84 as a publisher writes it: the key as a number
    (``AGS``), a land/water column (``GF``: 9 land, 8 water) and one Kreis keyed 1001, whose
    id loses its leading zero when written as a number."""
    shapes = demo_boundaries(demo_store.read_areas())
    kreise = shapes[shapes["level"].isin(["district", "water"])].copy()
    kreise["AGS"] = kreise["area_id"].astype(int)
    kreise["GF"] = kreise["land"].map({True: 9, False: 8})
    kreise.loc[kreise.index[0], "AGS"] = 1001
    path = tmp_path / "kreise.geojson"
    kreise[["AGS", "GF", "geometry"]].to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    return path, shapes


def _mapping(tmp_path, **extra):
    spec = {
        "id_column": "AGS",
        "level": "district",
        "normalise": "ags",
        "keep": {"GF": 9},
        "attribution": "Beispiel-Umrisse",
        "licence": "dl-de/by-2-0",
        **extra,
    }
    path = tmp_path / "map.yml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_import_normalises_ids_keeps_land_only_and_says_what_it_cannot_place(demo_store, tmp_path):
    path, original = _boundary_file(demo_store, tmp_path)
    store = ObservationStore(tmp_path / "data")
    store.write_areas(demo_store.read_areas())
    message = IMPORTERS["geometry"]([str(path)], store, mapping=str(_mapping(tmp_path)))
    stored = geometry.read_geometry(store, "district")
    assert "01001" in set(stored["area_id"])  # the leading zero restored
    assert "not in the area register" in message and "01001" in message
    assert len(stored) == 9 and stored.crs.to_epsg() == 3035
    # the water row was left out, not merged into the Kreis around the lake
    owner = original[~original["land"]]["area_id"].iloc[0]
    land = original[(original["area_id"] == owner) & original["land"]].geometry.iloc[0]
    imported = stored[stored["area_id"] == owner].geometry.iloc[0]
    assert imported.area == pytest.approx(land.area, rel=0.01)
    assert "Daten verändert" in geometry.attribution(store, "district", "de")


@pytest.mark.parametrize(
    "change, error, words",
    [
        ({"id_column": "KEY"}, DataError, r"no column 'KEY'.*AGS, GF"),
        ({"keep": {"WATER": 8}}, DataError, r"no column 'WATER'"),
        ({"levels": "district"}, MappingError, r"levels"),
    ],
)
def test_import_errors_name_the_file_and_what_to_do(demo_store, tmp_path, change, error, words):
    path, _ = _boundary_file(demo_store, tmp_path)
    store = ObservationStore(tmp_path / "data")
    with pytest.raises(error, match=words):
        IMPORTERS["geometry"]([str(path)], store, mapping=str(_mapping(tmp_path, **change)))
    assert not (tmp_path / "data" / "geometry").exists()  # nothing written


def test_import_without_a_coordinate_system_asks_for_one(demo_store, tmp_path):
    import geopandas as gpd

    path, _ = _boundary_file(demo_store, tmp_path)
    store = ObservationStore(tmp_path / "data")
    mapping = str(_mapping(tmp_path))
    # a GeoJSON is WGS 84 by definition; a shapefile without its .prj names no system
    shp = tmp_path / "kreise.shp"
    gpd.read_file(path).to_file(shp)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(DataError, match=r"kreise.shp.*no coordinate reference system.*crs:"):
        IMPORTERS["geometry"]([str(shp)], store, mapping=mapping)
    assert IMPORTERS["geometry"](
        [str(shp)], store, mapping=str(_mapping(tmp_path, crs="EPSG:4326"))
    ).startswith("imported 9 district shapes")


def test_import_without_mapping_says_what_to_write(tmp_path):
    with pytest.raises(MappingError, match="needs --mapping.*id_column"):
        IMPORTERS["geometry"](["x.geojson"], ObservationStore(tmp_path))


def test_map_colours_valued_areas_by_class_and_hatches_the_others(demo_store):
    shapes = geometry.read_geometry(demo_store, "district")
    ids = sorted(shapes["area_id"])
    values = {a: float(i) for i, a in enumerate(ids)}
    values[ids[0]] = None  # secret
    svg, alt = maps.choropleth(
        shapes,
        values,
        {a: a for a in ids},
        "lower_is_better",
        "Titel",
        "Anmerkung",
        "Beispiel-Umrisse",
        1,
        "de",
    )
    fills = re.findall(r'<path d="[^"]+" fill="([^"]+)"', svg)
    assert len(fills) == len(ids)
    assert fills.count("url(#no-value)") == 1
    assert set(fills) - {"url(#no-value)"} <= set(SCHEMES["lower_is_better"])
    assert "Quantile (5 Klassen" in svg and "Beispiel-Umrisse" in svg
    assert "1 Gebiete ohne Wert" in alt and f"am höchsten {ids[-1]}" in alt


@needs_realdata
def test_bkg_kreise_join_the_2024_kreis_data_and_map_germany(tmp_path):
    store = ObservationStore(tmp_path / "data")
    IMPORTERS["genesis"](sorted(FFCSV.glob("12411*.csv")), store)
    mapping = _mapping(tmp_path, normalise=None, attribution="© GeoBasis-DE / BKG 2021")
    IMPORTERS["geometry"]([str(BKG / "VG5000_KRS.shp")], store, mapping=str(mapping))
    shapes = geometry.read_geometry(store, "district")
    obs = store.read_observations()
    kreise = obs[
        (obs["year"] == 2024)
        & (obs["variable"] == "population")
        & (obs["sex"] == "total")
        & obs["area_id"].str.fullmatch(r"\d{5}")
        & (obs["status"] == "ok")
    ]
    without_data, without_shape = geometry.join_report(shapes, set(kreise["area_id"]))
    assert without_data == ["16056"]  # Eisenach: a Kreis on 01.01.2021, not in 2024
    assert without_shape == []
    values = dict(zip(kreise["area_id"], kreise["value"].astype(float)))
    values.update({a: None for a in without_data})
    svg, _ = maps.choropleth(
        shapes, values, {}, "neutral", "Bevölkerung 2024", "", "© GeoBasis-DE / BKG 2021", 0, "de"
    )
    fills = re.findall(r'<path d="[^"]+" fill="([^"]+)"', svg)
    assert len(fills) == 401 and fills.count("url(#no-value)") == 1


@needs_realdata
def test_bkg_laender_water_rows_are_not_land(tmp_path):
    store = ObservationStore(tmp_path / "data")
    spec = {"level": "state", "normalise": None, "attribution": "© GeoBasis-DE / BKG 2021"}
    IMPORTERS["geometry"](
        [str(BKG / "VG5000_LAN.shp")], store, mapping=str(_mapping(tmp_path, **spec))
    )
    land = geometry.read_geometry(store, "state")
    assert len(land) == 16
    with_water = ObservationStore(tmp_path / "water")
    IMPORTERS["geometry"](
        [str(BKG / "VG5000_LAN.shp")], with_water, mapping=str(_mapping(tmp_path, keep={}, **spec))
    )
    both = geometry.read_geometry(with_water, "state").set_index("area_id").area
    assert both["03"] > land.set_index("area_id").area["03"] * 1.01  # Wadden Sea
