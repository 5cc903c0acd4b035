"""Running the report matrix (municipalities × topics) and writing what belongs to a run.

- ``plan``      the jobs, their input hashes and stamps (skip what is current)
- ``execute``   one report in a warm kernel, exported as HTML
- ``kernel``, ``kernel_state``   the warm kernel and its proven reset between notebooks
- ``local``, ``dask``   the two executors: local worker pool, Dask cluster
- ``outputs``   the manifest of the whole workspace (a partial run keeps the rest) and
  the portal
- ``run``       ``intmon run``: plan, execute, write
"""

from .execute import execute
from .plan import Job, plan
from .run import failed_now, run, summary

__all__ = ["Job", "execute", "failed_now", "plan", "run", "summary"]
