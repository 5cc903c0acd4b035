"""What a municipality publishes besides the topic reports: the integrated report (HTML and
PDF, ``document`` and ``pdf``) and the Tabellenband with the machine-readable values.

``intmon run`` makes them per area in a job of its own (``PUBLICATION``), in the workers,
after the area's topic reports (whose figures it reuses).
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import provenance
from ..config.parameters import Parameters
from ..fileio import write_text
from ..formatting import disclosure_note
from ..published import indicators
from ..tabellenband import write_tabellenband, write_values
from . import document
from .pdf import find_chromium, print_pdf

PUBLICATION = "publication"  # the job (and manifest "topic") of an area's publication


def output_names(area_id: str) -> dict[str, str]:
    """The files of an area's publication, in its output folder."""
    return {
        "report": f"{area_id}_report.html",
        "pdf": f"{area_id}_report.pdf",
        "workbook": f"{area_id}_indicators.xlsx",
        "values_csv": f"{area_id}_values.csv",
        "values_parquet": f"{area_id}_values.parquet",
    }


def write_publication(
    params: Parameters, data_dir: Path, output_dir: Path, project_dir: Path
) -> tuple[list[str], list[str], dict[str, float]]:
    """Write the area's integrated report, its PDF (when a Chromium is found), Tabellenband
    and values; return (file names written, notes for the run's summary, seconds per step)."""
    names = output_names(params.area_id)
    clock = _Clock()
    reports = document.open_reports(params, data_dir, output_dir, project_dir)
    first = reports[0]
    html_path = write_text(output_dir / names["report"], document.render(reports))
    clock.lap("html")
    written, notes = [names["report"]], []
    chromium = find_chromium()
    if chromium:
        print_pdf(html_path, output_dir / names["pdf"], chromium)
        written.append(names["pdf"])
        clock.lap("pdf")
    else:
        (output_dir / names["pdf"]).unlink(missing_ok=True)  # never an outdated PDF
        notes.append(
            "no PDF: no Chromium found -> install it (e.g. 'apt-get install chromium') or "
            "set INTMON_CHROMIUM"
        )
    table = indicators(first.store, first.policy)
    min_count, min_cases = first.policy.of_area(params.area_id)
    note = disclosure_note(
        params.language, (min_count, min_count), min_cases, params.disclosure.reason
    )
    write_tabellenband(
        table,
        params.area_id,
        first.name,
        output_dir / names["workbook"],
        first.synthetic,
        params.language,
        note,
        provenance.lines(provenance.record(params, first.store, project_dir), params.language),
    )
    write_values(
        table, params.area_id, output_dir / Path(names["values_csv"]).stem, first.synthetic
    )
    written += [names["workbook"], names["values_csv"], names["values_parquet"]]
    clock.lap("workbook")
    return written, notes, clock.laps


class _Clock:
    """Seconds spent per step (the benchmark reads them from the manifest)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps[step] = round(now - self._last, 3)
        self._last = now


__all__ = ["PUBLICATION", "output_names", "write_publication"]
