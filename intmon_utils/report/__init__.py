"""What the notebooks call: each method returns a ``Section`` that renders as HTML.

A notebook cell is one line, e.g. ``report.key_figures()``. The section shows a table or a
figure with German (or English) labels and status symbols, writes the same content to
``tables/*.csv`` and ``figures/*.png|svg`` in the output folder, and says plainly when
something is not available and why. Every text comes from ``intmon_utils/texts/report.yml``.

Modules: ``context`` (parameters, tables, helpers), ``selection`` (what a section picks
from the tables), ``html`` (escaped building blocks), and the sections by family:
``summary`` (key figures, comparison, goals, women and men), ``charts`` (time series, gaps,
sub-districts, relation), ``spatial`` (segregation, age standardisation) and ``notes``
(header, commentary, availability, methods).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config.parameters import load_parameters
from ..errors import ParameterError
from . import charts, notes, spatial, summary
from .context import ReportContext
from .html import Section

__all__ = ["Report", "Section", "open_report"]


class Report(ReportContext):
    """All sections of one municipality × topic report."""

    def header(self) -> Section:
        return notes.header(self)

    def key_figures(self) -> Section:
        return notes.explained(self, summary.key_figures(self), "key_figures")

    def time_series(self) -> Section:
        """One panel per indicator, then the commentary on the series and on each indicator."""
        anchors = [i.id for i in self.indicators]
        return notes.explained(self, charts.time_series(self), "time_series", *anchors)

    def comparison(self) -> Section:
        return notes.explained(self, summary.comparison(self), "comparison")

    def subdistricts(self) -> Section:
        return notes.explained(self, charts.subdistricts(self), "subdistricts")

    def by_sex(self, indicator_ids: list[str]) -> Section:
        """Values for women and men side by side, per group (reporting year)."""
        return summary.by_sex(self, indicator_ids)

    def relation(
        self, x_id: str, y_id: str, x_group: str = "total", y_group: str = "total"
    ) -> Section:
        """Scatter of two indicators across the area's sub-areas (latest year with both)."""
        return charts.relation(self, x_id, y_id, x_group, y_group)

    def segregation(self) -> Section:
        """Segregation of foreign nationals over the area's sub-areas, per year."""
        return spatial.segregation(self)

    def age_standardised(self, indicator_id: str) -> Section:
        """Crude and directly age-standardised values of one indicator, by group."""
        return spatial.age_standardised(self, indicator_id)

    def gap_overview(self) -> Section:
        """Every gap in percentage points for the reporting year, as one chart."""
        return notes.explained(self, charts.gap_overview(self), "gaps")

    def goals(self) -> Section:
        return notes.explained(self, summary.goals(self), "goals")

    def commentary(self) -> Section:
        return notes.commentary(self)

    def availability(self) -> Section:
        return notes.availability(self)

    def methods(self) -> Section:
        return notes.methods(self, with_provenance=True)

    def values(self) -> pd.DataFrame:
        """The area's published indicator values (for scripted checks in a notebook)."""
        return self.mine


def open_report(
    area_id: str,
    parameter_file: str,
    topic: str,
    data_dir: str,
    output_dir: str,
    project_dir: str = ".",
) -> Report:
    """Entry point of every notebook: load and validate the parameters, open the data.

    ``area_id`` arrives from papermill; it must be the same text as in the parameter file
    (a number here means it was passed through a command line and lost its leading zeros).
    """
    params = load_parameters(Path(project_dir) / parameter_file)
    if not isinstance(area_id, str) or area_id != params.area_id:
        raise ParameterError(
            parameter_file,
            "area_id",
            f"the notebook received {area_id!r} ({type(area_id).__name__}) "
            f"but the file says {params.area_id!r}",
            "run notebooks through 'intmon run', which passes ids as text",
        )
    return Report(
        params, topic, Path(project_dir) / data_dir, Path(project_dir) / output_dir, project_dir
    )
