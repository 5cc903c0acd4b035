"""The Dask executor (``intmon run --scheduler ADDRESS``): the same jobs on a cluster.

What the workers need (see docs/distributed.md):

- intmon installed in the worker's Python environment (the ``python3`` kernel included);
- the project (notebooks, parameters, commentary) at ``worker_project``, by default the same
  path as on the client, with the data folder at the same place relative to it (or at the
  same absolute path when it lies outside the project).

The reports come back to the client with the task's result and are written there, atomically
and with the input stamp last, so the workers need no shared file system for outputs (with a
shared one, the files are found identical and left alone).

Known pitfalls and what is done about them:

- tasks are submitted with ``pure=False``: a report is a side effect, so Dask must run a
  resubmitted job again instead of handing back a remembered result;
- a running task cannot be cancelled: every cell has a timeout (``cell_timeout``), after which
  the notebook fails and the kernel is replaced;
- the kernel is a child process of the worker, outside what the nanny's memory limit watches:
  each kernel is restarted when it grows beyond its own limit (``WarmKernel.max_rss_mib``);
- a worker lost during a task (killed, out of memory) makes that report fail with the reason;
  the other reports go on.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

from .. import export
from ..errors import IntmonError
from ..fileio import write_bytes, write_text
from ..manifest import FAILED, OK
from ..publication import PUBLICATION
from .execute import execute
from .plan import Job, manifest_entry, stamp_path


def report_files(project: Path, job: Job, outputs: list[str]) -> dict[str, bytes]:
    """The files one report wrote, relative to the project: its ``outputs`` (notebook and
    HTML; or integrated report, PDF, Tabellenband and values), the figures and tables of its
    topic (of every topic for a publication), and the year's shared stylesheet."""
    out = Path(project) / job.output_dir
    prefix = "" if job.topic == PUBLICATION else f"{job.topic}_"
    paths = [
        *(out / name for name in outputs),
        *sorted(out.glob(f"figures/{prefix}*")),
        *sorted(out.glob(f"tables/{prefix}*")),
        out.parent / export.SHARED_CSS,
    ]
    return {str(p.relative_to(project)): p.read_bytes() for p in paths if p.is_file()}


def remote_execute(job: Job, worker_project: str, data_dir: str, cell_timeout: int | None) -> dict:
    """Runs on a worker: make the report and return it with its files."""
    project = Path(worker_project)
    if not (project / job.notebook).is_file():
        return manifest_entry(
            job,
            FAILED,
            error=(
                f"worker {socket.gethostname()} cannot see {project / job.notebook} -> install "
                f"the project at {project} on every worker, or pass --worker-project with its "
                "path there"
            ),
        )
    result = execute(job, str(project), data_dir, cell_timeout)
    if result["status"] == OK:
        result["files"] = report_files(project, job, result["outputs"])
    return result


def receive(project: Path, job: Job, result: dict) -> dict:
    """Write a report's files on the client; the input stamp last."""
    files = result.pop("files", {})
    if result["status"] != OK:
        return result
    stamp_path(project, job).unlink(missing_ok=True)
    for rel, data in files.items():
        target = project / rel
        if not (target.is_file() and target.read_bytes() == data):
            write_bytes(target, data)
    write_text(stamp_path(project, job), job.input_hash)
    return result


class DaskCluster:
    """Runs the reports on the workers of the Dask cluster at ``address``; ``worker_project``
    is the project folder as the workers see it."""

    def __init__(self, address: str, worker_project: str):
        self.address, self.worker_project = address, worker_project

    def __call__(
        self, todo: list[Job], project: Path, data_dir: str, cell_timeout: int | None
    ) -> Iterator[dict]:
        from distributed import Client, as_completed

        try:
            client = Client(self.address, timeout="20s")
        except OSError as exc:
            raise IntmonError(
                f"cannot reach the Dask scheduler at {self.address}: {exc} -> "
                "start it with 'dask scheduler' and check the address "
                "(tcp://host:8786)"
            ) from None
        with client:
            run_id = uuid.uuid4().hex[:8]
            jobs = {f"intmon-{run_id}-{i}": job for i, job in enumerate(todo)}
            futures = [
                client.submit(
                    remote_execute,
                    job,
                    self.worker_project,
                    data_dir,
                    cell_timeout,
                    key=key,
                    pure=False,
                )
                for key, job in jobs.items()
            ]
            for future in as_completed(futures):
                job = jobs[future.key]
                try:
                    result = future.result()
                except Exception as exc:  # the worker died or the task could not run
                    yield manifest_entry(job, FAILED, error=f"{type(exc).__name__}: {exc}")
                    continue
                yield receive(project, job, result)
