"""What the notebooks call: each method returns a ``Section`` that renders as HTML.

A notebook cell is one line, e.g. ``report.key_figures()``. The section shows a table or a
figure with German (or English) labels and status symbols, writes the same content to
``tables/*.csv`` and ``figures/*.png|svg`` in the output folder, and says plainly when
something is not available and why.
"""

from __future__ import annotations

import html
import os
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import comparisons, methods, plotting
from .catalogue import TOPIC_LABELS, TOPICS, load_catalogue
from .catalogue_doc import formula
from .fileio import atomic_path
from .formatting import LEGEND, UNIT_LABEL, format_value
from .indicators import VALUED_STATUSES
from .errors import ParameterError
from .parameters import load_parameters, thresholds
from .published import load
from .spatial import subarea_counts
from .store import ObservationStore
from .vocabulary import load_vocabulary

T = {  # report texts
    "title": {"de": "Integrationsmonitoring {name} {year}", "en": "Integration monitoring {name} {year}"},
    "synthetic": {"de": "SYNTHETISCHE DEMODATEN: Alle Zahlen dieses Berichts sind erfunden "
                        "(intmon-Demogenerator) und beschreiben keine reale Kommune.",
                  "en": "SYNTHETIC DEMO DATA: every number in this report is invented (intmon "
                        "demo generator) and describes no real municipality."},
    "key_figures": {"de": "Kennzahlen", "en": "Key figures"},
    "time_series": {"de": "Entwicklung im Zeitverlauf", "en": "Change over time"},
    "comparison": {"de": "Vergleich mit Land, Deutschland und Vergleichskommunen",
                   "en": "Comparison with the Land, Germany and peers"},
    "subdistricts": {"de": "Kleinräumige Unterschiede", "en": "Differences between sub-districts"},
    "goals": {"de": "Ziele", "en": "Goals"},
    "commentary": {"de": "Interpretation und qualitative Befunde",
                   "en": "Interpretation and qualitative findings"},
    "availability": {"de": "Datenverfügbarkeit", "en": "Data availability"},
    "methods": {"de": "Methoden und Quellen", "en": "Methods and sources"},
    "indicator": {"de": "Indikator", "en": "Indicator"},
    "group": {"de": "Gruppe", "en": "Group"},
    "change1": {"de": "Veränderung zum Vorjahr", "en": "Change on previous year"},
    "change5": {"de": "Veränderung in 5 Jahren", "en": "Change over 5 years"},
    "gap": {"de": "Abstand {a} – {b}", "en": "Gap {a} – {b}"},
    "numerator": {"de": "Zähler", "en": "Numerator"},
    "denominator": {"de": "Nenner", "en": "Denominator"},
    "unit": {"de": "Einheit", "en": "Unit"},
    "none_available": {"de": "Für {name} ist in diesem Themenfeld {year} kein Indikator verfügbar. "
                             "Gründe stehen im Abschnitt Datenverfügbarkeit.",
                       "en": "No indicator of this topic is available for {name} in {year}. "
                             "See the data availability section for the reasons."},
    "no_subdistricts": {"de": "Für {name} liegen keine kleinräumigen Daten (Stadtteile) vor: "
                              "{why}",
                        "en": "No sub-district data exist for {name}: {why}"},
    "no_subdistricts_why": {"de": "Das Gebiet ist nicht in Stadtteile gegliedert, oder die "
                                  "Stadtteildaten wurden nicht geliefert.",
                            "en": "the area has no sub-districts in the register, or their data "
                                  "were not delivered."},
    "by_sex": {"de": "Frauen und Männer", "en": "Women and men"},
    "no_by_sex": {"de": "Für {name} liegen diese Indikatoren nicht nach Geschlecht vor.",
                  "en": "These indicators are not available by sex for {name}."},
    "relation": {"de": "Zusammenhang in den Teilgebieten: {y} und {x}",
                 "en": "Relation across sub-areas: {y} and {x}"},
    "no_relation": {"de": "Für einen Zusammenhang fehlen Werte für mindestens drei Teilgebiete von {name}.",
                    "en": "At least three sub-areas of {name} with values are needed for a relation."},
    "relation_note": {"de": "{n} Teilgebiete, Stand {year}; Korrelationskoeffizient r = {r}. Ein "
                            "Zusammenhang zwischen Gebieten erlaubt keinen Schluss auf Personen "
                            "(ökologischer Fehlschluss).",
                      "en": "{n} sub-areas, {year}; correlation coefficient r = {r}. A relation "
                            "between areas says nothing about individuals (ecological fallacy)."},
    "gap_overview": {"de": "Abstände zwischen den Gruppen im Überblick",
                     "en": "Gaps between groups at a glance"},
    "gap_axis": {"de": "Abstand in Prozentpunkten", "en": "Gap in percentage points"},
    "no_goals": {"de": "Für dieses Themenfeld hat die Arbeitsgruppe keine Ziele festgelegt "
                       "(Schlüssel 'targets' in der Parameterdatei).",
                 "en": "The working group has set no goals for this topic ('targets' in the "
                       "parameter file)."},
    "no_commentary": {"de": "Noch keine Interpretation hinterlegt. Die Arbeitsgruppe ergänzt "
                            "sie in {path}.",
                      "en": "No interpretation yet. The working group adds it in {path}."},
    "available": {"de": "verfügbar", "en": "available"},
    "groups_missing": {"de": "Gruppen fehlen ({groups}): {why}",
                       "en": "groups missing ({groups}): {why}"},
    "not_available_because": {"de": "nicht verfügbar für {name}: {why}",
                              "en": "not available for {name}: {why}"},
    "disclosure": {"de": "Geheimhaltung: Fallzahlen von 1 bis {k} werden gesperrt (.), dazu "
                         "weitere Felder, wo eine gesperrte Zahl sonst aus Summen "
                         "zurückgerechnet werden könnte (sekundäre Sperrung). {n} Werte dieses "
                         "Gebiets sind betroffen.",
                   "en": "Disclosure control: counts from 1 to {k} are suppressed (.), plus "
                         "further cells wherever a suppressed count could otherwise be recovered "
                         "from totals (secondary suppression). {n} values of this area are "
                         "affected."},
    "sources": {"de": "Datenquellen", "en": "Data sources"},
    "as_of": {"de": "Stand", "en": "Year"},
    "value": {"de": "Wert", "en": "Value"},
    "available_as_of": {"de": "verfügbar (Stand {year})", "en": "available (as of {year})"},
    "peer_mean": {"de": "Mittelwert Vergleichskommunen", "en": "Peer mean"},
    "peer_rank": {"de": "Rang", "en": "Rank"},
    "rank_note": {"de": "Rang unter dem Gebiet und seinen Vergleichskommunen: 1 = günstigster Wert "
                        "nach der Richtung des Indikators (bei neutralen Indikatoren: höchster Wert).",
                  "en": "Rank among the area and its peers: 1 = most favourable value given the "
                        "indicator's direction (neutral indicators: highest value)."},
    "trend": {"de": "Trend (5 Jahre)", "en": "Trend (5 years)"},
    "small_numbers": {"de": "¹ Der Wert beruht auf weniger als {n} Personen im Nenner und "
                            "schwankt zufällig stark.",
                      "en": "¹ The value rests on fewer than {n} persons in the denominator and "
                            "varies strongly by chance."},
    "segregation": {"de": "Residentielle Segregation (Ausländerinnen und Ausländer)",
                    "en": "Residential segregation (foreign nationals)"},
    "no_segregation": {"de": "Für {name} fehlen die Bevölkerungszahlen nach Staatsangehörigkeit "
                             "für mindestens zwei Teilgebiete.",
                       "en": "Population by nationality is missing for at least two sub-areas of "
                             "{name}."},
    "segregation_note": {"de": "D: Dissimilaritätsindex Ausländer/Deutsche (Anteil, der umziehen "
                               "müsste, damit beide Gruppen gleich verteilt sind); IS: "
                               "Segregationsindex Ausländer/übrige Bevölkerung; Isolation: Anteil "
                               "der Ausländer in der Nachbarschaft eines durchschnittlichen "
                               "Ausländers; Konzentration: Anteil der Ausländer in Teilgebieten "
                               "mit mindestens doppeltem Ausländeranteil. Werte hängen von Zahl und "
                               "Größe der Teilgebiete ab: nur bei gleicher Gebietsgliederung "
                               "vergleichen.",
                         "en": "D: index of dissimilarity foreign/German (share that would have to "
                               "move for an even distribution); IS: segregation index foreign/rest "
                               "of the population; isolation: share of foreign nationals in the "
                               "neighbourhood of an average foreign national; concentration: share "
                               "of foreign nationals living in sub-areas with at least twice the "
                               "overall share. Values depend on the number and size of the "
                               "sub-areas: compare only on the same layout."},
    "units_label": {"de": "Teilgebiete (ohne Werte)", "en": "Sub-areas (without values)"},
    "standardised": {"de": "Altersstandardisierter Vergleich: {name}",
                     "en": "Age-standardised comparison: {name}"},
    "no_standardised": {"de": "Für {name} fehlen die Altersgruppen ({bands}), die eine "
                              "Standardisierung braucht.",
                        "en": "The age bands ({bands}) needed for standardisation are missing "
                              "for {name}."},
    "standardised_note": {"de": "Direkte Standardisierung: die altersspezifischen Quoten jeder "
                                "Gruppe ({bands}) werden mit der Altersstruktur der "
                                "Gesamtbevölkerung des Gebiets gewichtet. So wird eine jüngere "
                                "Gruppe nicht allein wegen ihres Alters anders bewertet.",
                          "en": "Direct standardisation: each group's age-specific rates "
                                "({bands}) are weighted with the age structure of the area's "
                                "total population, so a younger group is not judged differently "
                                "because of its age alone."},
    "reference_dates": {"de": "Stichtage und Zeiträume", "en": "Reference dates and periods"},
    "suppressed_values": {"de": "Gesperrte Werte {year}", "en": "Suppressed values {year}"},
    "no_suppressed": {"de": "Im Berichtsjahr ist kein Wert dieses Gebiets gesperrt.",
                      "en": "No value of this area is suppressed in the reporting year."},
}
DIRECTION_BETTER = {"higher_is_better": True, "lower_is_better": False, "neutral": None}
TREND_LABELS = {"rising": {"de": "steigend", "en": "rising"},
                "falling": {"de": "fallend", "en": "falling"},
                "stable": {"de": "stabil", "en": "stable"},
                "insufficient": {"de": "zu wenige Werte", "en": "too few values"}}
