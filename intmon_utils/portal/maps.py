"""Choropleth maps as SVG: the areas of one level coloured by class of their value.

- Classes: quantiles (``mapclassify.Quantiles``; at most five, fewer when there are fewer
  distinct values), the method named in the legend with each class's range.
- Colours: one sequential ColorBrewer scheme per indicator direction, the same on every map
  (higher is better: blues; lower is better: oranges; neutral: purples); darker is always more.
- Areas without a value (secret, not collected, not meaningful) are hatched grey and
  explained in the legend, never coloured as zero; areas without a shape are named.
- Water areas are not land: the import keeps only the land rows and dissolves each area.
- The attribution and licence of the boundaries stand under every map.
"""

from __future__ import annotations

import numpy as np

from ..formatting import format_number
from ..texts import text
from . import svg

SCHEMES = {
    "higher_is_better": ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    "lower_is_better": ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
    "neutral": ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
}
WIDTH = 560.0
MAX_CLASSES = 5


def classes(values: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """(class of each value, upper bounds) by quantiles, at most ``MAX_CLASSES``."""
    import mapclassify

    k = min(MAX_CLASSES, len(np.unique(values)))
    if k < 2:
        return np.zeros(len(values), dtype=int), [float(values.max())]
    q = mapclassify.Quantiles(values, k=k)
    return np.asarray(q.yb), [float(b) for b in q.bins]


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
    palette = SCHEMES.get(direction, SCHEMES["neutral"])
    klass, bounds = classes(np.array(list(valued.values()), dtype=float)) if valued else ([], [])
    offset = len(palette) - len(bounds)  # fewer classes take the darker end of the scheme
    colour = {a: palette[int(c) + offset] for a, c in zip(valued, klass)}
    c = svg.Canvas(WIDTH + 2 * left, top + height + 18 * len(bounds) + 90)
    no_value = c.hatch("no-value")
    svg.header(c, title, note)
    for area, geom in zip(shapes["area_id"], shapes.geometry):
        d = _path(geom, x0, y1, scale, left, top)
        c.path(d, colour.get(area, no_value), names.get(area, area))
    y = top + height + 24
    c.text(left, y, text("portal_map_method", lang, k=len(bounds)), 11)
    lower = min(valued.values()) if valued else 0.0
    for i, upper in enumerate(bounds):
        y += 18
        c.swatch(left, y - 11, palette[i + offset])
        label = f"{format_number(lower, decimals, lang)} – {format_number(upper, decimals, lang)}"
        c.text(left + 24, y, label, 11)
        lower = upper
    y += 18
    c.swatch(left, y - 11, no_value)
    c.text(left + 24, y, text("portal_map_no_value", lang), 11)
    c.text(left, y + 22, credit, 9, color=svg.MUTED)
    return c.svg(title), _alt(valued, values, names, bounds, title, decimals, lang)


def _alt(valued, values, names, bounds, title, decimals, lang) -> str:
    without = [names.get(a, a) for a, v in values.items() if v is None]
    if not valued:
        return text("portal_map_alt_empty", lang, title=title)
    high = max(valued, key=valued.get)
    low = min(valued, key=valued.get)
    alt = text(
        "portal_map_alt",
        lang,
        title=title,
        n=len(valued),
        k=len(bounds),
        high=names.get(high, high),
        high_value=format_number(valued[high], decimals, lang),
        low=names.get(low, low),
        low_value=format_number(valued[low], decimals, lang),
    )
    if without:
        alt += " " + text("portal_map_alt_without", lang, n=len(without))
    return alt
