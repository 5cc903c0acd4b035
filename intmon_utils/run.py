"""``intmon run``: every municipality × topic notebook through papermill (DESIGN §6).

Parameters are loaded and validated here and handed to papermill from Python (never through
``-p``), so area ids stay text. One failing job never stops the others: its error goes into
the manifest and the summary, and the run exits non-zero after all jobs finished. A broken
parameter file is such a failure too.

Workers live for the whole run and execute their notebooks in one warm kernel each
(``kernel.WarmKernel``), reset between notebooks; reports whose inputs are unchanged are
skipped. ``docs/distributed.md`` explains the design and the Dask cluster mode
(``cluster.py``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.util
import os
import threading
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from . import export, published, status
from .catalogue import REPORT_TOPICS
from .errors import IntmonError
from .fileio import file_sha256, write_text
from .kernel import WarmKernel
from .parameters import discover, load_defaults, load_parameters, safe_output_name, thresholds
from .store import ObservationStore

NOTEBOOK_TOPICS = ("overview", *REPORT_TOPICS)


@dataclass(frozen=True)
class Job:
    area_id: str
    topic: str
    year: int
    parameter_file: str   # relative to the project
    notebook: str         # relative to the project
    output_dir: str       # relative to the project
    input_hash: str

    @property
    def name(self) -> str:
        return f"{self.area_id}/{self.topic}"


@dataclass
class Plan:
    jobs: list[Job]
    failures: list[dict]      # parameter files that could not be loaded
    params: dict              # area_id -> validated parameters


def _hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _in_project(path: Path, project: Path) -> str:
    """A path relative to the project where it lies inside it, else absolute."""
    path = Path(path).resolve()
    return str(path.relative_to(project)) if path.is_relative_to(project) else str(path)


def plan(project: Path, parameter_dir: Path, store: ObservationStore, output_root: Path,
         areas: list[str] | None = None, topics: list[str] | None = None) -> Plan:
    """The jobs of a run; broken parameter files become failures, not exceptions."""
    jobs, failures, params_by_area = [], [], {}
    try:
        defaults = load_defaults(parameter_dir)
    except IntmonError as exc:
        return Plan([], [{"job": str(parameter_dir / "defaults.yml"), "area_id": "?", "topic": "*",
                          "status": "failed", "error": str(exc), "duration": 0.0}], {})
    fingerprint = published.cache_key(store)
    for path in discover(parameter_dir):
        if areas and path.stem not in areas:
            continue
        try:
            params = load_parameters(path, defaults)
        except IntmonError as exc:
            failures.append({"job": _in_project(path, project), "area_id": path.stem,
                             "topic": "*", "status": "failed", "error": str(exc), "duration": 0.0})
            continue
        area = safe_output_name(params["area_id"])
        params_by_area[area] = params
        wanted = [t for t in NOTEBOOK_TOPICS if t == "overview" or t in params["topics"]]
        for topic in wanted:
            if topics and topic not in topics:
                continue
            nb = project / "notebooks" / f"{topic}.ipynb"
            commentary = Path(params["commentary"]) / f"{topic}.md"
            defaults_file = parameter_dir / "defaults.yml"
            digest = _hash(file_sha256(nb), file_sha256(path),
                           file_sha256(defaults_file) if defaults_file.exists() else "-",
                           file_sha256(commentary) if commentary.exists() else "-",
                           fingerprint)
            jobs.append(Job(area, topic, params["year"], _in_project(path, project),
                            f"notebooks/{topic}.ipynb",
                            _in_project(output_root / str(params["year"]) / area, project),
                            digest))
    if areas:
        known = {p.stem for p in discover(parameter_dir)}
        for area in areas:
            if area not in known:
                failures.append({"job": area, "area_id": area, "topic": "*", "status": "failed",
                                 "duration": 0.0,
                                 "error": f"no parameter file {parameter_dir / (area + '.yml')}"})
    return Plan(jobs, failures, params_by_area)


def stamp_path(project: Path, job: Job) -> Path:
    """Written after a report is complete: the hash of the inputs it was made from."""
    return Path(project) / job.output_dir / f".{job.topic}.inputs"


def is_current(project: Path, job: Job) -> bool:
    """True when the report exists and was made from exactly these inputs (notebook,
    parameters, defaults, commentary, data, intmon's code): it can be skipped."""
    out = Path(project) / job.output_dir
    stamp = stamp_path(project, job)
    return (stamp.exists() and stamp.read_text().strip() == job.input_hash
            and (out / f"{job.topic}.html").exists() and (out / f"{job.topic}.ipynb").exists())


_KERNELS = threading.local()   # one kernel per worker thread (Dask workers may have several)


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


def manifest_entry(job: Job, status: str, error: str | None = None) -> dict:
    """A job's line in ``manifest.json`` (``execute`` fills in the duration and outputs)."""
    return {"job": job.name, "area_id": job.area_id, "topic": job.topic, "year": job.year,
            "input_hash": job.input_hash, "status": status, "error": error,
            "outputs": [f"{job.topic}.ipynb", f"{job.topic}.html"], "duration": 0.0}


def execute(job: Job, project: str, data_dir: str, cell_timeout: int | None = None) -> dict:
    """Run one notebook in this thread's warm kernel and export its HTML; never raises
    (errors go into the result)."""
    start = time.perf_counter()
    project_path = Path(project)
    out_dir = project_path / job.output_dir
    out_nb = out_dir / f"{job.topic}.ipynb"
    result = manifest_entry(job, "ok")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp_path(project_path, job).unlink(missing_ok=True)      # outdated until complete
        tmp_nb = out_dir / f".{job.topic}.tmp.ipynb"
        parameters = {"area_id": job.area_id, "topic": job.topic,
                      "parameter_file": job.parameter_file, "data_dir": str(data_dir),
                      "output_dir": job.output_dir, "project_dir": "."}
        try:
            nb = warm_kernel(project, cell_timeout).execute_notebook(
                project_path / job.notebook, tmp_nb, parameters)
            for cell in nb.cells:   # papermill gives this cell a random id: make reruns identical
                if "injected-parameters" in cell.metadata.get("tags", []):
                    cell.id = "injected-parameters"
            nbformat.write(nb, tmp_nb)
        finally:
            if tmp_nb.exists():
                tmp_nb.replace(out_nb)
        page, css = export.notebook_to_html(nb, css_href=f"../{export.SHARED_CSS}")
        shared = out_dir.parent / export.SHARED_CSS
        if not shared.exists() or shared.read_text(encoding="utf-8") != css:
            write_text(shared, css)
        write_text(out_dir / f"{job.topic}.html", page)
        write_text(stamp_path(project_path, job), job.input_hash)   # last: the report is complete
    except Exception as exc:  # isolate the failure; it is reported in the manifest
        result["status"] = "failed"
        name = type(exc).__name__
        if name == "PapermillExecutionError":
            result["error"] = f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
        else:
            result["error"] = f"{name}: {exc}"
        result["traceback"] = traceback.format_exc(limit=3)[-2000:]
    result["duration"] = round(time.perf_counter() - start, 3)
    return result


def _worker_init(project: str, cell_timeout: int | None, parent: int) -> None:
    """Start the worker's kernel while the pool fills up, and import the exporter once.

    A worker whose run was killed (``kill -9`` of ``intmon run`` alone) would wait for work
    forever: it watches its parent and, once that is gone, stops its kernel and exits."""
    import nbconvert  # noqa: F401

    kernel = warm_kernel(project, cell_timeout)

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(1.0)
        try:
            kernel.shutdown()
        finally:
            os._exit(1)

    threading.Thread(target=watch_parent, daemon=True, name="intmon-parent-watch").start()
    kernel.start()


def _run_local(todo: list[Job], project: Path, data_rel: str, jobs: int,
               cell_timeout: int | None) -> Iterator[dict]:
    if jobs <= 1 or len(todo) <= 1:
        for job in todo:
            yield execute(job, str(project), data_rel, cell_timeout)
        return
    # long-lived workers, each with one warm kernel; spawned, not forked, so no worker
    # inherits the parent's threads or its copy of the published tables
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                             initargs=(str(project), cell_timeout, os.getpid()),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(execute, job, str(project), data_rel) for job in todo]
        for fut in as_completed(futures):
            yield fut.result()


