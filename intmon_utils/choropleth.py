"""Classes and colours of choropleth maps: one rule for the portal (SVG) and the reports
(matplotlib), so that a map reads the same everywhere.

- Classes: quantiles (``mapclassify.Quantiles``), at most ``MAX_CLASSES``, fewer when there
  are fewer distinct values; the legend names the method and each class's range.
- Colours: one sequential ColorBrewer scheme per indicator direction (higher is better:
  blues; lower is better: oranges; neutral: purples); darker always means more. With fewer
  classes the darker end of the scheme is used.
- No value: hatched grey, never a colour of the scale.
"""

from __future__ import annotations

import warnings

import numpy as np

from .formatting import format_number

SCHEMES = {
    "higher_is_better": ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    "lower_is_better": ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
    "neutral": ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
}
MAX_CLASSES = 5
NO_VALUE_EDGE = "#8c8c8c"


def classes(values: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """(class of each value, upper bounds) by quantiles, at most ``MAX_CLASSES``."""
    import mapclassify

    k = min(MAX_CLASSES, len(np.unique(values)))
    if k < 2:
        return np.zeros(len(values), dtype=int), [float(values.max())]
    with warnings.catch_warnings():  # ties: mapclassify merges classes and says so
        warnings.simplefilter("ignore", UserWarning)
        q = mapclassify.Quantiles(values, k=k)
    return np.asarray(q.yb), [float(b) for b in q.bins]


def colours(values: dict[str, float], direction: str) -> tuple[dict[str, str], list[tuple]]:
    """(area -> colour, legend as (lower, upper, colour) per class) of the valued areas."""
    palette = SCHEMES.get(direction, SCHEMES["neutral"])
    if not values:
        return {}, []
    klass, bounds = classes(np.array(list(values.values()), dtype=float))
    offset = len(palette) - len(bounds)  # fewer classes take the darker end of the scheme
    lowers = [min(values.values()), *bounds[:-1]]
    legend = [(lo, hi, palette[i + offset]) for i, (lo, hi) in enumerate(zip(lowers, bounds))]
    return {a: palette[int(c) + offset] for a, c in zip(values, klass)}, legend


def class_label(lower: float, upper: float, decimals: int, lang: str) -> str:
    """A class's range in the legend: ``3,7 – 4,2``."""
    return f"{format_number(lower, decimals, lang)} – {format_number(upper, decimals, lang)}"
