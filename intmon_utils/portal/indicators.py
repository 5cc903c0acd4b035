"""One page per indicator: its definition from the catalogue, then per area level a chart of
every area, a sortable table with downloads, and the development over time.

Areas are compared only within their level; the Land and Germany stand beneath each table as
reference rows (never ranked). Whether the areas are ranked is the working group's choice
(``portal.ranking``): with it the table gets a rank column (1 = most favourable by the
indicator's direction) and the chart orders the areas by value; without it both are in
alphabetical order.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalogue import Indicator, load_catalogue
from ..catalogue_doc import entries as catalogue_entries
from ..catalogue_doc import field_labels
from ..fileio import write_text
from ..formatting import UNIT_DECIMALS, format_number, format_value, legend, unit_label
from ..statuses import VALUED_INDICATORS
from ..vocabulary import load_vocabulary
from . import downloads, figures, maps
from .site import Site
from .values import compared_group, is_valued, ranks

FOLDER = "indicators"
LEVEL_ORDER = ("state", "district", "municipality", "subdistrict")


def page_path(ind_id: str) -> str:
    """The indicator's page, relative to the year folder."""
    return f"{FOLDER}/{ind_id}.html"


def _num(value, decimals: int, lang: str, sign: bool = False) -> tuple[str, str]:
    """(shown text, sort key) of a plain number; ``.`` when there is none."""
    if value is None or pd.isna(value):
        return ".", ""
    return format_number(float(value), decimals, lang, sign=sign), repr(float(value))


def _derived(value, status, ind: Indicator, lang: str) -> tuple[str, str]:
    """(text, sort key) of a gap or change: a signed number, or the symbol of its input."""
    shown = format_value(
        value, status if isinstance(status, str) else "missing_input", ind.unit, lang, sign=True
    )
    valued = status in VALUED_INDICATORS and not pd.isna(value)
    return shown, repr(float(value)) if valued else ""


class Columns:
    """The columns of an indicator's comparison table (labels, numeric or not)."""

    def __init__(self, site: Site, ind: Indicator, ranked: bool):
        vocab = load_vocabulary()
        self.ind, self.site, self.ranked = ind, site, ranked
        group = compared_group(ind)
        self.gap = (
            site.t(
                "portal_column_gap",
                group=vocab.label("group", group, site.lang),
                reference=vocab.label("group", ind.reference_group, site.lang),
            )
            if group
            else None
        )
        labels = [
            *([site.t("portal_column_rank")] if ranked else []),
            site.t("page_area"),
            site.t("portal_column_ags"),
            site.t("portal_column_value", unit=unit_label(ind.unit, site.lang)),
            site.t("portal_column_numerator"),
            site.t("portal_column_denominator"),
            *([self.gap] if self.gap else []),
            site.t("portal_column_change", years=1),
            site.t("portal_column_change", years=5),
        ]
        text_columns = 3 if ranked else 2
        self.header = [
            {"label": label, "numeric": i >= text_columns or (ranked and i == 0)}
            for i, label in enumerate(labels)
        ]

    def cells(self, r, rank) -> list[dict]:
        """One row's cells: text, sort key, numeric or not, row header, link."""
        lang, ind = self.site.lang, self.ind
        valued = r.status in VALUED_INDICATORS
        shown = []
        if self.ranked:
            shown.append(("", "") if rank is None or pd.isna(rank) else (str(rank), str(rank)))
        shown += [
            (r.name, r.name),
            (r.area_id, r.area_id),
            (
                format_value(r.value, r.status, ind.unit, lang),
                repr(float(r.value)) if valued else "",
            ),
            _num(r.numerator if valued else None, 0, lang),
            _num(r.denominator if valued else None, 0, lang),
        ]
        if self.gap:
            shown.append(_derived(r.gap, r.gap_status, ind, lang))
        shown.append(_derived(r.change_1, r.change_1_status, ind, lang))
        shown.append(_derived(r.change_5, r.change_5_status, ind, lang))
        name_at = 1 if self.ranked else 0
        return [
            {
                "text": text_,
                "sort": sort,
                "num": column["numeric"],
                "header": k == name_at,
                "href": f"../{r.area_id}/index.html" if k == name_at and not r.reference else None,
            }
            for k, ((text_, sort), column) in enumerate(zip(shown, self.header))
        ]


def _table_rows(block: pd.DataFrame, columns: Columns, direction: str) -> tuple[list, list]:
    """(rows of the areas, rows of the references) as cells."""
    areas = block[~block["reference"]].copy()
    areas["rank"] = ranks(areas, direction) if columns.ranked else None
    order = ["rank", "name"] if columns.ranked else ["name"]
    areas = areas.sort_values(order, na_position="last")
    body = [columns.cells(r, r.rank) for r in areas.itertuples()]
    refs = block[block["reference"]].sort_values("level", key=lambda s: s.map(LEVEL_ORDER.index))
    foot = [columns.cells(r, None) for r in refs.itertuples()]
    return body, foot