SMALL_DENOMINATOR = 50
LOOKBACK = 6  # years: covers the longest regular cycle (municipal elections in some Länder)
GOAL_STATES = {
    "reached": {"de": "erreicht", "en": "reached"},
    "on_track": {"de": "auf Kurs", "en": "on track"},
    "off_track": {"de": "nicht auf Kurs", "en": "off track"},
    "no_data": {"de": "keine Daten", "en": "no data"},
}
REASONS = {
    "missing_numerator": {"de": "Die Daten für den Zähler ({detail}) liegen für dieses Gebiet nicht vor.",
                          "en": "The data for the numerator ({detail}) do not exist for this area."},
    "missing_denominator": {"de": "Die Daten für den Nenner ({detail}) liegen für dieses Gebiet nicht vor.",
                            "en": "The data for the denominator ({detail}) do not exist for this area."},
    "secret_source": {"de": "Die Quelle hält den Wert geheim (.).",
                      "en": "The source keeps the value confidential (.)."},
    "secret_primary": {"de": "Die Fallzahl liegt unter der Geheimhaltungsschwelle.",
                       "en": "The count is below the disclosure threshold."},
    "secret_secondary": {"de": "Der Wert ist gesperrt, damit kleine Fallzahlen nicht zurückgerechnet werden können.",
                         "en": "The value is suppressed so that small counts cannot be recovered."},
    "zero_denominator": {"de": "Der Nenner ist null.", "en": "The denominator is zero."},
    "not_yet_available": {"de": "Die Angabe fällt später an (...).",
                          "en": "The value is not yet available (...)."},
    "uncertain": {"de": "Der Wert ist nicht sicher genug (/).",
                  "en": "The value is not reliable enough (/)."},
    "not_meaningful": {"de": "Eine Angabe ist nicht sinnvoll (x).",
                       "en": "A value would not be meaningful (x)."},
    "too_few_cases": {"de": "Der Anteil beruht auf zu wenigen Befragten.",
                      "en": "The share rests on too few respondents."},
    "": {"de": "Es liegen keine Daten vor.", "en": "No data exist."},
}
STYLE = """<style>
.intmon-table {border-collapse: collapse; font-size: 0.9em}
.intmon-table th, .intmon-table td {text-align: left !important; padding: 3px 8px;
  vertical-align: top}
.intmon-table td + td + td {text-align: right !important; white-space: nowrap}
.intmon-gap {color: #8a4b00}
</style>"""


