"""The portal's figures as SVG files (``svg``), each with its alt text generated from the
data it shows: which area is highest and lowest, where the Land and Germany stand, how each
area developed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalogue import Indicator
from ..fileio import write_text
from ..formatting import format_value, unit_label
from ..texts import text
from . import svg
from .values import is_valued

MAX_LABELLED = 40  # up to this many areas the chart names each one; beyond, a profile
MAX_PANELS = 12


def _fmt(ind: Indicator, value: float, lang: str) -> str:
    return format_value(value, "ok", ind.unit, lang, with_unit=True)


def comparison(
    rows: pd.DataFrame,
    ind: Indicator,
    lang: str,
    by_value: bool,
    level_label: str,
    note: str,
    path: Path,
) -> str:
    """All areas of one level in the indicator's portal year, the Land and Germany as
    reference lines. Up to ``MAX_LABELLED`` areas: one labelled dot each, ordered by value
    (``by_value``, most favourable first) or by name; more: the sorted values as a profile
    without names (the table beside it names them). ``rows`` has at least one valued area."""
    areas = rows[~rows["reference"] & is_valued(rows["status"])]
    refs = rows[rows["reference"] & is_valued(rows["status"])]
    year = int(rows["year"].max())
    labelled = len(areas) <= MAX_LABELLED
    if labelled and not by_value:
        d = areas.sort_values("name")
    else:
        d = areas.sort_values("value", ascending=ind.direction == "lower_is_better" and labelled)
    title = f"{ind.text('name', lang)}, {year}"
    chart = svg.comparison(
        d["name"].tolist(),
        d["value"].astype(float).tolist(),
        [(r.name, float(r.value), r.level) for r in refs.itertuples()],
        f"{ind.text('name', lang)} ({unit_label(ind.unit, lang)})",
        title,
        note,
        lang,
        zero=ind.unit == "percent",
        labelled=labelled,
        area_label=level_label,
        profile_label=text("portal_profile_axis", lang, n=len(d)),
    )
    write_text(path, chart)
    return _comparison_alt(areas, refs, ind, lang, title)


def _comparison_alt(areas, refs, ind, lang, title) -> str:
    high = areas.loc[areas["value"].idxmax()]
    low = areas.loc[areas["value"].idxmin()]
    alt = text(
        "describe_ranking",
        lang,
        title=title,
        n=len(areas),
        high=high["name"],
        high_value=_fmt(ind, high["value"], lang),
        low=low["name"],
        low_value=_fmt(ind, low["value"], lang),
    )
    marks = [f"{r.name}: {_fmt(ind, r.value, lang)}" for r in refs.itertuples()]
    if marks:
        alt += " " + text("portal_alt_references", lang, refs="; ".join(marks))
    return alt


def series(
    history: pd.DataFrame,
    ind: Indicator,
    panels: list[tuple[str, str]],
    reference: tuple[str, str] | None,
    lang: str,
    note: str,
    path: Path,
) -> str:
    """One small panel per area of ``panels`` ((id, name), at most ``MAX_PANELS``): its
    total over the years, with the ``reference`` area's line (the Land) in every panel and
    the same axes everywhere."""
    valued = history[is_valued(history["status"])].sort_values("year")
    by_area = {a: d for a, d in valued.groupby("area_id")}

    def line(area_id):
        d = by_area.get(area_id)
        if d is None:
            return [], []
        return d["year"].astype(int).tolist(), d["value"].astype(float).tolist()

    shown = [(name, *line(a)) for a, name in panels[:MAX_PANELS]]
    ref = (reference[1], *line(reference[0])) if reference else None
    title = f"{ind.text('name', lang)} ({unit_label(ind.unit, lang)})"
    write_text(
        path,
        svg.small_multiples(
            shown, ref, title, note, lang, ind.unit == "percent", text("portal_series_area", lang)
        ),
    )
    described = [
        f"{name}: {_fmt(ind, vs[0], lang)} ({ys[0]}) → {_fmt(ind, vs[-1], lang)} ({ys[-1]})"
        for name, ys, vs in shown
        if len(ys) >= 2
    ]
    head = text("portal_alt_series", lang, name=ind.text("name", lang), n=len(shown))
    return f"{head} " + "; ".join(described) + "."