def _write_workbooks(store: ObservationStore, the_plan: Plan, output_root: Path,
                     synthetic: bool) -> None:
    """One Excel workbook per area, rewritten only when its table or labels changed."""
    for area, params in the_plan.params.items():
        path = output_root / str(params["year"]) / area / f"{area}_indicators.xlsx"
        stamp = path.parent / ".workbook.inputs"
        digest = _hash(published.cache_key(store), repr(thresholds(params)), params["name"],
                       params["language"])
        if path.exists() and stamp.exists() and stamp.read_text() == digest:
            continue
        stamp.unlink(missing_ok=True)
        table = published.indicators(store, *thresholds(params))
        export.area_workbook(table, area, params["name"], path, synthetic, params["language"])
        write_text(stamp, digest)


def _write_indexes(store: ObservationStore, the_plan: Plan, output_root: Path,
                   results: list[dict], synthetic: bool) -> Path | None:
    """Per year: the manifest and the index page with each area's data availability."""
    names = store.read_areas().set_index("area_id")["name"].to_dict()
    names.update({a: p["name"] for a, p in the_plan.params.items()})
    by_year: dict[int, list[dict]] = {p["year"]: [] for p in the_plan.params.values()}
    for r in results:
        year = r.get("year") or (max(by_year) if by_year else None)
        if year is not None:
            by_year.setdefault(year, []).append(r)
    index_path = None
    for year, entries in by_year.items():
        year_dir = output_root / str(year)
        year_dir.mkdir(parents=True, exist_ok=True)
        entries = sorted(entries, key=lambda e: e["job"])
        export.write_manifest(year_dir / "manifest.json", entries)
        # each area's availability counted on the table its own threshold produced
        by_threshold: dict[tuple, list[str]] = {}
        for area in sorted({e["area_id"] for e in entries if e["area_id"] in the_plan.params}):
            by_threshold.setdefault(thresholds(the_plan.params[area]), []).append(area)
        matrix = pd.concat([status.summary(published.indicators(store, *k), year, ids)
                            for k, ids in by_threshold.items()]
                           or [pd.DataFrame(columns=["area_id"]).set_index("area_id")])
        index_path = write_text(year_dir / "index.html",
                                export.index_page(year, entries, names, matrix, synthetic))
    return index_path


