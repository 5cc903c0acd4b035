"""Synthetic boundaries of the demo Land, so that maps work out of the box.

Deterministic (seeded) shapes in ETRS89-LAEA metres, nested like real ones: the Land is an
irregular disc about 140 km across with a lake; each kreisfreie Stadt is a small irregular
disc inside it; the Landkreise share the rest (Voronoi cells); a Landkreis's Gemeinden and a
city's Stadtteile are Voronoi cells inside it. The lake is water, not land: it is cut out of
the areas around it and written as a row of its own with ``land = False``, as official
boundary files do (BKG VG5000: ``GF = 8``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CENTRE = (4_300_000.0, 3_000_000.0)  # somewhere in the middle of Germany, in EPSG:3035
RADIUS = 70_000.0
ATTRIBUTION = "Synthetische Umrisse (intmon), keine realen Grenzen"
LICENCE = "CC0-1.0"


def _blob(rng, centre, radius, wobble=0.12, points=72):
    from shapely.geometry import Polygon

    angles = np.linspace(0, 2 * np.pi, points, endpoint=False)
    phase = rng.uniform(0, 2 * np.pi, 2)
    r = radius * (
        1 + wobble * np.sin(3 * angles + phase[0]) + wobble / 2 * np.sin(5 * angles + phase[1])
    )
    return Polygon(np.c_[centre[0] + r * np.cos(angles), centre[1] + r * np.sin(angles)])


def _points_inside(rng, shape, n, min_gap):
    """``n`` random points inside ``shape``, at least ``min_gap`` apart (fewer tries left,
    smaller gaps)."""
    from shapely.geometry import Point

    x0, y0, x1, y1 = shape.bounds
    points: list[tuple[float, float]] = []
    gap = min_gap
    while len(points) < n:
        for _ in range(400):
            p = (rng.uniform(x0, x1), rng.uniform(y0, y1))
            if shape.contains(Point(p)) and all(
                np.hypot(p[0] - q[0], p[1] - q[1]) >= gap for q in points
            ):
                points.append(p)
                break
        else:
            gap *= 0.7
    return points


def _cells(points, shape):
    """The Voronoi cells of ``points`` clipped to ``shape``, in the order of the points."""
    import shapely
    from shapely.geometry import MultiPoint, Point

    if len(points) == 1:
        return [shape]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=shape.envelope.buffer(1000))
    out = []
    for p in points:
        cell = next(c for c in cells.geoms if c.contains(Point(p)))
        out.append(cell.intersection(shape))
    return out


def demo_boundaries(areas: pd.DataFrame, seed: int = 2024):
    """A GeoDataFrame (``area_id``, ``level``, ``land``, ``geometry`` in EPSG:3035) with a
    shape for every area of the demo register below the Land, the Land itself and its lake."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    land = _blob(rng, CENTRE, RADIUS)
    lake = _blob(rng, (CENTRE[0] + 25_000, CENTRE[1] - 20_000), 5_000, wobble=0.2)
    children = areas.groupby("parent_id")["area_id"].apply(list).to_dict()
    kind = areas.set_index("area_id")["kind"].to_dict()
    state = areas.loc[areas["level"] == "state", "area_id"].iloc[0]
    kreise = children.get(state, [])
    cities = [a for a in kreise if kind[a] == "kreisfreie_stadt"]
    landkreise = [a for a in kreise if a not in cities]
    shapes = {state: land.difference(lake)}
    centres = _points_inside(
        rng, land.buffer(-15_000).difference(lake.buffer(8_000)), len(cities), 35_000
    )
    for city, centre in zip(cities, centres):
        shapes[city] = _blob(rng, centre, rng.uniform(6_000, 9_000), wobble=0.15)
    rest = land.difference(lake).difference(gpd.GeoSeries(list(shapes.values())[1:]).union_all())
    seeds = _points_inside(rng, rest, len(landkreise), 30_000)
    shapes.update(zip(landkreise, _cells(seeds, rest)))
    for parent in [*cities, *landkreise]:
        below = children.get(parent, [])
        if below:
            seeds = _points_inside(rng, shapes[parent], len(below), 2_000)
            shapes.update(zip(below, _cells(seeds, shapes[parent])))
    level = areas.set_index("area_id")["level"].to_dict()
    rows = [(a, level[a], True, g) for a, g in shapes.items()]
    owner = min(landkreise or [state], key=lambda a: shapes[a].distance(lake))
    rows.append((owner, "water", False, lake))
    return gpd.GeoDataFrame(rows, columns=["area_id", "level", "land", "geometry"], crs="EPSG:3035")
