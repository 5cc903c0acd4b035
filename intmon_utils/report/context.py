"""The report context: parameters, the published tables of one area and shared helpers.

A :class:`ReportContext` is made once per notebook. It loads the published tables (cached
Parquet files) for the area, its sub-areas and its comparison areas, picks the indicators of
the topic, and offers what every section needs: texts in the report's language, vocabulary
labels, formatted values, cell lookups, the latest year per indicator, changes and gaps, and
writing of CSV tables and figures to the output folder.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import matplotlib
import pandas as pd

from .. import comparisons, plotting
from ..catalogue import load_catalogue
from ..cellsafety import neutralise_frame
from ..config.parameters import Parameters
from ..disclosure.policy import workspace_policy
from ..fileio import atomic_path, digest
from ..formatting import SEPARATORS, SHOWN_NUMBER, format_value, parse_shown, unit_suffix
from ..published import cache_key, load
from ..statuses import INDICATOR_SYMBOLS, VALUED_INDICATORS, VALUED_OBSERVATIONS
from ..store import ObservationStore
from ..subareas import choose
from ..texts import text
from ..topics import OVERVIEW, TOPICS
from ..vocabulary import load_vocabulary
from . import html, selection
from .commentary import Commentary, read_commentary

SYMBOLS = frozenset(INDICATOR_SYMBOLS.values()) | {"-"}  # with "": a cell left empty
LOOKBACK = 6  # years: covers the longest regular cycle (municipal elections in some Länder)


class ReportContext:
    """Everything the sections of one municipality × topic report read."""

    def __init__(
        self,
        params: Parameters,
        topic: str,
        data_dir: str | Path,
        output_dir: str | Path,
        project_dir: str | Path = ".",
    ):
        self.params, self.topic = params, topic
        self.lang = params.language
        self.area_id, self.year = params.area_id, params.year
        self.project_dir = Path(project_dir)
        self.output_dir = Path(output_dir)
        self.store = ObservationStore(data_dir)
        self.policy = workspace_policy(params.parameter_file.parent, self.store.read_areas())
        published = load(self.store, self.policy)
        self.areas = published.areas.copy()
        self.names = self.areas.set_index("area_id")["name"].to_dict()
        self.land = comparisons.land_of(self.area_id, self.areas)
        # only the rows this report can show: the area, the areas below it, its comparisons
        self.compared = comparisons.comparison_areas(self.area_id, self.areas, params.peers)
        self.shown = comparisons.report_areas(self.area_id, self.areas, params.peers)
        self.observations, self.table = published.for_areas(self.shown)
        # the sub-area level of the spatial sections (parameters, else the finest complete)
        valued = self.observations["status"].isin(VALUED_OBSERVATIONS)
        self.subarea_level = choose(
            self.area_id,
            self.areas,
            set(self.observations.loc[valued, "area_id"]),
            params.subarea_level,
        )
        self.subareas = list(self.subarea_level.area_ids) if self.subarea_level else []
        self.name = params.name or self.names.get(self.area_id, self.area_id)
        self.catalogue = load_catalogue()
        self.vocab = load_vocabulary()
        self.synthetic = bool(self.areas["synthetic"].any())
        self.indicators = topic_indicators(self.catalogue, topic, params.indicators.exclude)
        ids = {i.id for i in self.indicators}
        self.mine = self.table[
            (self.table["area_id"] == self.area_id) & self.table["indicator_id"].isin(ids)
        ]
        self.parent_with_data = _parent_with_data(self, published, ids)
        plotting.set_theme()

    def none_available(self) -> str:
        """Why a section of this topic is empty: nothing for this area in the reporting year,
        and, where the data are published one level up (school statistics per Kreis), where."""
        if self.parent_with_data:
            parent = f"{self.names.get(self.parent_with_data, '')} ({self.parent_with_data})"
            return self.t("report_none_available_see_parent", name=self.name, parent=parent)
        return self.t("report_none_available", name=self.name, year=self.year)

    @cached_property
    def interpretations(self) -> Commentary:
        """The working group's ``<topic>.md``, split into the topic's text and the blocks
        attached to sections and indicators."""
        return read_commentary(self.params.commentary_dir, self.topic, self.topic)

    # -- texts and labels ---------------------------------------------------------------
    def t(self, key: str, **values) -> str:
        """The report text ``key`` in the report's language."""
        return text(key, self.lang, **values)

    def label(self, kind: str, key: str) -> str:
        """Vocabulary label of a variable, group, sex, age band or area level."""
        return self.vocab.label(kind, key, self.lang)

    def ind_name(self, ind) -> str:
        return ind.text("name", self.lang)

    def fmt(self, ind, value, status, **kw) -> str:
        """An indicator value formatted in its unit (or its status symbol)."""
        return format_value(value, status, ind.unit, self.lang, **kw)

    def fmt_difference(self, ind, value, status, sign: bool = True) -> str:
        """A difference of two values (a gap, a change, a gap target): with its sign, and in
        percentage points (``Pp.``) for shares."""
        shown = self.fmt(ind, value, status, sign=sign)
        if ind.unit == "percent" and status in VALUED_INDICATORS:
            shown += unit_suffix("percentage_points", self.lang)
        return shown

    def inputs(self, detail: str) -> str:
        """``unemployed:15-24+population:total`` -> readable labels of the inputs."""
        parts = []
        for item in filter(None, detail.split("+")):
            variable, _, age = item.partition(":")
            parts.append(
                self.label("variable", variable)
                + (f" ({self.label('age', age)})" if age not in ("", "total") else "")
            )
        return ", ".join(parts)

    # -- values -------------------------------------------------------------------------
    @cached_property
    def cells(self) -> dict:
        return selection.cell_index(self.table)

    def cell(
        self,
        ind_id: str,
        group: str,
        year: int | None = None,
        area: str | None = None,
        sex: str = "total",
    ) -> tuple[float, str]:
        """(value, status) of one cell; ``missing_input`` where the table has no row."""
        key = (ind_id, area or self.area_id, int(year or self.year), group, sex)
        return self.cells.get(key, selection.MISSING_CELL)

    @cached_property
    def latest(self) -> dict[str, int]:
        """Per indicator: the latest year up to the reporting year (at most LOOKBACK years
        back) with a value for the area. Elections and surveys are not annual: a report for
        2024 shows the federal election of 2021 and the survey of 2023, with their year."""
        return selection.latest_years(self.mine, self.year, LOOKBACK)

    def available(self, ind) -> bool:
        return ind.id in self.latest

    @cached_property
    def changes(self) -> pd.DataFrame:
        return comparisons.changes(self.mine)

    @cached_property
    def gaps(self) -> pd.DataFrame:
        """Gaps between groups for every indicator of the area (goals may use any topic)."""
        return comparisons.gaps(self.table[self.table["area_id"] == self.area_id], self.catalogue)

    # -- output files -------------------------------------------------------------------
    def write_csv(self, df: pd.DataFrame, name: str) -> Path:
        """Write the table shown as ``tables/<topic>_<name>.csv`` for Excel: ``;``, UTF-8
        with a byte-order mark (umlauts), numbers as numbers (:func:`excel_numbers`), no
        text that Excel would run as a formula (``cellsafety``)."""
        path = self.output_dir / "tables" / f"{self.topic}_{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        out = excel_numbers(df, self.lang)
        if self.synthetic:
            out["data_origin"] = self.t("report_data_origin")
        with atomic_path(path) as tmp:
            neutralise_frame(out).to_csv(tmp, index=False, sep=";", encoding="utf-8-sig")
        return path

    @cached_property
    def sources(self) -> list[str]:
        """The sources of the data of the area and its sub-areas."""
        used = self.observations[self.observations["area_id"].isin([self.area_id, *self.subareas])]
        return sorted(used["source"].dropna().unique())

    def figure_note(self, years: str = "") -> str:
        """The line above every figure: area, years, sources and the synthetic mark."""
        sources = ", ".join(self.sources)
        parts = [f"{self.name} ({self.area_id})", years, f"{self.t('report_sources')}: {sources}"]
        if self.synthetic:
            parts.append(self.t("report_figure_synthetic"))
        return " · ".join(p for p in parts if p)

    def figure(
        self, fig, name: str, alt: str, data: pd.DataFrame | None = None, years: str = ""
    ) -> tuple[str, list[Path]]:
        """Write the figure to ``figures/<topic>_<name>.*`` in the report's number format and
        with its note (area, ``years``, sources, synthetic mark); return its ``<img>`` (with
        ``alt``), followed by the table of ``data`` in a disclosure element when given, and
        its files."""
        plotting.localise(fig, self.lang)
        plotting.caption(fig, self.figure_note(years))
        img, files = plotting.publish(
            fig,
            self.output_dir / "figures" / f"{self.topic}_{name}",
            alt,
            tuple(self.params.figure_formats),
            key=digest(self.figure_key, name),
        )
        if data is not None and not data.empty:
            img += html.figure_data(self.t("report_figure_data"), html.table(data, self.lang))
        return img, files

    @cached_property
    def figure_key(self) -> str:
        """What every figure of this report is drawn from: the published tables (data, code,
        thresholds), the merged parameters, the topic and the plotting library."""
        return digest(
            cache_key(self.store),
            self.policy.key(),
            self.params.model_dump_json(),
            self.area_id,
            self.topic,
            matplotlib.__version__,
        )