def run(project: Path, data_dir: Path, parameter_dir: Path, output_root: Path,
        areas: list[str] | None = None, topics: list[str] | None = None, jobs: int = 1,
        quiet: bool = False, force: bool = False, cell_timeout: int | None = 600,
        scheduler: str | None = None, worker_project: str | None = None
        ) -> tuple[list[dict], Path | None]:
    """Run the matrix; return the manifest entries and the path of the last index page.

    A report whose inputs are unchanged and whose outputs exist is skipped (``force`` redoes
    it). Every file is written atomically and the input stamp last, so a run killed at any
    point leaves complete reports or none, and the next run does the rest. With
    ``scheduler`` the reports are made by the workers of that Dask cluster
    (``intmon_utils.cluster``); ``worker_project`` is where the workers find the project.
    """
    from tqdm import tqdm

    store = ObservationStore(data_dir)
    store.require()
    the_plan = plan(project, parameter_dir, store, output_root, areas, topics)
    for k in {thresholds(p) for p in the_plan.params.values()}:
        published.ensure(store, *k)    # once per threshold, before any notebook starts
    data_rel = _in_project(data_dir, project)
    for stale in output_root.rglob(".*.tmp*"):   # left by a run that was killed
        stale.unlink(missing_ok=True)
    results = list(the_plan.failures)
    todo = [job for job in the_plan.jobs if force or not is_current(project, job)]
    pending = set(todo)
    results += [manifest_entry(job, "skipped") for job in the_plan.jobs if job not in pending]
    skipped = len(the_plan.jobs) - len(todo)
    bar = tqdm(total=len(the_plan.jobs), initial=skipped, disable=quiet, unit="report",
               desc="intmon run", dynamic_ncols=True)
    bar.set_postfix(failed=0, skipped=skipped)
    if scheduler:
        from .cluster import run_on_cluster

        done = run_on_cluster(scheduler, todo, project, data_rel, cell_timeout,
                              worker_project or str(project))
    else:
        done = _run_local(todo, project, data_rel, jobs, cell_timeout)
    for result in done:
        results.append(result)
        bar.update()
        bar.set_postfix(failed=sum(r["status"] == "failed" for r in results), skipped=skipped)
    bar.close()

    synthetic = store.is_synthetic()
    _write_workbooks(store, the_plan, output_root, synthetic)
    return results, _write_indexes(store, the_plan, output_root, results, synthetic)


def summary(results: list[dict]) -> str:
    ok = sum(r["status"] == "ok" for r in results)
    skipped = sum(r["status"] == "skipped" for r in results)
    failed = [r for r in results if r["status"] == "failed"]
    lines = [f"intmon run: {ok} reports written, {skipped} unchanged (skipped), {len(failed)} failed"]
    lines += [f"  FAILED {r['job']}: {r['error']}" for r in failed]
    return "\n".join(lines)

