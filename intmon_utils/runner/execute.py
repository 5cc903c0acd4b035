"""One report: its notebook executed in this thread's warm kernel, exported as HTML.

Every file is written atomically and the input stamp last, so a report killed at any point
is either complete or not there, and the next run redoes it.
"""

from __future__ import annotations

import multiprocessing.util
import threading
import time
import traceback
from pathlib import Path

import nbformat

from .. import export
from ..config.parameters import load_parameters
from ..fileio import write_text
from ..manifest import FAILED, OK
from ..publication import PUBLICATION, write_publication
from ..topics import report_title
from .kernel import WarmKernel
from .plan import Job, manifest_entry, stamp_path

_KERNELS = threading.local()  # one kernel per worker thread (Dask workers may have several)


def warm_kernel(project: str | Path, cell_timeout: int | None = None) -> WarmKernel:
    """This thread's kernel for ``project``, started on first use and kept until exit."""
    project = str(Path(project).resolve())
    kernel = getattr(_KERNELS, "kernel", None)
    if kernel is None or kernel.cwd != project:
        if kernel is not None:
            kernel.shutdown()
        kernel = _KERNELS.kernel = WarmKernel(project)
        multiprocessing.util.Finalize(kernel, kernel.shutdown, exitpriority=10)
    if cell_timeout is not None:
        kernel.cell_timeout = cell_timeout
    return kernel


def _error_text(exc: Exception) -> str:
    if type(exc).__name__ == "PapermillExecutionError":
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    return f"{type(exc).__name__}: {exc}"


def execute(job: Job, project: str, data_dir: str, cell_timeout: int | None = None) -> dict:
    """Make one report (a notebook in this thread's warm kernel, exported as HTML, or an
    area's publication); never raises (errors go into the result)."""
    start = time.perf_counter()
    project_path = Path(project)
    out_dir = project_path / job.output_dir
    result = manifest_entry(job, OK)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp_path(project_path, job).unlink(missing_ok=True)  # outdated until complete
        if job.topic == PUBLICATION:
            params = load_parameters(project_path / job.parameter_file)
            written, notes, timings = write_publication(
                params, project_path / data_dir, out_dir, project_path
            )
            result.update(outputs=written, notes=notes, timings=timings)
        else:
            _notebook(job, project, data_dir, cell_timeout)
        write_text(stamp_path(project_path, job), job.input_hash)  # last: the report is complete
    except Exception as exc:  # isolate the failure; it is reported in the manifest
        result["status"] = FAILED
        result["error"] = _error_text(exc)
        result["traceback"] = traceback.format_exc(limit=3)[-2000:]
    result["duration"] = round(time.perf_counter() - start, 3)
    return result


def _notebook(job: Job, project: str, data_dir: str, cell_timeout: int | None) -> None:
    """Execute the job's notebook and export it as HTML without code."""
    project_path = Path(project)
    out_dir = project_path / job.output_dir
    out_nb = out_dir / f"{job.topic}.ipynb"
    tmp_nb = out_dir / f".{job.topic}.tmp.ipynb"
    parameters = {
        "area_id": job.area_id,
        "topic": job.topic,
        "parameter_file": job.parameter_file,
        "data_dir": str(data_dir),
        "output_dir": job.output_dir,
        "project_dir": ".",
    }
    try:
        nb = warm_kernel(project, cell_timeout).execute_notebook(
            project_path / job.notebook, tmp_nb, parameters
        )
        for cell in nb.cells:  # papermill gives this cell a random id: make reruns identical
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.id = "injected-parameters"
        nbformat.write(nb, tmp_nb)
    finally:
        if tmp_nb.exists():
            tmp_nb.replace(out_nb)
    params = load_parameters(project_path / job.parameter_file)
    page, css = export.notebook_to_html(
        nb,
        css_href=f"../{export.SHARED_CSS}",
        title=report_title(params.name, job.year, job.topic, params.language),
        lang=params.language,
    )
    shared = out_dir.parent / export.SHARED_CSS
    if not shared.exists() or shared.read_text(encoding="utf-8") != css:
        write_text(shared, css)
    write_text(out_dir / f"{job.topic}.html", page)