def write_pages(
    site: Site,
    comp: pd.DataFrame,
    history: pd.DataFrame,
    panels: list[tuple[str, str]],
    land: tuple[str, str] | None,
    year_dir: Path,
    boundaries: dict,
) -> list[dict]:
    """Every indicator's page (and its figures, maps and downloads); returns, per
    indicator, what the start page lists: id, name, topic and link. ``boundaries``: level
    -> (shapes, credit line) of the levels with stored geometry."""
    folder = year_dir / FOLDER
    labels = field_labels(site.lang)
    definitions = catalogue_entries(site.lang).set_index(labels[0])
    listed = []
    for ind in load_catalogue():
        note = site.figure_note(ind.text("source", site.lang))
        rows = comp[comp["indicator_id"] == ind.id]
        blocks = []
        levels = [lv for lv in LEVEL_ORDER if (rows["level"].eq(lv) & ~rows["reference"]).any()]
        for level in levels:
            block = rows[(rows["level"].eq(level) & ~rows["reference"]) | rows["reference"]]
            blocks.append(_block(site, ind, level, block, folder, note, boundaries.get(level)))
        series = None
        mine = history[history["indicator_id"] == ind.id]
        if not mine.empty and panels:
            path = folder / f"{ind.id}_series.svg"
            alt = figures.series(mine, ind, panels, land, site.lang, note, path)
            series = {"src": path.name, "alt": alt}
        definition = definitions.loc[ind.id]
        site.write(
            "indicator.html",
            year_dir / page_path(ind.id),
            root="../",
            current="",
            ind={
                "id": ind.id,
                "name": ind.text("name", site.lang),
                "description": ind.text("description", site.lang),
            },
            fields=[(k, str(definition[k])) for k in labels[2:] if k in definition],
            blocks=blocks,
            series=series,
            legend=legend(site.lang),
            lookback_note=site.t("portal_no_values", year=site.year) if not blocks else "",
        )
        listed.append(
            {
                "id": ind.id,
                "topic": ind.topic,
                "name": ind.text("name", site.lang),
                "href": page_path(ind.id),
                "has_values": bool(blocks),
            }
        )
    return listed


def _block(
    site: Site,
    ind: Indicator,
    level: str,
    block: pd.DataFrame,
    folder: Path,
    note: str,
    boundaries: tuple | None,
) -> dict:
    """One level's chart, map, table and downloads."""
    vocab = load_vocabulary()
    ranked = site.settings.ranking
    columns = Columns(site, ind, ranked)
    body, foot = _table_rows(block, columns, ind.direction)
    stem = f"{ind.id}_{level}"
    level_label = vocab.label("area_level", level, site.lang)
    chart = None
    if (is_valued(block["status"]) & ~block["reference"].to_numpy()).any():
        path = folder / f"{stem}.svg"
        alt = figures.comparison(block, ind, site.lang, ranked, level_label, note, path)
        chart = {"src": path.name, "alt": alt}
    files = downloads.write_table(downloads.machine_rows(block), folder / stem)
    year = int(block["year"].max())
    the_map = _map(site, ind, block, boundaries, folder / f"{stem}_map.svg", note, year)
    return {
        "id": level,
        "title": site.t("portal_level_heading", level=level_label, n=len(body)),
        "caption": site.t(
            "portal_table_caption", name=ind.text("name", site.lang), level=level_label, year=year
        ),
        "chart": chart,
        "map": the_map,
        "no_values": site.t("portal_level_no_values", level=level_label, year=year),
        "header": columns.header,
        "body": body,
        "foot": foot,
        "downloads": downloads.links(site, files),
    }


def _map(site: Site, ind: Indicator, block: pd.DataFrame, boundaries, path: Path, note, year):
    """The level's choropleth, when boundaries of the level are stored and at least two
    different values can be compared: the areas of the block (not the references) with
    their shapes; those without a shape are named."""
    if boundaries is None:
        return None
    shapes, credit = boundaries
    areas = block[~block["reference"]]
    valued = is_valued(areas["status"])
    values = {
        a: (float(v) if ok else None) for a, v, ok in zip(areas["area_id"], areas["value"], valued)
    }
    names = dict(zip(areas["area_id"], areas["name"]))
    drawn = set(shapes["area_id"]) & set(values)
    if len({values[a] for a in drawn} - {None}) < 2:
        return None  # nothing to compare on a map (the section says why there is no value)
    title = f"{ind.text('name', site.lang)}, {year}"
    svg_text, alt = maps.choropleth(
        shapes,
        values,
        names,
        ind.direction,
        title,
        note,
        credit,
        UNIT_DECIMALS.get(ind.unit, 1),
        site.lang,
    )
    write_text(path, svg_text)
    missing = sorted(names[a] for a in set(values) - drawn)
    return {
        "src": path.name,
        "alt": alt,
        "without": site.t("portal_map_without_shape", areas=", ".join(missing)) if missing else "",
    }