def excel_numbers(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table as shown, with each column of formatted numbers written as plain numbers a
    spreadsheet reads as such (``1234,5`` in German: decimal comma, no thousands separator,
    no unit); the unit moves into the column's name (``Wert (%)``), or into a column of its
    own where the units differ, and what follows a number (a confidence interval, a
    footnote mark) into a note column. Symbols (``.``, ``-``, ``x``, ``/``, ``...``) stay."""
    out = {}
    for column in df.columns:
        cells = df[column].astype(object).where(df[column].notna(), ".").astype(str).str.strip()
        parsed = [parse_shown(c, lang) for c in cells]
        numbers = [p[0] is not None for p in parsed]
        if not any(numbers) or not all(n or c in SYMBOLS for n, c in zip(numbers, cells)):
            out[column] = df[column]
            continue
        units = {u for (v, u, _) in parsed if v is not None}
        plain = [_plain(c, lang) if v is not None else c for (v, _, _), c in zip(parsed, cells)]
        unit = units.pop() if len(units) == 1 else None
        out[f"{column} ({unit})" if unit else column] = plain
        if unit is None and units:
            out[f"{column}: {text('report_unit', lang)}"] = [u for _, u, _ in parsed]
        if any(note for _, _, note in parsed):
            out[f"{column}: {text('report_note', lang)}"] = [note for _, _, note in parsed]
    return pd.DataFrame(out)


def _plain(cell: str, lang: str) -> str:
    """The number of a shown cell with its decimals as shown, without sign ``+``, thousands
    separator, unit or note: ``'+1.234,50 %'`` -> ``'1234,50'``."""
    number = SHOWN_NUMBER.match(cell).group(0).split()[0]
    for unit in ("%", "‰", "m²", "Pp.", "pp"):
        number = number.removesuffix(unit)
    return number.lstrip("+").replace("−", "-").replace(SEPARATORS[lang][0], "")


def _parent_with_data(ctx: ReportContext, published, indicator_ids) -> str | None:
    """The register parent of the area if the area has no value of the topic and the parent
    has (its report is where a reader finds them)."""
    if ctx.mine["status"].isin(VALUED_INDICATORS).any():
        return None
    parent = ctx.areas.loc[ctx.areas["area_id"] == ctx.area_id, "parent_id"]
    if parent.empty or not parent.iloc[0]:
        return None
    _, rows = published.for_areas([parent.iloc[0]])
    mine = rows[rows["indicator_id"].isin(indicator_ids)]
    return parent.iloc[0] if mine["status"].isin(VALUED_INDICATORS).any() else None


def topic_indicators(catalogue, topic: str, excluded) -> list:
    """The indicators of a topic report; the overview shows the key figures of every topic."""
    excluded = set(excluded)
    topics = TOPICS if topic == OVERVIEW else (topic,)
    return [
        i
        for i in catalogue
        if i.topic in topics and i.id not in excluded and (topic != OVERVIEW or i.key_figure)
    ]
