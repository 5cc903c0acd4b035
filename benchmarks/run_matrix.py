"""Benchmark of ``intmon run`` at the scale of Germany against a naive loop and the floor.

    python benchmarks/run_matrix.py [--kreise 400] [--workers 2] [--naive 12] [--floor N]

On a synthetic Germany-sized set (``synthetic.germany``: 400 Kreise, 10 years; cached under
``benchmarks/.cache/``) and the four topic notebooks (education, labour, housing,
participation) it measures, in one invocation on the same machine:

a. the naive loop: ``papermill`` then ``jupyter nbconvert --to html --no-input`` per report,
   one report after another, over an evenly spread sample of the matrix;
b. ``intmon run`` over the full matrix with ``--workers`` processes (``--force``);
c. the floor: the notebooks' code cells executed as plain Python in a process pool of the
   same size, figures and HTML sections rendered, no notebook machinery (over the full
   matrix, or an evenly spread sample of ``--floor`` reports). It keeps the hygiene of a
   warm kernel (the same baseline after the shared imports; between two reports the
   namespace dropped, the garbage collected as IPython's reset does, then the same
   ``restore_baseline``: figures closed, settings restored, collector frozen) and starts,
   like ``intmon run --force``, without cached figures; what it leaves out is exactly the
   notebook machinery (kernel, papermill, nbconvert);
d. ``intmon run`` again with nothing changed, and after changing one Kreis's parameters;
e. the publications (integrated report, PDF, Tabellenband) of an evenly spread sample of
   ``--publications`` Kreise after their topic reports, with the seconds per step from the
   manifest.

Prints a table: reports, wall time, reports per second, seconds per report, peak memory per
worker (a worker's resident memory plus that of its kernel), and the ratios naive ÷ intmon
and intmon ÷ floor. Record the figures in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import psutil
import yaml

PROJECT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
TOPICS = ["education", "labor", "housing", "participation"]
BIN = Path(sys.executable).parent


class PeakMemory:
    """Samples a process tree: the largest (direct child + its descendants) resident memory,
    i.e. one worker with its kernel, and the root process's own peak."""

    def __init__(self, root: int, interval: float = 0.2):
        self.root, self.interval = root, interval
        self.worker_mib = self.root_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.root)
                self.root_mib = max(self.root_mib, root.memory_info().rss / 2**20)
                for child in root.children():
                    tree = [child, *child.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in tree if p.is_running())
                    self.worker_mib = max(self.worker_mib, rss / 2**20)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# -- data and project ---------------------------------------------------------------------
def germany_data(n_kreise: int, workers: int) -> Path:
    from intmon_utils import published, synthetic
    from intmon_utils.disclosure.policy import ThresholdPolicy
    from intmon_utils.store import ObservationStore

    data = CACHE / f"germany-{n_kreise}" / "data"
    store = ObservationStore(data)
    if not store.exists():
        start = time.perf_counter()
        obs, areas, survey = synthetic.germany(n_kreise, workers=workers)
        shutil.rmtree(data, ignore_errors=True)
        store.write_areas(areas)
        store.write_observations(
            obs, synthetic.SOURCE_ID, origin="intmon synthetic Germany (benchmark)"
        )
        store.write_survey(survey, "synthetic_demo_survey", origin="intmon demo survey")
        print(
            f"generated {len(obs):,} observations for {len(areas):,} areas in "
            f"{time.perf_counter() - start:.0f} s",
            flush=True,
        )
    start = time.perf_counter()
    published.build(store, ThresholdPolicy.uniform(3))
    print(f"published tables ready in {time.perf_counter() - start:.1f} s", flush=True)
    return data


def make_project(root: Path, data: Path, n_kreise: int) -> tuple[Path, list[str]]:
    from intmon_utils.store import ObservationStore

    areas = ObservationStore(data).read_areas()
    kreise = areas[areas["level"] == "district"].sort_values("area_id").head(n_kreise)
    project = root / "project"
    shutil.copytree(
        PROJECT / "notebooks",
        project / "notebooks",
        ignore=shutil.ignore_patterns("*.py", ".ipynb_checkpoints"),
    )
    params = project / "parameters"
    params.mkdir(parents=True)
    shutil.copy(PROJECT / "parameters" / "defaults.yml", params)
    for _, group in kreise.groupby("parent_id"):
        ids = group["area_id"].tolist()
        for area, name in zip(ids, group["name"]):
            peers = [p for p in ids if p != area][:3]
            (params / f"{area}.yml").write_text(
                yaml.safe_dump(
                    {"area_id": area, "name": name, "peers": peers, "topics": TOPICS},
                    allow_unicode=True,
                )
            )
    (project / "data").symlink_to(data)
    return project, kreise["area_id"].tolist()


