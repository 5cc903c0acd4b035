"""The local executor: long-lived worker processes, each with one warm kernel."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .execute import execute, warm_kernel
from .plan import Job


def _worker_init(project: str, cell_timeout: int | None, parent: int) -> None:
    """Start the worker's kernel while the pool fills up, and import the exporter once.

    A worker whose run was killed (``kill -9`` of ``intmon run`` alone) would wait for work
    forever: it watches its parent and, once that is gone, stops its kernel and exits."""
    # Ctrl-C reaches the whole process group: the run stops (intmon.cli), a worker leaves
    # quietly, and its kernel follows (ipykernel exits when its parent is gone)
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
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


@contextlib.contextmanager
def _ctrl_c_held_back_from_new_processes():
    """Block SIGINT in this thread while it starts processes: they inherit the mask, and a
    Ctrl-C meanwhile is still handled by this process (by another of its threads)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class LocalPool:
    """Runs the reports on this machine with ``jobs`` worker processes (one: in-process)."""

    def __init__(self, jobs: int = 1):
        self.jobs = jobs

    def __call__(
        self, todo: list[Job], project: Path, data_dir: str, cell_timeout: int | None
    ) -> Iterator[dict]:
        if self.jobs <= 1 or len(todo) <= 1:
            for job in todo:
                yield execute(job, str(project), data_dir, cell_timeout)
            return
        # long-lived workers, each with one warm kernel; spawned, not forked, so no worker
        # inherits the parent's threads or its copy of the published tables
        with ProcessPoolExecutor(
            max_workers=self.jobs,
            initializer=_worker_init,
            initargs=(str(project), cell_timeout, os.getpid()),
            mp_context=multiprocessing.get_context("spawn"),
        ) as pool:
            # workers start with Ctrl-C held back (until _worker_init makes it a quiet exit),
            # so that it interrupts none of them while it imports its libraries; this
            # process still stops at once
            with _ctrl_c_held_back_from_new_processes():
                futures = [pool.submit(execute, job, str(project), data_dir) for job in todo]
            for fut in as_completed(futures):
                yield fut.result()
