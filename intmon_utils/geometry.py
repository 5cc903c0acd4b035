"""Area boundaries for maps: imported once, keyed by intmon area ids, stored beside the data.

``intmon import geometry FILE --mapping M`` reads a GeoJSON, GeoPackage or shapefile (with
geopandas/pyogrio) and a small mapping (YAML, :class:`GeometryMapping`): which column holds
the area id, the area level, an optional id normalisation (official keys written as numbers
lose their leading zeros), which rows to keep (water areas out), the attribution and licence.
The shapes are dissolved per id, reprojected to ETRS89-LAEA (EPSG:3035: equal areas, the
projection of European statistical maps), simplified once for the level's scale, and written
to ``<data>/geometry/<level>.parquet`` (GeoParquet) with ``<level>.json`` (source,
attribution, licence, what was changed). Every map prints the attribution and licence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pandas as pd

from .config.loading import StrictModel, parse, read_yaml
from .config.types import Text
from .errors import DataError, MappingError
from .fileio import atomic_path, file_sha256, write_text
from .texts import text

CRS = "EPSG:3035"
LEVELS = ("country", "state", "district", "municipality", "subdistrict")
# metres a boundary may move when simplified: a Kreis map of Germany needs less detail than a
# map of a city's Stadtteile
TOLERANCE = {
    "country": 2000,
    "state": 1000,
    "district": 500,
    "municipality": 100,
    "subdistrict": 10,
}
ID_WIDTH = {"state": 2, "district": 5, "municipality": 8}  # digits of the AGS per level
FOLDER = "geometry"


class GeometryMapping(StrictModel):
    """How to read one boundary file (``intmon import geometry FILE --mapping M``)."""

    id_column: Text
    level: Literal[LEVELS]
    normalise: Literal["ags"] | None = None  # zero-pad numeric AGS to the level's width
    id_prefix: str = ""  # put before each id: a city's local codes -> "<AGS>-<code>"
    keep: dict[str, str | int] = {}  # only rows with these values (e.g. {GF: 9}: no water)
    layer: Text | None = None  # of a GeoPackage with several layers
    attribution: Text  # printed under every map, e.g. "© GeoBasis-DE / BKG 2021"
    licence: Text  # e.g. dl-de/by-2-0
    crs: Text | None = None  # only for a file without a coordinate reference system


def load_mapping(path: Path) -> GeometryMapping:
    raw = read_yaml(path, MappingError, "geometry mapping")
    return parse(GeometryMapping, raw, path, MappingError, "docs/maps.md")


def _ids(values: pd.Series, mapping: GeometryMapping, origin: str) -> pd.Series:
    """The id column as text, normalised as the mapping says."""
    ids = values.astype("string").str.strip()
    if mapping.normalise == "ags":
        width = ID_WIDTH.get(mapping.level)
        if width is None:
            raise MappingError(
                origin,
                "normalise",
                f"AGS normalisation has no width for level {mapping.level}",
                f"use it for {', '.join(ID_WIDTH)}, or leave it out",
            )
        ids = ids.str.replace(r"\.0$", "", regex=True).str.zfill(width)
    return mapping.id_prefix + ids


def read_boundaries(path: Path, mapping: GeometryMapping):
    """The file's shapes as ``area_id`` + ``geometry`` in ``CRS``, dissolved per id and
    simplified; every problem names the file and what to do."""
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path, layer=mapping.layer, engine="pyogrio")
    except Exception as exc:  # pyogrio's errors name the driver, not what to do
        raise DataError(
            f"{path}: not a readable GeoJSON, GeoPackage or shapefile ({exc}) -> check the "
            "file (a shapefile needs its .shx, .dbf and .prj beside the .shp)"
        ) from None
    if mapping.id_column not in gdf.columns:
        raise DataError(
            f"{path}: no column {mapping.id_column!r} (the mapping's id_column) -> use one of "
            f"{', '.join(c for c in gdf.columns if c != 'geometry')}"
        )
    for column, value in mapping.keep.items():
        if column not in gdf.columns:
            raise DataError(f"{path}: no column {column!r} (the mapping's keep) -> fix keep")
        gdf = gdf[gdf[column].astype(str) == str(value)]
    if gdf.crs is None:
        if not mapping.crs:
            raise DataError(
                f"{path}: the file names no coordinate reference system -> give it in the "
                "mapping, e.g. crs: EPSG:25832"
            )
        gdf = gdf.set_crs(mapping.crs)
    gdf = gdf.assign(area_id=_ids(gdf[mapping.id_column], mapping, str(path)))
    if gdf["area_id"].isna().any():
        rows = gdf.index[gdf["area_id"].isna()].tolist()[:5]
        raise DataError(f"{path}: rows {rows} have no {mapping.id_column} -> fill or drop them")
    gdf = gdf[["area_id", "geometry"]].dissolve(by="area_id", as_index=False)
    gdf = gdf.to_crs(CRS)
    gdf["geometry"] = gdf.geometry.simplify(TOLERANCE[mapping.level], preserve_topology=True)
    return gdf


def import_geometry(paths: list[str], store, mapping: str | None = None) -> str:
    """Area boundaries (GeoJSON, GeoPackage, shapefile) for maps, with a mapping (YAML)."""
    if mapping is None:
        raise MappingError(
            "intmon import geometry",
            None,
            "needs --mapping",
            "write a mapping with id_column, level, attribution and licence (docs/maps.md)",
        )
    spec = load_mapping(Path(mapping))
    frames = [read_boundaries(Path(p), spec) for p in paths]
    gdf = pd.concat(frames, ignore_index=True).drop_duplicates("area_id", keep="last")
    known = set(store.read_areas()["area_id"]) if store.areas_path.exists() else set()
    source = {
        "files": [Path(p).name for p in paths],
        "sha256": [file_sha256(Path(p)) for p in paths],
        "attribution": spec.attribution,
        "licence": spec.licence,
        "changed": f"reprojected to {CRS}, simplified to {TOLERANCE[spec.level]} m",
        "modified": True,
    }
    target = write_boundaries(store, gdf, spec.level, source)
    outside = sorted(set(gdf["area_id"]) - known) if known else []
    message = f"imported {len(gdf)} {spec.level} shapes into {target}"
    if outside:
        message += (
            f"; {len(outside)} of them are not in the area register (no data will be drawn "
            f"for them): {', '.join(outside[:10])}{' …' if len(outside) > 10 else ''}"
        )
    return message


def write_boundaries(store, gdf, level: str, source: dict) -> Path:
    """Store the shapes (``area_id``, ``geometry`` in ``CRS``) of ``level`` with where they
    come from; shapes of other ids already stored for the level are kept."""
    target = store.root / FOLDER / f"{level}.parquet"
    old = read_geometry(store, level)
    if old is not None:  # the same level from another file: ids given again are replaced
        gdf = pd.concat([old[~old["area_id"].isin(gdf["area_id"])], gdf], ignore_index=True)
    gdf = gdf[["area_id", "geometry"]].sort_values("area_id", ignore_index=True)
    with atomic_path(target) as tmp:
        gdf.to_parquet(tmp, index=False)
    write_text(target.with_suffix(".json"), json.dumps(source, ensure_ascii=False, indent=2))
    return target


def read_geometry(store, level: str):
    """The stored shapes of ``level`` (GeoDataFrame in ``CRS``), or None."""
    path = store.root / FOLDER / f"{level}.parquet"
    if not path.is_file():
        return None
    import geopandas as gpd

    return gpd.read_parquet(path)


def attribution(store, level: str, lang: str) -> str:
    """The credit line of the shapes of ``level``: attribution, licence and, where the
    shapes were changed (reprojected, simplified), that they were (as BKG asks)."""
    path = store.root / FOLDER / f"{level}.json"
    if not path.is_file():
        return ""
    meta = json.loads(path.read_text(encoding="utf-8"))
    parts = [meta["attribution"], meta["licence"]]
    if meta.get("modified"):
        parts.append(text("map_data_changed", lang))
    return ", ".join(parts)


def fingerprint(store) -> str:
    """Hash over the stored shapes (part of what a map is drawn from)."""
    folder = store.root / FOLDER
    files = sorted(folder.glob("*")) if folder.is_dir() else []
    return ",".join(f"{p.name}:{file_sha256(p)[:12]}" for p in files)


def join_report(shapes, ids: set[str]) -> tuple[list[str], list[str]]:
    """(ids with a shape but no data, ids with data but no shape): a join never drops an
    area silently."""
    have = set(shapes["area_id"])
    return sorted(have - ids), sorted(ids - have)