def spread(items: list, n: int) -> list:
    """``n`` items evenly spread over the list (all topics and kinds of areas)."""
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


# -- (a) naive loop -------------------------------------------------------------------------
def naive(project: Path, jobs: list) -> tuple[float, float]:
    peak = 0.0
    start = time.perf_counter()
    for job in jobs:
        out = project / job.output_dir
        out.mkdir(parents=True, exist_ok=True)
        params = out / f"{job.topic}.params.yml"
        params.write_text(
            yaml.safe_dump(
                {
                    "area_id": job.area_id,
                    "topic": job.topic,
                    "parameter_file": job.parameter_file,
                    "data_dir": "data",
                    "output_dir": job.output_dir,
                    "project_dir": ".",
                }
            )
        )
        nb = out / f"{job.topic}.ipynb"
        for cmd in (
            [
                str(BIN / "papermill"),
                job.notebook,
                str(nb),
                "-f",
                str(params),
                "--no-progress-bar",
                "--cwd",
                str(project),
            ],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
        ):
            proc = subprocess.Popen(
                cmd, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            with PeakMemory(proc.pid) as mem:
                _, err = proc.communicate()
            peak = max(peak, mem.root_mib + mem.worker_mib)
            if proc.returncode:
                raise SystemExit(f"naive loop failed on {job.name}: {err.decode()[-2000:]}")
    return time.perf_counter() - start, peak


# -- (b) intmon run -------------------------------------------------------------------------
def intmon_run(project: Path, workers: int, *extra: str) -> tuple[float, float, str]:
    cmd = [
        str(BIN / "intmon"),
        "--project",
        str(project),
        "run",
        "--topic",
        *TOPICS,
        "--jobs",
        str(workers),
        "--quiet",
        *extra,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory(proc.pid) as mem:
        out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"intmon run failed:\n{out}\n{err[-3000:]}")
    return wall, mem.worker_mib, out.splitlines()[0]


# -- (c) floor ------------------------------------------------------------------------------
_CELLS: dict = {}


def _floor_init(project: str) -> None:
    import os

    import nbformat

    import intmon_utils.report  # noqa: F401  (the same imports a kernel pays once)
    from intmon_utils.runner import kernel_state

    os.chdir(project)
    kernel_state.take_baseline()  # the warm kernel's hygiene, without the kernel
    for topic in TOPICS:
        nb = nbformat.read(Path(project) / "notebooks" / f"{topic}.ipynb", 4)
        _CELLS[topic] = [
            c.source
            for c in nb.cells
            if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
        ]


def floor_report(job) -> None:
    """The notebook's cells as plain Python; every displayed section rendered to HTML."""
    import gc

    from intmon_utils.runner import kernel_state

    # between two notebooks the kernel resets: IPython's reset collects the garbage, then the
    # baseline is restored and the survivors frozen. Without the collection every freeze
    # would keep the previous report's cyclic garbage (figures) for good.
    gc.collect()
    kernel_state.restore_baseline()
    ns = {
        "area_id": job.area_id,
        "topic": job.topic,
        "parameter_file": job.parameter_file,
        "data_dir": "data",
        "output_dir": job.output_dir.replace("outputs", "floor", 1),
        "project_dir": ".",
    }
    html = []
    for source in _CELLS[job.topic]:
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, job.notebook, "exec"), ns)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), job.notebook, "eval"), ns)
            if hasattr(value, "_repr_html_"):
                html.append(value._repr_html_())
    out = Path(ns["output_dir"])
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{job.topic}.html").write_text("\n".join(html), encoding="utf-8")


