"""Choropleth maps as SVG for the portal: the areas of one level coloured by class of their
value, with the classes, colours and hatching of :mod:`intmon_utils.choropleth` (the same
rule as the reports' maps), the method and ranges in the legend, and the attribution and
licence of the boundaries under every map."""

from __future__ import annotations

import numpy as np

from ..choropleth import class_label
from ..choropleth import colours as choropleth_colours
from ..formatting import format_number
from ..texts import text
from . import svg

WIDTH = 560.0


def _rings(geom):
    """Every ring (exterior and holes) of a polygon or multipolygon."""
    polygons = getattr(geom, "geoms", [geom])
    for polygon in polygons:
        yield polygon.exterior.coords
        for hole in polygon.interiors:
            yield hole.coords


def _path(geom, x0: float, y1: float, scale: float, left: float, top: float) -> str:
    parts = []
    for ring in _rings(geom):
        xy = np.asarray(ring)[:, :2]
        px = np.round(left + (xy[:, 0] - x0) * scale, 1)
        py = np.round(top + (y1 - xy[:, 1]) * scale, 1)
        parts.append("M" + " ".join(f"{a:g} {b:g}" for a, b in zip(px, py)) + "Z")
    return "".join(parts)


def choropleth(
    shapes,
    values: dict[str, float | None],
    names: dict[str, str],
    direction: str,
    title: str,
    note: str,
    credit: str,
    decimals: int,
    lang: str,
) -> tuple[str, str]:
    """(SVG, alt text) of the areas in ``shapes`` (``area_id``, ``geometry`` in metres)
    coloured by ``values`` (``None``: no value to show)."""
    shapes = shapes[shapes["area_id"].isin(values)]
    x0, y0, x1, y1 = shapes.total_bounds
    scale = WIDTH / max(x1 - x0, 1.0)
    left = 10.0
    top = svg.header_height(note, WIDTH + 2 * left) + 12
    height = (y1 - y0) * scale
    drawn = set(shapes["area_id"])
    valued = {a: v for a, v in values.items() if v is not None and a in drawn}
    colour, legend = choropleth_colours(valued, direction)
    c = svg.Canvas(WIDTH + 2 * left, top + height + 18 * len(legend) + 90)
    no_value = c.hatch("no-value")
    svg.header(c, title, note)
    for area, geom in zip(shapes["area_id"], shapes.geometry):
        d = _path(geom, x0, y1, scale, left, top)
        c.path(d, colour.get(area, no_value), names.get(area, area))
    y = top + height + 24
    c.text(left, y, text("map_method", lang, k=len(legend)), 11)
    for lower, upper, fill in legend:
        y += 18
        c.swatch(left, y - 11, fill)
        c.text(left + 24, y, class_label(lower, upper, decimals, lang), 11)
    y += 18
    c.swatch(left, y - 11, no_value)
    c.text(left + 24, y, text("map_no_value", lang), 11)
    c.text(left, y + 22, credit, 9, color=svg.MUTED)
    return c.svg(title), _alt(valued, values, names, legend, title, decimals, lang)


def _alt(valued, values, names, legend, title, decimals, lang) -> str:
    without = [names.get(a, a) for a, v in values.items() if v is None]
    if not valued:
        return text("map_alt_empty", lang, title=title)
    high = max(valued, key=valued.get)
    low = min(valued, key=valued.get)
    alt = text(
        "map_alt",
        lang,
        title=title,
        n=len(valued),
        k=len(legend),
        high=names.get(high, high),
        high_value=format_number(valued[high], decimals, lang),
        low=names.get(low, low),
        low_value=format_number(valued[low], decimals, lang),
    )
    if without:
        alt += " " + text("map_alt_without", lang, n=len(without))
    return alt
