"""A warm Jupyter kernel that executes notebook after notebook .

Starting a kernel and importing pandas, matplotlib and intmon costs seconds, more than the
work of a typical report. A worker therefore starts one kernel, imports once, and runs every
notebook of its share of the matrix in it, through papermill (a registered engine that hands
papermill the running kernel instead of starting a new one). Before each notebook the kernel
is returned to the state it had after start-up (``kernel_state``), so a notebook cannot see
what the one before it left behind.

The kernel is restarted after a failed or timed-out notebook (its state is then unknown) and
when its memory exceeds ``max_rss_mib``: the kernel is a child process of the worker, so
neither the operating system's view of the worker nor a Dask nanny would see it grow.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from ..errors import IntmonError

ENGINE = "intmon-warm"
WARM_UP = (
    "import intmon_utils.report, intmon_utils.runner.kernel_state as _s; _s.take_baseline(); del _s"
)
RESET = (
    "get_ipython().reset(new_session=True); "
    "__import__('intmon_utils.runner.kernel_state', fromlist=['_']).restore_baseline()"
)
log = logging.getLogger(__name__)


class KernelError(IntmonError):
    """The kernel could not be started, warmed up or reset."""


class _IPCKernelManager(AsyncKernelManager):
    """Talks to its kernel over IPC sockets in a private folder, not over TCP ports: none of
    the kernel's five channels listens on the network (ipykernel's own subprocess-output pipe
    still binds one random port on 127.0.0.1: docs/security.md, section 5)."""

    def __init__(self, socket_dir: str, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(Path(socket_dir) / "kernel")


class WarmKernelEngine(NBClientEngine):
    """papermill engine that executes through the running kernel ``km`` and its connected
    client ``kc``, and leaves both as they are (connecting a new client costs a fifth of a
    second: it waits for the kernel's output channel to fall silent)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        km=None,
        kc=None,
        log_output=False,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        client = PapermillNotebookClient(
            nb_man,
            km=km,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=pm.log.logger,
            log_output=log_output,
        )
        client.kc = kc
        return client.execute()


papermill_engines.register(ENGINE, WarmKernelEngine)


class WarmKernel:
    """One kernel, started on first use in ``cwd``, reused for many notebooks."""

    def __init__(self, cwd: str | Path, max_rss_mib: int = 2048, cell_timeout: int | None = 600):
        self.cwd = str(cwd)
        self.max_rss_mib = max_rss_mib
        self.cell_timeout = cell_timeout
        self.km: _IPCKernelManager | None = None
        self.kc = None
        self._sockets: tempfile.TemporaryDirectory | None = None
        self._fresh = False
        self.starts = 0

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._sockets = tempfile.TemporaryDirectory(prefix="intmon-kernel-")
        self.km = _IPCKernelManager(self._sockets.name, kernel_name="python3")
        run_sync(self.km.start_kernel)(
            cwd=self.cwd, extra_arguments=["--HistoryManager.enabled=False"]
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=60)
        self.kc.allow_stdin = False
        self.starts += 1
        self._run(WARM_UP, "warm-up")
        self._fresh = True

    def shutdown(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception as exc:  # the kernel may already be gone
                log.debug("kernel shutdown: %s", exc)
            self.km = None
        if self._sockets is not None:
            self._sockets.cleanup()
            self._sockets = None

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def _alive(self) -> bool:
        return self.km is not None and run_sync(self.km.is_alive)()

    def rss_mib(self) -> float:
        """Resident memory of the kernel process."""
        import psutil

        try:
            return psutil.Process(self.km.provisioner.pid).memory_info().rss / 2**20
        except (AttributeError, psutil.Error):
            return 0.0

    # -- work ------------------------------------------------------------------------------
    def _run(self, code: str, what: str) -> None:
        """Execute housekeeping code outside the notebook's history; raise if it fails."""
        reply = run_sync(self.kc.execute_interactive)(
            code, store_history=False, timeout=120, output_hook=lambda msg: None
        )
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelError(
                f"kernel {what} failed: {content.get('ename')}: "
                f"{content.get('evalue')} -> check that intmon is installed in "
                "the environment of the 'python3' kernel"
            )

    def execute_notebook(self, source: str | Path, target: str | Path, parameters: dict):
        """Execute ``source`` with ``parameters`` into ``target`` (papermill semantics: the
        notebook is written even when a cell fails, and the error is raised afterwards)."""
        if not self._alive():
            self.shutdown()
            self.start()
        elif not self._fresh:
            self._run(RESET, "reset")
        self._fresh = False
        try:
            nb = pm.execute_notebook(
                str(source),
                str(target),
                parameters=parameters,
                engine_name=ENGINE,
                km=self.km,
                kc=self.kc,
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                report_mode=True,
                request_save_on_cell_execute=False,
                execution_timeout=self.cell_timeout,
            )
        except Exception:
            self.restart()  # the state after a failure is unknown
            raise
        except BaseException:  # interrupted: no new kernel
            self.shutdown()
            raise
        if self.rss_mib() > self.max_rss_mib:
            self.restart()
        return nb
