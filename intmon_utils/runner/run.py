"""``intmon run``: every municipality × topic notebook through papermill.

One failing job never stops the others: its error goes into the manifest and the summary,
and the run exits non-zero after all jobs finished. Reports whose inputs are unchanged are
skipped. The reports are made by an executor (``Executor``): the local pool of warm-kernel
workers (``local.LocalPool``) or a Dask cluster (``dask.DaskCluster``); both take the same
jobs and yield the same manifest entries. ``docs/distributed.md`` explains the design.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .. import published
from ..manifest import FAILED, OK, SKIPPED, STALE
from ..store import ObservationStore
from .leftovers import remove_leftovers
from .local import LocalPool
from .outputs import merged_entries, write_indexes
from .plan import Job, in_project, is_current, manifest_entry, plan


class Executor(Protocol):
    """Makes the reports of ``todo`` and yields one manifest entry per job as it finishes."""

    def __call__(
        self, todo: list[Job], project: Path, data_dir: str, cell_timeout: int | None
    ) -> Iterator[dict]: ...


def executor_for(
    jobs: int = 1,
    scheduler: str | None = None,
    worker_project: str | None = None,
    project: Path | None = None,
) -> Executor:
    """The local pool, or the Dask cluster at ``scheduler``."""
    if scheduler:
        from .dask import DaskCluster  # distributed is imported only when a cluster is used

        return DaskCluster(scheduler, worker_project or str(project))
    return LocalPool(jobs)


def run(
    project: Path,
    data_dir: Path,
    parameter_dir: Path,
    output_root: Path,
    areas: list[str] | None = None,
    topics: list[str] | None = None,
    jobs: int = 1,
    quiet: bool = False,
    force: bool = False,
    cell_timeout: int | None = 600,
    scheduler: str | None = None,
    worker_project: str | None = None,
) -> tuple[list[dict], Path | None]:
    """Run the matrix; return the manifest entries of the whole workspace and the path of
    the last start page.

    A report whose inputs are unchanged and whose outputs exist is skipped (``force`` redoes
    it). Every file is written atomically and the input stamp last, so a run killed at any
    point leaves complete reports or none, and the next run does the rest. A partial run
    (``areas``, ``topics``) keeps every other report in the manifest and the portal, marked
    ``stale`` where its inputs changed since it was made. With
    ``scheduler`` the reports are made by the workers of that Dask cluster;
    ``worker_project`` is where the workers find the project.
    """
    from tqdm import tqdm

    store = ObservationStore(data_dir)
    store.require()
    the_plan = plan(project, parameter_dir, store, output_root, areas, topics)
    if the_plan.params:
        published.ensure(store, the_plan.policy)  # once, before any notebook starts
    data_rel = in_project(data_dir, project)
    remove_leftovers(project, the_plan.jobs)  # left by a run that was killed
    results = list(the_plan.failures)
    todo = [job for job in the_plan.jobs if force or not is_current(project, job)]
    if force:  # redo the figures too, not only the reports
        for job in todo:
            for key in (project / job.output_dir / "figures").glob(".*.key"):
                key.unlink(missing_ok=True)
    pending = set(todo)
    results += [manifest_entry(job, SKIPPED) for job in the_plan.jobs if job not in pending]
    skipped = len(the_plan.jobs) - len(todo)
    bar = tqdm(
        total=len(the_plan.jobs),
        initial=skipped,
        disable=quiet,
        unit="report",
        desc="intmon run",
        dynamic_ncols=True,
    )
    bar.set_postfix(failed=0, skipped=skipped)
    executor = executor_for(jobs, scheduler, worker_project, project)
    for result in executor(todo, project, data_rel, cell_timeout):
        results.append(result)
        bar.update()
        bar.set_postfix(failed=sum(r["status"] == FAILED for r in results), skipped=skipped)
    bar.close()

    # the manifest and the portal describe the whole workspace, not only this run's selection
    whole = plan(project, parameter_dir, store, output_root) if areas or topics else the_plan
    entries = merged_entries(project, whole, results, output_root)
    synthetic = store.is_synthetic()
    return entries, write_indexes(store, whole, output_root, entries, synthetic, project)


def failed_now(results: list[dict]) -> bool:
    """Whether a job of this run failed (failures kept from an earlier run do not count)."""
    return any(r["status"] == FAILED and not r.get("earlier") for r in results)


def summary(results: list[dict]) -> str:
    """What a run did, over the whole workspace's manifest entries."""
    count = {s: sum(r["status"] == s for r in results) for s in (OK, SKIPPED, STALE)}
    failed = [r for r in results if r["status"] == FAILED]
    lines = [
        f"intmon run: {count[OK]} reports written, {count[SKIPPED]} unchanged (skipped), "
        f"{sum(not r.get('earlier') for r in failed)} failed"
    ]
    if count[STALE]:
        lines.append(
            f"  {count[STALE]} reports outside this run are stale (made from older inputs); "
            "run without --area/--topic to update them"
        )
    lines += [
        f"  FAILED {r['job']}{' (in an earlier run)' if r.get('earlier') else ''}: {r['error']}"
        for r in failed
    ]
    notes = dict.fromkeys(n for r in results for n in r.get("notes") or [])
    lines += [f"  note: {n}" for n in notes]
    return "\n".join(lines)