@dataclass
class Section:
    """One report section: a heading, HTML body, and the data behind it."""

    title: str
    body: str
    data: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)
    level: int = 2

    def _repr_html_(self) -> str:
        return f"<h{self.level}>{html.escape(self.title)}</h{self.level}>\n{self.body}"


def _table_html(df: pd.DataFrame, lang: str) -> str:
    table = df.to_html(index=False, escape=True, border=0, classes="intmon-table", na_rep=".")
    return table + f'<p class="intmon-legend"><small>{html.escape(LEGEND[lang])}</small></p>'


def _p(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{html.escape(text)}</p>' if cls else f"<p>{html.escape(text)}</p>"


class Report:
    """All sections of one municipality × topic report."""

    def __init__(self, params: dict, topic: str, data_dir: str | Path, output_dir: str | Path,
                 project_dir: str | Path = "."):
        self.params, self.topic = params, topic
        self.lang = params["language"]
        self.area_id, self.year = params["area_id"], params["year"]
        self.project_dir = Path(project_dir)
        self.output_dir = Path(output_dir)
        self.store = ObservationStore(data_dir)
        published = load(self.store, *thresholds(params))
        self.areas = published.areas.copy()
        self.names = self.areas.set_index("area_id")["name"].to_dict()
        self.land = comparisons.land_of(self.area_id, self.areas)
        # only the rows this report can show: the area, its sub-areas and its comparisons
        self.subareas = self.areas.loc[self.areas["parent_id"] == self.area_id, "area_id"].tolist()
        compared = [a for a, _ in comparisons.comparison_areas(self.area_id, self.areas,
                                                               params["peers"])]
        self.observations, self.table = published.for_areas([*compared, *self.subareas])
        self.name = params.get("name") or self.names.get(self.area_id, self.area_id)
        self.catalogue = load_catalogue()
        self.vocab = load_vocabulary()
        self.synthetic = bool(self.areas["synthetic"].any())
        excluded = set(params["indicators"]["exclude"])
        topics = TOPICS if topic == "overview" else (topic,)
        self.indicators = [i for i in self.catalogue if i.topic in topics and i.id not in excluded
                           and (topic != "overview" or i.key_figure)]
        ids = {i.id for i in self.indicators}
        self.mine = self.table[(self.table["area_id"] == self.area_id)
                               & self.table["indicator_id"].isin(ids)]
        plotting.set_theme()

    # -- helpers ---------------------------------------------------------------------------
    def t(self, key: str, **kw) -> str:
        return T[key][self.lang].format(**kw)

    def label(self, kind: str, key: str) -> str:
        return self.vocab.label(kind, key, self.lang)

    def _write_csv(self, df: pd.DataFrame, name: str) -> Path:
        path = self.output_dir / "tables" / f"{self.topic}_{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        out = df.copy()
        if self.synthetic:
            out["data_origin"] = "synthetic demo data (intmon), not real"
        with atomic_path(path) as tmp:
            out.to_csv(tmp, index=False, sep=";", decimal=",", encoding="utf-8")
        return path

    def _figure(self, fig, name: str, alt: str) -> tuple[str, list[Path]]:
        """Write the figure to ``figures/<topic>_<name>.*``; return its ``<img>`` and files."""
        return plotting.publish(fig, self.output_dir / "figures" / f"{self.topic}_{name}", alt,
                                tuple(self.params["figure_formats"]))

    def _fmt(self, ind, value, status, **kw) -> str:
        return format_value(value, status, ind.unit, self.lang, **kw)

    @cached_property
    def _cells(self) -> dict:
        """(indicator, area, year, group, sex) -> (value, status), for cell-by-cell lookups."""
        t = self.table
        keys = zip(t["indicator_id"], t["area_id"], t["year"].astype(int), t["group"], t["sex"])
        return dict(zip(keys, zip(t["value"], t["status"])))

    def _row(self, ind_id, group, year=None, area=None, sex="total"):
        return self._cells.get((ind_id, area or self.area_id, int(year or self.year), group, sex),
                               (np.nan, "missing_input"))

    def _inputs(self, detail: str) -> str:
        """``unemployed:15-24+population:total`` -> readable labels of the inputs."""
        parts = []
        for item in filter(None, detail.split("+")):
            variable, _, age = item.partition(":")
            parts.append(self.label("variable", variable)
                         + (f" ({self.label('age', age)})" if age not in ("", "total") else ""))
        return ", ".join(parts)

    @cached_property
    def latest(self) -> dict[str, int]:
        """Per indicator: the latest year up to the reporting year (at most LOOKBACK years
        back) with a value for the area. Elections and surveys are not annual: a report for
        2024 shows the federal election of 2021 and the survey of 2023, with their year."""
        m = self.mine[self.mine["status"].isin(VALUED_STATUSES) & (self.mine["year"] <= self.year)
                      & (self.mine["year"] > self.year - LOOKBACK)]
        return m.groupby("indicator_id")["year"].max().astype(int).to_dict()

    def _available(self, ind) -> bool:
        return ind.id in self.latest

    # -- sections --------------------------------------------------------------------------
    def header(self) -> Section:
        topic_label = ("Überblick" if self.lang == "de" else "Overview") if self.topic == "overview" \
            else TOPIC_LABELS[self.topic][self.lang]
        body = STYLE
        if self.synthetic:
            body += (f'<div class="intmon-synthetic" style="border:3px solid #D55E00;padding:8px;'
                     f'font-weight:bold">{html.escape(self.t("synthetic"))}</div>')
        used = self.observations[self.observations["area_id"].isin(
            [self.area_id, *self.subareas])]
        sources = sorted(used["source"].dropna().unique())
        n_sup = int(((self.mine["status"] == "suppressed") & (self.mine["year"] == self.year)).sum())
        body += _p(f"{topic_label} · {self.area_id} · {self.year}")
        body += _p(self.t("sources") + ": " + "; ".join(sources))
        variables = sorted({v for ind in self.indicators for v in ind.variables})
        dates = "; ".join(f"{self.label('variable', v)}: "
                          f"{self.vocab.variables[v]['reference_date'][self.lang]}" for v in variables)
        body += _p(self.t("reference_dates") + ": " + dates)
        body += _p(self.t("disclosure", k=self.params["disclosure"]["min_count"] - 1, n=n_sup))
        return Section(self.t("title", name=self.name, year=self.year) + f": {topic_label}",
                       body, level=1)

    def key_figures(self) -> Section:
        ch = self.changes[self.changes["sex"] == "total"]
        change = ch.set_index(["indicator_id", "group", "year", "period"])[["change", "status"]]
        land_label = self.names.get(self.land, "Land")
        stand, wert = self.t("as_of"), self.t("value")
        rows, small = [], False
        for ind in self.indicators:
            if not self._available(ind):
                continue
            year = self.latest[ind.id]
            for group in ind.groups:
                value, status = self._row(ind.id, group, year)
                if status == "missing_input":
                    continue  # explained in the data availability section
                lv, ls = self._row(ind.id, group, year, area=self.land) if self.land else \
                    (np.nan, "missing_input")
                shown = self._fmt(ind, value, status, with_unit=True) + self._ci(ind, group, year)
                if self._small(ind.id, group, year):
                    shown += " ¹"
                    small = True
                row = {self.t("indicator"): ind.text("name", self.lang),
                       self.t("group"): self.label("group", group), stand: str(year), wert: shown}
                for period in (1, 5):
                    c = change.loc[(ind.id, group, year, period)]
                    row[self.t(f"change{period}")] = self._fmt(ind, c["change"], c["status"], sign=True)
                row[self.t("trend")] = self._trend(ind.id, group)
                row[land_label] = self._fmt(ind, lv, ls, with_unit=True)
                rows.append(row)
            if ind.reference_group:
                gap_rows = self.gaps[(self.gaps["indicator_id"] == ind.id)
                                     & (self.gaps["year"] == year) & (self.gaps["sex"] == "total")]
                for g in gap_rows[gap_rows["status"] != "missing_input"].itertuples():
                    rows.append({
                        self.t("indicator"): ind.text("name", self.lang),
                        self.t("group"): self.t("gap", a=self.label("group", g.group),
                                                b=self.label("group", g.reference_group)),
                        stand: str(year), wert: self._fmt(ind, g.gap, g.status, sign=True)
                        + (" Pp." if ind.unit == "percent" and g.status in VALUED_STATUSES else ""),
                        self.t("change1"): "", self.t("change5"): "", self.t("trend"): "",
                        land_label: "",
                    })
        if not rows:
            return Section(self.t("key_figures"), _p(self.t("none_available", name=self.name,
                                                             year=self.year), "intmon-gap"))
        df = pd.DataFrame(rows)
        path = self._write_csv(df, "key_figures")
        note = _p(self.t("small_numbers", n=SMALL_DENOMINATOR)) if small else ""
        return Section(self.t("key_figures"), _table_html(df, self.lang) + note, df, [path])

    def _series(self, ind_id: str, group: str) -> pd.Series:
        m = self.mine[(self.mine["indicator_id"] == ind_id) & (self.mine["group"] == group)
                      & (self.mine["sex"] == "total") & (self.mine["year"] <= self.year)
                      & self.mine["status"].isin(VALUED_STATUSES)]
        return m.set_index("year")["value"].sort_index()

    def _ci(self, ind, group: str, year: int) -> str:
        """`` (KI 58,1–66,4; n = 412)`` for a survey share, else empty."""
        r = self.mine[(self.mine["indicator_id"] == ind.id) & (self.mine["group"] == group)
                      & (self.mine["sex"] == "total") & (self.mine["year"] == year)]
        if not len(r) or pd.isna(r["ci_low"].iloc[0]):
            return ""
        lo, hi = (format_value(r[c].iloc[0], "ok", ind.unit, self.lang) for c in ("ci_low", "ci_high"))
        ci = "KI" if self.lang == "de" else "CI"
        return f" ({ci} {lo}–{hi}; n = {int(r['n_cases'].iloc[0])})"

    def _trend(self, ind_id: str, group: str) -> str:
        s = self._series(ind_id, group)
        return TREND_LABELS[methods.trend(s.index, s.to_numpy())][self.lang]

    def _small(self, ind_id: str, group: str, year: int) -> bool:
        r = self.mine[(self.mine["indicator_id"] == ind_id) & (self.mine["group"] == group)
                      & (self.mine["sex"] == "total") & (self.mine["year"] == year)]
        return bool(len(r)) and bool(methods.small_number_flag(r["denominator"].fillna(np.inf),
                                                               SMALL_DENOMINATOR)[0])

    @cached_property
    def changes(self) -> pd.DataFrame:
        return comparisons.changes(self.mine)

    @cached_property
    def gaps(self) -> pd.DataFrame:
        """Gaps between groups for every indicator of the area (goals may use any topic)."""
        return comparisons.gaps(self.table[self.table["area_id"] == self.area_id], self.catalogue)

    def time_series(self) -> Section:
        inds = [i for i in self.indicators if self._available(i)]
        if not inds:
            return Section(self.t("time_series"), _p(self.t("none_available", name=self.name,
                                                             year=self.year), "intmon-gap"))
        import matplotlib.pyplot as plt

        ncols = min(3, len(inds))
        nrows = -(-len(inds) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows), squeeze=False)
        for ax, ind in zip(axes.flat, inds):
            d = self.mine[(self.mine["indicator_id"] == ind.id) & (self.mine["sex"] == "total")
                          & (self.mine["year"] <= self.year)]
            d = d.assign(value=d["value"].where(d["status"].isin(VALUED_STATUSES)))
            for group in ind.groups:
                g = d[d["group"] == group].sort_values("year")
                if g["value"].notna().any():
                    ax.plot(g["year"], g["value"], marker="o", ms=3,
                            color=plotting.GROUP_COLORS[group], label=self.label("group", group))
            ax.set_title(textwrap.fill(ind.text("name", self.lang), 45), fontsize=9)
            ax.set_ylabel(UNIT_LABEL[self.lang][ind.unit])
            plotting.honest_ylim(ax)
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.legend(fontsize=7)
        for ax in list(axes.flat)[len(inds):]:
            ax.axis("off")
        # fixed spacing for titles of up to three lines (tight_layout would measure every
        # text once more; the outer margins are trimmed when the figure is saved)
        fig.subplots_adjust(hspace=0.55, wspace=0.3)
        img, files = self._figure(fig, "time_series", self.t("time_series"))
        data = self.mine[self.mine["indicator_id"].isin([i.id for i in inds])]
        return Section(self.t("time_series"), img, data, files)

    def comparison(self) -> Section:
        areas = [(a, role) for a, role in
                 comparisons.comparison_areas(self.area_id, self.areas, self.params["peers"])
                 if a in self.names]
        rows = []
        for ind in self.indicators:
            if not self._available(ind):
                continue
            for group in ind.groups:
                year = self.latest[ind.id]
                row = {self.t("indicator"): ind.text("name", self.lang),
                       self.t("group"): self.label("group", group), self.t("as_of"): str(year)}
                for area, _ in areas:
                    value, status = self._row(ind.id, group, year, area=area)
                    row[self.names[area]] = self._fmt(ind, value, status, with_unit=True)
                peers = [a for a, role in areas if role in ("area", "peer")]
                if len(peers) > 1:
                    values = pd.Series({a: v for a in peers
                                        for v, s in [self._row(ind.id, group, year, area=a)]
                                        if s in VALUED_STATUSES})
                    pos = methods.peer_position(values, self.area_id, DIRECTION_BETTER[ind.direction])
                    row[self.t("peer_mean")] = self._fmt(ind, pos["mean"], "ok" if pd.notna(pos["mean"])
                                                         else "missing_input", with_unit=True)
                    row[self.t("peer_rank")] = f"{pos['rank']} / {pos['of']}" if pos["rank"] else "."
                rows.append(row)
        if not rows:
            return Section(self.t("comparison"), _p(self.t("none_available", name=self.name,
                                                            year=self.year), "intmon-gap"))
        df = pd.DataFrame(rows)
        path = self._write_csv(df, "comparison")
        missing = [a for a, _ in comparisons.comparison_areas(self.area_id, self.areas,
                                                              self.params["peers"])
                   if a not in self.names]
        note = _p(("Nicht im Datenbestand, daher nicht verglichen: " if self.lang == "de" else
                   "Not in the data store, so not compared: ")
                  + ", ".join("Deutschland" if a == "DG" and self.lang == "de" else
                              "Germany" if a == "DG" else a for a in missing)) if missing else ""
        rank_note = _p(self.t("rank_note")) if self.t("peer_rank") in df else ""
        return Section(self.t("comparison"), _table_html(df, self.lang) + note + rank_note, df,
                       [path])

    def subdistricts(self) -> Section:
        subs = self.areas[self.areas["parent_id"] == self.area_id]
        t = self.table
        latest = pd.Series(self.latest, dtype="int64")
        d = t[t["area_id"].isin(subs["area_id"]) & (t["sex"] == "total")
              & t["indicator_id"].isin(latest.index)]
        d = d[d["year"] == d["indicator_id"].map(latest)]
        d_ok = d[d["status"].isin(VALUED_STATUSES)]
        if d_ok.empty:
            why = self.params["data_gaps"].get("subdistricts") or self.t("no_subdistricts_why")
            return Section(self.t("subdistricts"), _p(self.t("no_subdistricts", name=self.name,
                                                              why=why), "intmon-gap"))
        inds = [i for i in self.indicators if i.id in set(d_ok["indicator_id"])]
        unit_label = self.label("area_level", subs["level"].iloc[0])
        table = pd.DataFrame({unit_label: subs["name"].to_numpy()}, index=subs["area_id"].to_numpy())
        for ind in inds:
            for group in ind.groups:
                x = d[(d["indicator_id"] == ind.id) & (d["group"] == group)].set_index("area_id")
                col = f"{ind.text('name', self.lang)} – {self.label('group', group)}"
                table[col] = [self._fmt(ind, x["value"].get(a, np.nan),
                                        x["status"].get(a, "missing_input")) for a in table.index]
        table = table.loc[:, (table != ".").any()]
        path = self._write_csv(table, "subdistricts")
        # figure: the first indicator with sub-district data, groups side by side
        import matplotlib.pyplot as plt

        ind = inds[0]
        f = d_ok[d_ok["indicator_id"] == ind.id].assign(
            name=lambda x: x["area_id"].map(self.names))
        order = (f[f["group"] == "total"].sort_values("value")["name"].tolist()
                 or f.sort_values("value")["name"].unique().tolist())
        fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(order) + 1.4))
        for group in ind.groups:
            g = f[f["group"] == group].set_index("name").reindex(order)
            ax.plot(g["value"], range(len(order)), "o", ms=6, color=plotting.GROUP_COLORS[group],
                    label=self.label("group", group))
        ax.set_yticks(range(len(order)), order)
        ax.set_xlabel(f"{ind.text('name', self.lang)} ({UNIT_LABEL[self.lang][ind.unit]})")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(order)), ncol=3,
                  frameon=False)
        img, files = self._figure(fig, "subdistricts", self.t("subdistricts"))
        return Section(self.t("subdistricts"), _table_html(table, self.lang) + img, table,
                       [path, *files])

    def by_sex(self, indicator_ids: list[str]) -> Section:
        """Values for women and men side by side, per group (reporting year)."""
        f, m = self.label("sex", "female"), self.label("sex", "male")
        rows = []
        for ind in [i for i in self.indicators if i.id in indicator_ids]:
            for group in ind.groups:
                vf, sf = self._row(ind.id, group, sex="female")
                vm, sm = self._row(ind.id, group, sex="male")
                if "missing_input" in (sf, sm):
                    continue
                both = sf in VALUED_STATUSES and sm in VALUED_STATUSES
                rows.append({self.t("indicator"): ind.text("name", self.lang),
                             self.t("group"): self.label("group", group),
                             f: self._fmt(ind, vf, sf, with_unit=True),
                             m: self._fmt(ind, vm, sm, with_unit=True),
                             f"{f} – {m}": self._fmt(ind, vf - vm if both else np.nan,
                                                     "ok" if both else "suppressed", sign=True)})
        if not rows:
            return Section(self.t("by_sex"), _p(self.t("no_by_sex", name=self.name), "intmon-gap"))
        df = pd.DataFrame(rows)
        path = self._write_csv(df, "by_sex")
        return Section(self.t("by_sex"), _table_html(df, self.lang), df, [path])

    def relation(self, x_id: str, y_id: str, x_group: str = "total", y_group: str = "total"
                 ) -> Section:
        """Scatter of two indicators across the area's sub-areas (latest year with both)."""
        xi, yi = self.catalogue.get(x_id), self.catalogue.get(y_id)
        title = self.t("relation", x=xi.text("name", self.lang), y=yi.text("name", self.lang))
        subs = self.subareas
        t = self.table[self.table["area_id"].isin(subs) & (self.table["sex"] == "total")
                       & (self.table["year"] <= self.year) & self.table["status"].isin(VALUED_STATUSES)]
        x = t[(t["indicator_id"] == x_id) & (t["group"] == x_group)][["area_id", "year", "value"]]
        y = t[(t["indicator_id"] == y_id) & (t["group"] == y_group)][["area_id", "year", "value"]]
        both = x.merge(y, on=["area_id", "year"], suffixes=("_x", "_y"))
        if both.empty or both.groupby("year").size().max() < 3:
            return Section(title, _p(self.t("no_relation", name=self.name), "intmon-gap"))
        counts = both.groupby("year").size()
        year = int(counts[counts >= 3].index.max())
        d = both[both["year"] == year].assign(name=lambda z: z["area_id"].map(self.names))
        r = float(np.corrcoef(d["value_x"], d["value_y"])[0, 1])
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        ax.scatter(d["value_x"], d["value_y"], color=plotting.GROUP_COLORS[y_group], s=30)
        for row in d.itertuples():
            ax.annotate(row.name, (row.value_x, row.value_y), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
        ax.set_xlabel(f"{xi.text('name', self.lang)} ({UNIT_LABEL[self.lang][xi.unit]})")
        ax.set_ylabel(f"{yi.text('name', self.lang)} ({UNIT_LABEL[self.lang][yi.unit]})")
        img, files = self._figure(fig, f"relation_{x_id}_{y_id}", title)
        note = _p(self.t("relation_note", n=len(d), year=year,
                         r=format_value(r, "ok", "ratio", self.lang, sign=True)))
        return Section(title, img + note, d, files)

    def segregation(self) -> Section:
        """Segregation of foreign nationals over the area's sub-areas, per year."""
        rows = []
        for _, year, usable, left_out in subarea_counts(
                self.observations, self.areas, "population", {"total", "german", "foreign"},
                parents=[self.area_id]):
            if year > self.year:
                continue
            d = methods.dissimilarity(usable["foreign"], usable["german"])
            rows.append({"year": year, "D": d.value,
                         "IS": methods.segregation_index(usable["foreign"], usable["total"]).value,
                         "isolation": methods.isolation(usable["foreign"], usable["total"]).value,
                         "concentration": methods.concentration_share(usable["foreign"],
                                                                      usable["total"]).value,
                         "units": d.n_units, "excluded": d.n_excluded + left_out})
        if not rows:
            return Section(self.t("segregation"), _p(self.t("no_segregation", name=self.name),
                                                     "intmon-gap"))
        data = pd.DataFrame(rows)
        unit = self.t("units_label")
        shown = pd.DataFrame({
            ("Jahr" if self.lang == "de" else "Year"): data["year"].astype(str),
            "D": [format_value(v, "ok", "ratio", self.lang) for v in data["D"]],
            "IS": [format_value(v, "ok", "ratio", self.lang) for v in data["IS"]],
            "Isolation": [format_value(v, "ok", "ratio", self.lang) for v in data["isolation"]],
            ("Konzentration" if self.lang == "de" else "Concentration"):
                [format_value(v * 100, "ok", "percent", self.lang, with_unit=True)
                 for v in data["concentration"]],
            unit: [f"{u} (+{e})" if e else str(u) for u, e in zip(data["units"], data["excluded"])],
        })
        path = self._write_csv(shown, "segregation")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6.5, 3.2))
        for column, label in (("D", "D"), ("IS", "IS"), ("isolation", "Isolation")):
            ax.plot(data["year"], data[column], marker="o", ms=3, label=label)
        ax.set_ylim(0, max(0.5, float(data[["D", "IS", "isolation"]].max().max()) * 1.15))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=8)
        img, files = self._figure(fig, "segregation", self.t("segregation"))
        body = _table_html(shown, self.lang) + img + _p(self.t("segregation_note"))
        return Section(self.t("segregation"), body, data, [path, *files])

    def age_standardised(self, indicator_id: str) -> Section:
        """Crude and directly age-standardised values of one indicator, by group.

        The age bands are the parts of the denominator's age band in the vocabulary (e.g.
        15-64 = 15-24 + 25-64); the standard is the area's total population in those bands.
        """
        ind = self.catalogue.get(indicator_id)
        name = ind.text("name", self.lang)
        den = ind.denominator[0]
        bands = next((c for p, c in self.vocab.partition_pairs("age") if p == den.age), ())
        o = self.observations
        cells = o[(o["area_id"] == self.area_id) & (o["year"] == self.year) & (o["sex"] == "total")
                  & o["age"].isin(bands) & o["status"].isin(["ok", "zero"])]
        num = cells[cells["variable"] == ind.numerator[0].variable].pivot_table(
            index="age", columns="group", values="value")
        pop = cells[cells["variable"] == den.variable].pivot_table(
            index="age", columns="group", values="value")
        groups = [g for g in ind.groups if g in num.columns and g in pop.columns]
        band_labels = ", ".join(self.label("age", b) for b in bands)
        if not bands or "total" not in groups or len(num) < len(bands) or len(pop) < len(bands):
            return Section(self.t("standardised", name=name),
                           _p(self.t("no_standardised", name=self.name, bands=band_labels or "-"),
                              "intmon-gap"))
        standard = pop["total"]
        rows = []
        for group in groups:
            crude = num[group].sum() / pop[group].sum() * ind.multiplier
            std = methods.direct_standardisation(num[group] / pop[group], standard) * ind.multiplier
            rows.append({self.t("group"): self.label("group", group),
                         ("roh" if self.lang == "de" else "crude"): self._fmt(ind, crude, "ok", with_unit=True),
                         ("altersstandardisiert" if self.lang == "de" else "age-standardised"):
                             self._fmt(ind, std, "ok", with_unit=True)})
        df = pd.DataFrame(rows)
        path = self._write_csv(df, f"standardised_{indicator_id}")
        return Section(self.t("standardised", name=name),
                       _table_html(df, self.lang) + _p(self.t("standardised_note", bands=band_labels)),
                       df, [path])

    def gap_overview(self) -> Section:
        """Every gap in percentage points for the reporting year, as one chart."""
        g = self.gaps[(self.gaps["sex"] == "total") & self.gaps["status"].isin(VALUED_STATUSES)]
        g = g[g["year"] == g["indicator_id"].map(self.latest)]
        units = {i.id: i.unit for i in self.indicators}
        g = g[g["indicator_id"].map(units).eq("percent")]
        if g.empty:
            return Section(self.t("gap_overview"), _p(self.t("none_available", name=self.name,
                                                              year=self.year), "intmon-gap"))
        names = {i.id: i.text("name", self.lang) for i in self.indicators}
        g = g.assign(label=g["indicator_id"].map(names) + " (" + g["group"].map(
            lambda x: self.label("group", x)) + ")").sort_values("gap")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 0.35 * len(g) + 1.2))
        ax.barh(g["label"], g["gap"], color=[plotting.GROUP_COLORS[x] for x in g["group"]])
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(self.t("gap_axis"))
        img, files = self._figure(fig, "gaps", self.t("gap_overview"))
        return Section(self.t("gap_overview"), img, g, files)

    def goals(self) -> Section:
        targets = {k: v for k, v in self.params["targets"].items()
                   if self.topic == "overview" or v["indicator_id"].startswith(self.topic + ".")}
        if not targets:
            return Section(self.t("goals"), _p(self.t("no_goals")))
        status = comparisons.goal_status(self.table, self.gaps, targets, self.area_id, self.year)
        rows = []
        for g in status.itertuples():
            ind = self.catalogue.get(g.indicator_id)
            what = ind.text("name", self.lang)
            if g.measure == "gap":
                what += " – " + self.t("gap", a=self.label("group", g.group),
                                       b=self.label("group", ind.reference_group))
            rows.append({self.t("indicator"): what,
                         ("Ziel" if self.lang == "de" else "Target"):
                             f"{'≤' if g.direction == 'below' else '≥'} "
                             f"{self._fmt(ind, g.value, 'ok')} bis {g.by}",
                         str(self.year): self._fmt(ind, g.current, "ok" if pd.notna(g.current) else "missing_input"),
                         str(self.year - 1): self._fmt(ind, g.previous, "ok" if pd.notna(g.previous) else "missing_input"),
                         ("Stand" if self.lang == "de" else "Status"): GOAL_STATES[g.state][self.lang]})
        df = pd.DataFrame(rows)
        path = self._write_csv(df, "goals")
        rule = ("Regel: Ein Ziel ist erreicht, wenn der aktuelle Wert die Zielmarke erreicht (≤ "
                "bzw. ≥). Sonst ist es auf Kurs, wenn die Trendgerade der letzten fünf Jahre "
                "(Kleinste-Quadrate-Schätzung, mindestens drei Werte) die Zielmarke bis zum Zieljahr "
                "erreicht, und andernfalls nicht auf Kurs."
                if self.lang == "de" else
                "Rule: a goal is reached when the current value meets the target (≤ or ≥). "
                "Otherwise it is on track when the least-squares trend line of the last five "
                "years (at least three values) meets the target by the target year, and off "
                "track if not.")
        return Section(self.t("goals"), _table_html(df, self.lang) + _p(rule), df, [path])

    def commentary(self) -> Section:
        from nbconvert.filters import markdown2html

        path = Path(self.params["commentary"]) / f"{self.topic}.md"
        rel = os.path.relpath(path, self.project_dir)
        text = path.read_text(encoding="utf-8").strip() if path.exists() else ""
        if not text:
            return Section(self.t("commentary"), _p(self.t("no_commentary", path=rel), "intmon-gap"))
        return Section(self.t("commentary"), markdown2html(text))

    def availability(self) -> Section:
        rows = []
        gaps_param = self.params["data_gaps"]
        for ind in self.indicators:
            year = self.latest.get(ind.id, self.year)
            rows_ind = self.mine[(self.mine["indicator_id"] == ind.id) & (self.mine["year"] == year)
                                 & (self.mine["sex"] == "total")]
            ok_groups = set(rows_ind.loc[rows_ind["status"].isin(VALUED_STATUSES), "group"])
            missing = [g for g in ind.groups if g not in ok_groups]
            keys = [ind.id, *(["survey"] if ind.survey else []), *sorted(ind.variables), *missing]
            explicit = next((gaps_param[k] for k in keys if k in gaps_param), None)
            available = self.t("available") if year == self.year else \
                self.t("available_as_of", year=year)
            if not missing:
                state = available
            else:
                first = rows_ind[rows_ind["group"].isin(missing)]
                code = first["reason"].iloc[0] if len(first) else ""
                detail = first["detail"].iloc[0] if len(first) else ""
                why = explicit or REASONS.get(code, REASONS[""])[self.lang].format(
                    detail=self._inputs(detail))
                if ok_groups:
                    state = available + "; " + self.t(
                        "groups_missing", groups=", ".join(self.label("group", g) for g in missing),
                        why=why)
                else:
                    state = self.t("not_available_because", name=self.name, why=why)
            rows.append({self.t("indicator"): ind.text("name", self.lang),
                         ("Stand" if self.lang == "de" else "Status"): state})
        df = pd.DataFrame(rows)
        path = self._write_csv(df, "availability")
        body = _table_html(df, self.lang) + self._suppressed_html()
        return Section(self.t("availability"), body, df, [path])

    def _suppressed_html(self) -> str:
        """Which values of the reporting year are suppressed, and why."""
        sup = self.mine[(self.mine["year"] == self.year) & (self.mine["status"] == "suppressed")]
        title = f"<h3>{html.escape(self.t('suppressed_values', year=self.year))}</h3>"
        if sup.empty:
            return title + _p(self.t("no_suppressed"))
        names = {i.id: i.text("name", self.lang) for i in self.indicators}
        df = pd.DataFrame({
            self.t("indicator"): sup["indicator_id"].map(names),
            self.t("group"): sup["group"].map(lambda g: self.label("group", g)),
            ("Geschlecht" if self.lang == "de" else "Sex"): sup["sex"].map(lambda s: self.label("sex", s)),
            ("Grund" if self.lang == "de" else "Reason"):
                sup["reason"].map(lambda r: REASONS.get(r, REASONS[""])[self.lang]),
        })
        return title + _table_html(df, self.lang)

    def methods(self) -> Section:
        parts = []
        for ind in self.indicators:
            def side(sels):
                return " + ".join(
                    self.label("variable", s.variable)
                    + (f" ({self.label('age', s.age)})" if s.age != "total" else "")
                    + (f" [{self.label('group', s.group)}]" if s.group else "")
                    + (" (Vorjahr)" if s.year_offset == -1 and self.lang == "de" else
                       " (previous year)" if s.year_offset == -1 else "")
                    for s in sels)
            refs = "; ".join(f"{r['ref']}: {r['note'][self.lang]}" for r in ind.references)
            if ind.spatial:
                survey = formula(ind, self.lang)
            elif ind.survey:
                survey = (f"Befragung, Frage '{ind.survey['item']}', positive Antworten "
                          f"{ind.survey['positive']}; gewichteter Anteil mit 95-%-Konfidenzintervall"
                          if self.lang == "de" else
                          f"survey, item '{ind.survey['item']}', positive answers "
                          f"{ind.survey['positive']}; weighted share with 95 % confidence interval")
            items = [(self.t("indicator"), ind.text("name", self.lang)),
                     ("Definition", ind.text("description", self.lang)),
                     *([(self.t("numerator"), side(ind.numerator)),
                        (self.t("denominator"), side(ind.denominator))]
                      if not (ind.survey or ind.spatial) else
                       [("Methode" if self.lang == "de" else "Method", survey)]),
                     (self.t("unit"), UNIT_LABEL[self.lang][ind.unit]),
                     ("Quelle" if self.lang == "de" else "Source", ind.text("source", self.lang)),
                     ("Begründung" if self.lang == "de" else "Rationale", ind.text("rationale", self.lang)),
                     ("Hinweise" if self.lang == "de" else "Caveats", ind.text("caveats", self.lang)),
                     ("Bezüge" if self.lang == "de" else "References", refs)]
            parts.append("<dl>" + "".join(f"<dt><b>{html.escape(k)}</b></dt><dd>{html.escape(v)}</dd>"
                                          for k, v in items) + "</dl>")
        parts.append(_p(self.t("disclosure", k=self.params["disclosure"]["min_count"] - 1,
                               n=int((self.mine["status"] == "suppressed").sum()))))
        parts.append(_p(LEGEND[self.lang]))
        return Section(self.t("methods"), "\n".join(parts))

    def values(self) -> pd.DataFrame:
        """The area's published indicator values (for scripted checks in a notebook)."""
        return self.mine


def open_report(area_id: str, parameter_file: str, topic: str, data_dir: str, output_dir: str,
                project_dir: str = ".") -> Report:
    """Entry point of every notebook: load and validate the parameters, open the data.

    ``area_id`` arrives from papermill; it must be the same text as in the parameter file
    (a number here means it was passed through a command line and lost its leading zeros).
    """
    params = load_parameters(Path(project_dir) / parameter_file)
    if not isinstance(area_id, str) or area_id != params["area_id"]:
        raise ParameterError(parameter_file, "area_id",
                             f"the notebook received {area_id!r} ({type(area_id).__name__}) but the "
                             f"file says {params['area_id']!r}",
                             "run notebooks through 'intmon run', which passes ids as text")
    return Report(params, topic, Path(project_dir) / data_dir, Path(project_dir) / output_dir,
                  project_dir)