def floor(project: Path, jobs: list, workers: int) -> tuple[float, float]:
    import os

    with (
        ProcessPoolExecutor(
            workers,
            mp_context=get_context("spawn"),
            initializer=_floor_init,
            initargs=(str(project),),
        ) as pool,
        PeakMemory(os.getpid()) as mem,
    ):
        start = time.perf_counter()
        list(pool.map(floor_report, jobs, chunksize=1))
        wall = time.perf_counter() - start
    return wall, mem.worker_mib


# -- (e) publications ------------------------------------------------------------------------
def publications(project: Path, areas: list[str], workers: int) -> tuple[float, dict]:
    """Wall time of the sample's publications and the mean seconds per step and area."""
    import json

    cmd = [str(BIN / "intmon"), "--project", str(project), "run", "--topic", "publication"]
    cmd += ["--force", "--quiet", "--jobs", str(workers), "--area", *areas]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"publications failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    entries = json.loads((project / "outputs/2024/manifest.json").read_text())["jobs"]
    timings = [e["timings"] for e in entries if e["topic"] == "publication" and "timings" in e]
    steps = {k: sum(t.get(k, 0.0) for t in timings) / len(timings) for k in timings[0]}
    return wall, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kreise", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive", type=int, default=12, help="reports in the naive sample")
    parser.add_argument(
        "--floor",
        type=int,
        default=0,
        help="reports in the floor sample (default: the full matrix)",
    )
    parser.add_argument(
        "--publications", type=int, default=20, help="Kreise in the publication sample"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(PROJECT))
    from intmon_utils import runner
    from intmon_utils.store import ObservationStore

    data = germany_data(args.kreise, args.workers)
    tmp = Path(tempfile.mkdtemp(prefix="intmon-matrix-"))
    try:
        project, kreise = make_project(tmp, data, args.kreise)
        the_plan = runner.plan(
            project,
            project / "parameters",
            ObservationStore(data),
            project / "outputs",
            topics=TOPICS,
        )
        jobs = the_plan.jobs
        print(
            f"matrix: {len(kreise)} Kreise x {len(TOPICS)} topics = {len(jobs)} reports", flush=True
        )
        rows = []
        sample = spread(jobs, args.naive)
        wall, mib = naive(project, sample)
        rows.append(("naive loop (papermill + nbconvert), 1 process", len(sample), wall, mib))
        shutil.rmtree(project / "outputs", ignore_errors=True)
        print(f"naive done: {wall / len(sample):.2f} s/report", flush=True)

        wall, mib, line = intmon_run(project, args.workers, "--force")
        rows.append((f"intmon run, {args.workers} workers", len(jobs), wall, mib))
        print(f"intmon done: {line}", flush=True)

        floor_jobs = spread(jobs, args.floor) if args.floor else jobs
        wall, mib = floor(project, floor_jobs, args.workers)
        rows.append((f"floor (plain Python), {args.workers} processes", len(floor_jobs), wall, mib))

        rerun, _, rerun_line = intmon_run(project, args.workers)
        changed = project / "parameters" / f"{kreise[0]}.yml"
        changed.write_text(changed.read_text() + "language: en\n")
        one, _, one_line = intmon_run(project, args.workers)
        sample_areas = spread(kreise, args.publications)
        pub_wall, steps = publications(project, sample_areas, args.workers)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("\n| run | reports | wall s | reports/s | s/report | peak MiB per worker |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, n, wall, mib in rows:
        print(f"| {label} | {n:,} | {wall:.1f} | {n / wall:.2f} | {wall / n:.3f} | {mib:,.0f} |")
    per = {label.split(" ")[0]: wall / n for label, n, wall, _ in rows}
    print(
        f"\nnaive ÷ intmon: {per['naive'] / per['intmon']:.1f}×   "
        f"intmon ÷ floor: {per['intmon'] / per['floor']:.2f}×"
    )
    print(f"rerun, nothing changed: {rerun:.1f} s ({rerun_line})")
    print(f"rerun after changing one Kreis's parameters: {one:.1f} s ({one_line})")
    n = len(sample_areas)
    print(
        f"publications of {n} Kreise, {args.workers} workers: {pub_wall:.1f} s wall, "
        f"{pub_wall / n:.2f} s per Kreis; per Kreis and step (one worker): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
    )


if __name__ == "__main__":
    main()
